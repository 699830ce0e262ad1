import { type EvaluatorStateEntry } from '@continuum/events';
import { type ChangelogEntry } from '@continuum/kafka';
import { type PartitionChangelog } from './changelog-store';

/** A changelog in memory for unit tests: partitions are arrays of entries; compaction is not modelled (a restore reads all, in chunks of 3). */
export class MemoryChangelog implements PartitionChangelog {
  readonly partitions = new Map<number, Array<ChangelogEntry<EvaluatorStateEntry>>>();
  appends = 0;

  private log(p: number) {
    let l = this.partitions.get(p);
    if (!l) this.partitions.set(p, (l = []));
    return l;
  }

  async append(p: number, entries: ReadonlyArray<ChangelogEntry<EvaluatorStateEntry>>): Promise<bigint> {
    this.appends += 1;
    this.log(p).push(...entries);
    return BigInt(this.log(p).length);
  }

  async endOffset(p: number): Promise<bigint> {
    return BigInt(this.log(p).length);
  }

  async restore(p: number, apply: (entries: Array<ChangelogEntry<EvaluatorStateEntry>>) => Promise<void>) {
    const all = [...this.log(p)];
    for (let i = 0; i < all.length; i += 3) await apply(all.slice(i, i + 3));
    return { records: all.length, bytes: 0, position: BigInt(all.length) };
  }
}
