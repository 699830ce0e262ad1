import { ClassicLevel } from 'classic-level';
import { type KeyValueStore, type WriteOp } from './key-value-store';

/**
 * LevelDB (classic-level) on the instance's local disk. A directory is locked by one process at a
 * time, so two instances configured with the same EVALUATOR_STATE_DIR fail at start-up instead of
 * corrupting each other's state.
 */
export class LevelStore implements KeyValueStore {
  private constructor(private readonly db: ClassicLevel<string, string>) {}

  static async open(directory: string): Promise<LevelStore> {
    const db = new ClassicLevel<string, string>(directory, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open({ createIfMissing: true });
    return new LevelStore(db);
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (keys.length === 0) return [];
    return this.db.getMany(keys as string[]);
  }

  async *range(gte: string, lt: string): AsyncIterable<[string, string]> {
    const iterator = this.db.iterator({ gte, lt });
    try {
      for (;;) {
        const entries = await iterator.nextv(1000);
        if (entries.length === 0) return;
        for (const entry of entries) yield entry;
      }
    } finally {
      await iterator.close();
    }
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    // A chained batch: one LevelDB WriteBatch, atomic like the array form, but abstract-level's
    // array form clones and re-validates every operation (about 8 µs of CPU per op against 2 µs
    // here, measured with classic-level 3 / abstract-level 3.1), which was a third of the
    // evaluator's CPU.
    const batch = this.db.batch();
    try {
      for (const op of ops) {
        if (op.type === 'put') batch.put(op.key, op.value);
        else batch.del(op.key);
      }
    } catch (error) {
      await batch.close();
      throw error;
    }
    // fsync: the Kafka offsets committed after this write must never run ahead of the state on disk.
    await batch.write({ sync: true });
  }

  async clearRange(gte: string, lt: string): Promise<void> {
    await this.db.clear({ gte, lt });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
