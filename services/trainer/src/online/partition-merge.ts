/** A record waiting in the merge: where it is in its partition and its Kafka timestamp. */
export interface MergeItem<T> {
  partition: number;
  offset: number;
  timestamp: number;
  value: T;
}

/**
 * Merges the partitions of a topic into one deterministic sequence: by (timestamp, partition,
 * offset), releasing a record only when every partition either has a record waiting or has been
 * read to its known end. Whatever order and batch sizes the partitions are fetched in, records
 * already in the log are released in the same order, so an online learner restarted from a
 * checkpoint learns exactly what an uninterrupted one would have. (Records appended while a
 * partition is read to its end are merged as they come: their order then depends on timing.)
 */
export class PartitionMerge<T> {
  private readonly queues = new Map<number, Array<MergeItem<T>>>();
  private readonly heads = new Map<number, number>();
  /** Next offset after the last released record, per partition. */
  readonly positions = new Map<number, number>();
  private readonly ends = new Map<number, number>();

  constructor(start: ReadonlyMap<number, number>) {
    for (const [partition, offset] of start) {
      this.queues.set(partition, []);
      this.heads.set(partition, 0);
      this.positions.set(partition, offset);
      this.ends.set(partition, offset);
    }
  }

  get partitions(): number[] {
    return [...this.queues.keys()];
  }

  /** Appends a partition's fetched records (in offset order; offsets below the position are ignored). */
  push(partition: number, items: ReadonlyArray<MergeItem<T>>): void {
    const queue = this.queues.get(partition);
    if (!queue) throw new Error(`partition ${partition} is not part of the merge`);
    const last =
      queue.length > this.heads.get(partition)!
        ? queue[queue.length - 1].offset
        : this.positions.get(partition)! - 1;
    for (const item of items) if (item.offset > last) queue.push(item);
  }

  /** The log end offsets as last seen (e.g. from the broker): a partition read to its end does not hold the merge back. */
  setEnds(ends: ReadonlyMap<number, number>): void {
    for (const [partition, end] of ends) if (this.ends.has(partition)) this.ends.set(partition, end);
  }

  /** Records waiting in memory. */
  get buffered(): number {
    let n = 0;
    for (const [p, q] of this.queues) n += q.length - this.heads.get(p)!;
    return n;
  }

  /** Releases every record that can be placed now, in merge order, calling `each` per record. */
  release(each: (item: MergeItem<T>) => void): number {
    let released = 0;
    for (;;) {
      let best: MergeItem<T> | undefined;
      for (const [partition, queue] of this.queues) {
        const head = this.heads.get(partition)!;
        if (head < queue.length) {
          const item = queue[head];
          if (
            !best ||
            item.timestamp < best.timestamp ||
            (item.timestamp === best.timestamp && item.partition < best.partition)
          )
            best = item;
        } else if (this.positions.get(partition)! < this.ends.get(partition)!) {
          return released; // this partition has unread records that may come first
        }
      }
      if (!best) return released;
      const queue = this.queues.get(best.partition)!;
      let head = this.heads.get(best.partition)! + 1;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      this.heads.set(best.partition, head);
      this.positions.set(best.partition, best.offset + 1);
      each(best);
      released++;
    }
  }
}
