import { ConfigurationError, InvalidInputError } from '../errors';
import type { TimedExample } from '../example';

export interface ExampleBufferOptions {
  /** Most examples kept; the oldest (by event time) are evicted beyond it. */
  readonly capacity: number;
  /** Optionally also evict examples older than the newest timestamp minus this many ms. */
  readonly maxAgeMs?: number;
}

/**
 * The trainer's in-memory training-data source: labelled examples kept in event-time order,
 * bounded by count (and optionally age). Late examples are inserted in order (binary
 * search; cheap when nearly in order).
 *
 * Memory: an example is held as the object it arrived as. A `ct.examples` record with 20
 * numeric and 2 categorical features plus its ids takes about 1.4 KB on the V8 heap
 * (measured), so 100,000 examples need about 140 MB and a million about 1.4 GB; the
 * feature matrix a fit builds from a window adds 4 bytes per value (8 MB for 100,000 x 20).
 */
export class ExampleBuffer implements Iterable<TimedExample> {
  readonly capacity: number;
  readonly maxAgeMs: number | undefined;
  private items: TimedExample[] = [];
  private head = 0;
  private evictedCount = 0;

  constructor(options: ExampleBufferOptions) {
    if (!Number.isInteger(options?.capacity) || options.capacity < 1)
      throw new ConfigurationError('capacity', `must be a positive integer, got ${options?.capacity}`);
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0))
      throw new ConfigurationError('maxAgeMs', `must be positive, got ${options.maxAgeMs}`);
    this.capacity = options.capacity;
    this.maxAgeMs = options.maxAgeMs;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Examples evicted so far (capacity or age). */
  get evicted(): number {
    return this.evictedCount;
  }

  get oldestTimestamp(): number | null {
    return this.size > 0 ? this.items[this.head].timestamp : null;
  }

  get newestTimestamp(): number | null {
    return this.size > 0 ? this.items[this.items.length - 1].timestamp : null;
  }

  add(example: TimedExample): void {
    const t = example?.timestamp;
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new InvalidInputError(
        'example.timestamp',
        `must be a finite number (epoch ms), got ${String(t)}`,
      );
    const items = this.items;
    if (items.length === this.head || items[items.length - 1].timestamp <= t) items.push(example);
    else {
      // Late arrival: insert after every example with timestamp <= t.
      let lo = this.head;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (items[mid].timestamp <= t) lo = mid + 1;
        else hi = mid;
      }
      items.splice(lo, 0, example);
    }
    this.evict();
  }

  addAll(examples: Iterable<TimedExample>): void {
    for (const e of examples) this.add(e);
  }

  /** The newest `n` examples, oldest first. */
  lastN(n: number): TimedExample[] {
    return this.items.slice(Math.max(this.head, this.items.length - n));
  }

  /** Examples with `start <= timestamp < end`, oldest first. */
  between(start: number, end: number): TimedExample[] {
    return this.items.slice(this.lowerBound(start), this.lowerBound(end));
  }

  toArray(): TimedExample[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  [Symbol.iterator](): Iterator<TimedExample> {
    return this.toArray()[Symbol.iterator]();
  }

  private lowerBound(t: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid].timestamp < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private evict(): void {
    const items = this.items;
    while (items.length - this.head > this.capacity) {
      this.head++;
      this.evictedCount++;
    }
    if (this.maxAgeMs !== undefined) {
      const cutoff = items[items.length - 1].timestamp - this.maxAgeMs;
      while (this.head < items.length && items[this.head].timestamp < cutoff) {
        this.head++;
        this.evictedCount++;
      }
    }
    // Compact once the dead prefix is as large as the live part.
    if (this.head > 1024 && this.head >= items.length - this.head) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }
}
