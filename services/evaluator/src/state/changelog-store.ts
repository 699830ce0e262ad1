import { type EvaluatorStateEntry } from '@continuum/events';
import { type ChangelogEntry, type RestoreResult } from '@continuum/kafka';
import { type KeyValueStore, type WriteOp } from './key-value-store';
import { PARTITION_KINDS, SEP, isMirrored, keys, partitionOf } from './keys';

/** The part of @continuum/kafka's StateChangelog the store uses (a fake in unit tests). */
export interface PartitionChangelog {
  append(partition: number, entries: ReadonlyArray<ChangelogEntry<EvaluatorStateEntry>>): Promise<bigint>;
  endOffset(partition: number): Promise<bigint>;
  restore(
    partition: number,
    apply: (entries: Array<ChangelogEntry<EvaluatorStateEntry>>) => Promise<void>,
  ): Promise<RestoreResult>;
}

export interface PartitionRestore extends RestoreResult {
  partition: number;
  /** Changelog position the local disk covered before (0 when it held nothing of the partition). */
  localPosition: bigint;
  durationMs: number;
}

/** Tombstones per changelog append when clearing a range (garbage of closed windows). */
const CLEAR_CHUNK = 2000;

export interface ChangelogStoreOptions {
  onRestore?: (restore: PartitionRestore) => void;
  now?: () => number;
  /**
   * Writes a restored partition's local index (keys.ts LOCAL_INDEX_KINDS, not mirrored in the
   * changelog) from its restored state. The index's range holds only what a changelog written
   * before the kind became local-only carried (restored as it was).
   */
  rebuildLocalIndex?: LocalIndexBuilder;
}

/** Writes a partition's local index from its state in `local`, calling `heartbeat` between chunks. */
export type LocalIndexBuilder = (
  partition: number,
  local: KeyValueStore,
  heartbeat: () => Promise<void>,
) => Promise<void>;

/**
 * The evaluator's store with every partition's join state mirrored in ct.evaluator-changelog, so
 * that a partition moving to another instance moves with its state.
 *
 * Write order, per write: (1) the changes of partition p go to changelog partition p as one
 * atomic append; (2) the same changes, plus the changelog position after the append (key Z p),
 * go to the local disk in one atomic LevelDB write; (3) the caller returns and the runtime commits
 * the Kafka offsets. The partition's next offsets (key M p) travel in the same append, so the
 * changelog always says which input records its state covers. A local index (LOCAL_INDEX_KINDS:
 * the TTL index and the pair rows, derived from the mirrored entries) is written to the local disk only, in the
 * same atomic write, and rebuilt by `rebuildLocalIndex` after a restore.
 *
 * Restore: the first time a partition is touched after an assignment, its local position is
 * compared with the changelog's end offset. The owner is the changelog's only writer, so a local
 * position at the end means the disk holds the latest state; one behind it means another instance
 * (or a lost disk) wrote since, and the partition's local state is replaced by the changelog's
 * before anything reads it. Keys outside a partition (the combiner's C keys) are local only.
 */
export class ChangelogStore implements KeyValueStore {
  /** Partitions checked (and restored if needed) since the last assignment. */
  private readonly checked = new Map<number, Promise<void>>();

  private readonly onRestore: (restore: PartitionRestore) => void;
  private readonly now: () => number;
  private readonly rebuildLocalIndex: LocalIndexBuilder;

  constructor(
    private readonly local: KeyValueStore,
    private readonly changelog: PartitionChangelog,
    options: ChangelogStoreOptions = {},
  ) {
    this.onRestore = options.onRestore ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.rebuildLocalIndex = options.rebuildLocalIndex ?? (async () => undefined);
  }

  /** A new assignment: every partition is checked against the changelog again before use. */
  assignmentChanged(): void {
    this.checked.clear();
  }

  /**
   * Checks (and if needed restores) a partition before its first batch, calling `heartbeat`
   * between restored chunks so that a long restore keeps the consumer in its group. Reads and
   * writes check on their own too; this is the explicit, heartbeating path.
   */
  prepare(partition: number, heartbeat: () => Promise<void>): Promise<void> {
    return this.ensurePartition(partition, heartbeat);
  }

  async getMany(keyList: readonly string[]): Promise<Array<string | undefined>> {
    await this.ensure(keyList);
    return this.local.getMany(keyList);
  }

  async *range(gte: string, lt: string): AsyncIterable<[string, string]> {
    await this.ensure([gte]);
    yield* this.local.range(gte, lt);
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    // One pass: the partitions touched (checked first) and each one's changelog entries.
    const touched = new Set<number>();
    const byPartition = new Map<number, Array<ChangelogEntry<EvaluatorStateEntry>>>();
    for (const op of ops) {
      const p = partitionOf(op.key);
      if (p === undefined) continue;
      touched.add(p);
      if (!isMirrored(op.key)) continue;
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(toEntry(op));
    }
    await Promise.all([...touched].map((p) => this.ensurePartition(p)));
    const positions: WriteOp[] = [];
    for (const [p, list] of byPartition) {
      const position = await this.changelog.append(p, list);
      positions.push({ type: 'put', key: keys.changelogPosition(p), value: position.toString() });
    }
    await this.local.write([...ops, ...positions]);
  }

  /** Deletes the range here and, for a partition's keys, in the changelog (tombstones). */
  async clearRange(gte: string, lt: string): Promise<void> {
    const p = partitionOf(gte);
    if (p === undefined || !isMirrored(gte)) return this.local.clearRange(gte, lt);
    await this.ensure([gte]);
    let chunk: string[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const position = await this.changelog.append(
        p,
        chunk.map((key) => ({ key, value: null })),
      );
      await this.local.write([
        ...chunk.map((key): WriteOp => ({ type: 'del', key })),
        { type: 'put', key: keys.changelogPosition(p), value: position.toString() },
      ]);
      chunk = [];
    };
    for await (const [key] of this.local.range(gte, lt)) {
      chunk.push(key);
      if (chunk.length >= CLEAR_CHUNK) await flush();
    }
    await flush();
  }

  close(): Promise<void> {
    return this.local.close();
  }

  private ensure(keyList: readonly string[]): Promise<void> {
    const partitions = new Set<number>();
    for (const key of keyList) {
      const p = partitionOf(key);
      if (p !== undefined) partitions.add(p);
    }
    return Promise.all([...partitions].map((p) => this.ensurePartition(p))).then(() => undefined);
  }

  private ensurePartition(p: number, heartbeat?: () => Promise<void>): Promise<void> {
    let check = this.checked.get(p);
    if (!check) {
      check = this.checkAndRestore(p, heartbeat);
      this.checked.set(p, check);
      check.catch(() => this.checked.delete(p));
    }
    return check;
  }

  private async checkAndRestore(p: number, heartbeat?: () => Promise<void>): Promise<void> {
    const [raw] = await this.local.getMany([keys.changelogPosition(p)]);
    const localPosition = raw === undefined ? 0n : BigInt(raw);
    const end = await this.changelog.endOffset(p);
    if (localPosition >= end) return;
    const started = this.now();
    // Position first: a restore interrupted by a crash leaves no position, so it starts over.
    for (const kind of [...PARTITION_KINDS, 'Z']) {
      const r = wholePartition(kind, p);
      await this.local.clearRange(r.gte, r.lt);
    }
    const result = await this.changelog.restore(p, async (entries) => {
      await this.local.write(
        entries.map((e): WriteOp =>
          e.value === null ? { type: 'del', key: e.key } : { type: 'put', key: e.key, value: e.value.value },
        ),
      );
      await heartbeat?.();
    });
    await this.rebuildLocalIndex(p, this.local, heartbeat ?? (async () => undefined));
    await this.local.write([
      { type: 'put', key: keys.changelogPosition(p), value: result.position.toString() },
    ]);
    this.onRestore({ ...result, partition: p, localPosition, durationMs: this.now() - started });
  }
}

function toEntry(op: WriteOp): ChangelogEntry<EvaluatorStateEntry> {
  return op.type === 'put' ? { key: op.key, value: { value: op.value } } : { key: op.key, value: null };
}

/** Every key of one kind and partition, the partition's single key (M p, Z p) included. */
function wholePartition(kind: string, p: number): { gte: string; lt: string } {
  const prefix = `${kind}${SEP}${p.toString().padStart(5, '0')}`;
  return { gte: prefix, lt: `${prefix}\u0001` };
}
