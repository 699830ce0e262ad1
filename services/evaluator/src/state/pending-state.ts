import { CorruptStateError } from '../errors';
import { type KeyValueStore, type WriteOp } from './key-value-store';

/**
 * The changes one batch makes to the store, applied on top of it: reads see the batch's own
 * writes, and `ops()` turns them into the one atomic write that also carries the batch's offset.
 * Values are parsed JSON; `set` must be called after changing a value for it to be written.
 */
export class PendingState {
  private readonly known = new Map<string, unknown>();
  private readonly changed = new Map<string, unknown>();

  constructor(private readonly store: KeyValueStore) {}

  /** Reads the keys not yet known from the store (one round trip). */
  async load(keys: Iterable<string>): Promise<void> {
    const missing: string[] = [];
    const asked = new Set<string>();
    for (const k of keys) {
      if (this.known.has(k) || asked.has(k)) continue;
      asked.add(k);
      missing.push(k);
    }
    if (missing.length === 0) return;
    const raw = await this.store.getMany(missing);
    for (let i = 0; i < missing.length; i++) this.known.set(missing[i], parse(missing[i], raw[i]));
  }

  /** A loaded key's value (undefined when absent). */
  get<T>(key: string): T | undefined {
    if (!this.known.has(key)) throw new Error(`state key ${JSON.stringify(key)} read before it was loaded`);
    return this.known.get(key) as T | undefined;
  }

  has(key: string): boolean {
    return this.known.get(key) !== undefined;
  }

  set(key: string, value: unknown): void {
    this.known.set(key, value);
    this.changed.set(key, value);
  }

  delete(key: string): void {
    this.known.set(key, undefined);
    this.changed.set(key, undefined);
  }

  /** Entries with gte <= key < lt as the store will hold them after this batch, in key order. */
  async *range<T>(gte: string, lt: string): AsyncIterable<[string, T]> {
    const own = [...this.changed.keys()].filter((k) => k >= gte && k < lt).sort();
    let i = 0;
    for await (const [key, raw] of this.store.range(gte, lt)) {
      while (i < own.length && own[i] < key) {
        const v = this.changed.get(own[i]);
        if (v !== undefined) yield [own[i], v as T];
        i++;
      }
      if (i < own.length && own[i] === key) {
        const v = this.changed.get(own[i]);
        if (v !== undefined) yield [key, v as T];
        i++;
        continue;
      }
      yield [key, parse(key, raw) as T];
    }
    for (; i < own.length; i++) {
      const v = this.changed.get(own[i]);
      if (v !== undefined) yield [own[i], v as T];
    }
  }

  /** Forgets this batch's changes in [gte, lt) (entries of windows closed in this batch). */
  discardRange(gte: string, lt: string): void {
    for (const k of [...this.changed.keys()]) {
      if (k >= gte && k < lt) {
        this.changed.delete(k);
        this.known.delete(k);
      }
    }
  }

  ops(): WriteOp[] {
    const ops: WriteOp[] = [];
    for (const [key, value] of this.changed) {
      ops.push(
        value === undefined ? { type: 'del', key } : { type: 'put', key, value: JSON.stringify(value) },
      );
    }
    return ops;
  }
}

function parse(key: string, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new CorruptStateError(key, `is not JSON: ${String(error)}`, { cause: error });
  }
}
