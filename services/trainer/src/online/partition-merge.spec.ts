import { SeededRandom } from '@continuum/learning';
import { type MergeItem, PartitionMerge } from './partition-merge';

function log(partitions: number, perPartition: number, seed: number): Array<Array<MergeItem<string>>> {
  const random = new SeededRandom(seed);
  return Array.from({ length: partitions }, (_, p) => {
    let t = 1000;
    return Array.from({ length: perPartition }, (_, offset) => {
      t += random.int(5); // ties across partitions on purpose
      return { partition: p, offset, timestamp: t, value: `${p}:${offset}` };
    });
  });
}

/** Feeds the log in random fetch sizes and partition order; returns the release order. */
function run(
  partitions: Array<Array<MergeItem<string>>>,
  seed: number,
  from = new Map<number, number>(),
): string[] {
  const random = new SeededRandom(seed);
  const start = new Map(partitions.map((_, p) => [p, from.get(p) ?? 0]));
  const merge = new PartitionMerge<string>(start);
  merge.setEnds(new Map(partitions.map((items, p) => [p, items.length])));
  const cursors = partitions.map((_, p) => start.get(p)!);
  const out: string[] = [];
  while (cursors.some((c, p) => c < partitions[p].length)) {
    const p = random.int(partitions.length);
    const n = 1 + random.int(40);
    merge.push(p, partitions[p].slice(cursors[p], cursors[p] + n));
    cursors[p] = Math.min(partitions[p].length, cursors[p] + n);
    merge.release((item) => out.push(item.value));
  }
  merge.release((item) => out.push(item.value));
  return out;
}

describe('PartitionMerge', () => {
  it('releases a log in the same order whatever the fetch order and sizes', () => {
    const partitions = log(4, 300, 1);
    const a = run(partitions, 2);
    expect(a).toHaveLength(1200);
    expect(run(partitions, 3)).toEqual(a);
    expect(run(partitions, 4)).toEqual(a);
  });

  it('resumed from the positions of a prefix, releases exactly the rest', () => {
    const partitions = log(3, 200, 5);
    const all = run(partitions, 6);
    const cut = 250;
    const positions = new Map<number, number>();
    for (const v of all.slice(0, cut)) {
      const [p, o] = v.split(':').map(Number);
      positions.set(p, o + 1);
    }
    expect(run(partitions, 7, positions)).toEqual(all.slice(cut));
  });

  it('waits for a partition with unread records, not for one read to its end', () => {
    const merge = new PartitionMerge<string>(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
    merge.setEnds(
      new Map([
        [0, 2],
        [1, 1],
      ]),
    );
    merge.push(0, [
      { partition: 0, offset: 0, timestamp: 5, value: 'a' },
      { partition: 0, offset: 1, timestamp: 6, value: 'b' },
    ]);
    const out: string[] = [];
    merge.release((i) => out.push(i.value));
    expect(out).toEqual([]); // partition 1 has a record that may be older
    merge.push(1, [{ partition: 1, offset: 0, timestamp: 1, value: 'c' }]);
    merge.release((i) => out.push(i.value));
    expect(out).toEqual(['c', 'a', 'b']);
    expect(merge.positions).toEqual(
      new Map([
        [0, 2],
        [1, 1],
      ]),
    );
  });
});
