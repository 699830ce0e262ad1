import { murmurhash3 } from '@continuum/learning';
import { type TrainingExample, compareExamples } from './training-example';

/**
 * A binary heap ordered by `less` (its root is the least element), bounded by the caller.
 * Used by both selectors below: the root is the element to evict next.
 */
class Heap<T> {
  readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  /** Replaces the root with `item` and restores the heap; returns the old root. */
  replaceRoot(item: T): T {
    const a = this.items;
    const root = a[0];
    a[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l], a[m])) m = l;
      if (r < a.length && this.less(a[r], a[m])) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
    return root;
  }
}

/**
 * Keeps the `capacity` newest examples (by the trainer's total order) of a stream in any order,
 * in O(capacity) memory. `offer` returns the example that no longer fits (the offered one or the
 * evicted oldest), so selectors can be chained: what leaves the hold-out enters the training pool.
 */
export class NewestSelector {
  private readonly heap = new Heap<TrainingExample>((a, b) => compareExamples(a, b) < 0);

  constructor(readonly capacity: number) {}

  offer(example: TrainingExample): TrainingExample | undefined {
    if (this.capacity === 0) return example;
    if (this.heap.size < this.capacity) {
      this.heap.push(example);
      return undefined;
    }
    const oldest = this.heap.peek()!;
    if (compareExamples(example, oldest) <= 0) return example;
    return this.heap.replaceRoot(example);
  }

  get size(): number {
    return this.heap.size;
  }

  /** The kept examples, oldest first. */
  sorted(): TrainingExample[] {
    return [...this.heap.items].sort(compareExamples);
  }
}

/**
 * A uniform sample of `capacity` examples that does not depend on the order they arrive in:
 * each example gets a seeded hash of (partition, offset) as its priority and the `capacity`
 * lowest priorities are kept (bottom-k sampling). Re-reading the same offsets in any
 * interleaving of partitions selects the same examples.
 */
export class SeededSample {
  private readonly heap = new Heap<{ priority: number; example: TrainingExample }>(
    // Root = the highest priority (the next to evict); ties by the total order.
    (a, b) =>
      a.priority > b.priority || (a.priority === b.priority && compareExamples(a.example, b.example) > 0),
  );
  seen = 0;

  constructor(
    readonly capacity: number,
    private readonly seed: number,
  ) {}

  offer(example: TrainingExample): void {
    this.seen++;
    const priority = murmurhash3(`${example.partition}:${example.offset}`, this.seed) >>> 0;
    const entry = { priority, example };
    if (this.heap.size < this.capacity) {
      this.heap.push(entry);
      return;
    }
    const root = this.heap.peek()!;
    if (
      priority < root.priority ||
      (priority === root.priority && compareExamples(example, root.example) < 0)
    )
      this.heap.replaceRoot(entry);
  }

  get size(): number {
    return this.heap.size;
  }

  /** Whether examples were left out (the window was larger than the capacity). */
  get sampled(): boolean {
    return this.seen > this.heap.size;
  }

  sorted(): TrainingExample[] {
    return this.heap.items.map((e) => e.example).sort(compareExamples);
  }
}
