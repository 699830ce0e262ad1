/** One change of an atomic write. */
export type WriteOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/**
 * The evaluator's durable state: a sorted string key-value store with atomic multi-key writes.
 * LevelStore is the real one (LevelDB on local disk); MemoryStore serves the unit tests and the
 * benchmark's in-heap comparison.
 */
export interface KeyValueStore {
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  /** Entries with gte <= key < lt, in key order. */
  range(gte: string, lt: string): AsyncIterable<[string, string]>;
  /** Applies all changes atomically: after a crash either all or none are there. */
  write(ops: readonly WriteOp[]): Promise<void>;
  /** Deletes gte <= key < lt (not atomic; used for idempotent garbage collection only). */
  clearRange(gte: string, lt: string): Promise<void>;
  close(): Promise<void>;
}

/** In-heap KeyValueStore with the same semantics as LevelStore. */
export class MemoryStore implements KeyValueStore {
  readonly entries = new Map<string, string>();
  writes = 0;

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return keys.map((k) => this.entries.get(k));
  }

  async *range(gte: string, lt: string): AsyncIterable<[string, string]> {
    const keys = [...this.entries.keys()].filter((k) => k >= gte && k < lt).sort();
    for (const k of keys) {
      const v = this.entries.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    this.writes += 1;
    for (const op of ops) {
      if (op.type === 'put') this.entries.set(op.key, op.value);
      else this.entries.delete(op.key);
    }
  }

  async clearRange(gte: string, lt: string): Promise<void> {
    for (const k of [...this.entries.keys()]) if (k >= gte && k < lt) this.entries.delete(k);
  }

  async close(): Promise<void> {}

  /** A copy, as a restarted process would find the disk. */
  snapshot(): MemoryStore {
    const copy = new MemoryStore();
    for (const [k, v] of this.entries) copy.entries.set(k, v);
    return copy;
  }
}
