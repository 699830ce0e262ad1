import { InvalidArgumentError, InvalidStateError } from '../errors';
import { ByteReader, ByteWriter } from './codec';

export interface HeavyHitter {
  readonly value: string;
  /** Upper bound of the value's count. */
  readonly count: number;
  /** The count is exact within this margin: true count is in [count - error, count]. */
  readonly error: number;
}

/**
 * SpaceSaving heavy hitters (Metwally, Agrawal & El Abbadi 2005, "Efficient computation of frequent
 * and top-k elements in data streams", ICDT) for open vocabularies: at most `capacity` counters; a
 * new value takes over the smallest counter. Every value with true count above N / capacity is
 * tracked, and each reported count overestimates by at most its `error`. Merging follows Agarwal et
 * al. 2012 ("Mergeable summaries"): counts of a value missing from a full side are bounded by that
 * side's minimum counter.
 */
export class SpaceSaving {
  private readonly index = new Map<string, number>();
  private keys: string[] = [];
  private counts: number[] = [];
  private errors: number[] = [];
  private total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 16) {
      throw new InvalidArgumentError(
        `SpaceSaving capacity must be an integer in [1, 65536] (got ${capacity})`,
      );
    }
  }

  /** Number of values observed. */
  get count(): number {
    return this.total;
  }

  add(value: string, weight = 1): void {
    this.total += weight;
    const slot = this.index.get(value);
    if (slot !== undefined) {
      this.counts[slot] += weight;
      return;
    }
    if (this.keys.length < this.capacity) {
      this.index.set(value, this.keys.length);
      this.keys.push(value);
      this.counts.push(weight);
      this.errors.push(0);
      return;
    }
    let min = 0;
    for (let i = 1; i < this.counts.length; i++) if (this.counts[i] < this.counts[min]) min = i;
    this.index.delete(this.keys[min]);
    this.index.set(value, min);
    this.keys[min] = value;
    this.errors[min] = this.counts[min];
    this.counts[min] += weight;
  }

  private minCount(): number {
    if (this.keys.length < this.capacity) return 0;
    let m = Infinity;
    for (const c of this.counts) if (c < m) m = c;
    return m;
  }

  merge(other: SpaceSaving): this {
    const minA = this.minCount();
    const minB = other.minCount();
    const merged = new Map<string, { count: number; error: number }>();
    this.keys.forEach((k, i) =>
      merged.set(k, { count: this.counts[i] + minB, error: this.errors[i] + minB }),
    );
    other.keys.forEach((k, i) => {
      const mine = merged.get(k);
      if (mine) {
        // Present on both sides: replace the assumed minB by the real count.
        mine.count += other.counts[i] - minB;
        mine.error += other.errors[i] - minB;
      } else {
        merged.set(k, { count: other.counts[i] + minA, error: other.errors[i] + minA });
      }
    });
    const top = [...merged.entries()]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, this.capacity);
    this.index.clear();
    this.keys = top.map(([k]) => k);
    this.counts = top.map(([, v]) => v.count);
    this.errors = top.map(([, v]) => v.error);
    this.keys.forEach((k, i) => this.index.set(k, i));
    this.total += other.total;
    return this;
  }

  /** Every counter is taken: a value not tracked may have been seen (up to the smallest counter's count). */
  get full(): boolean {
    return this.keys.length >= this.capacity;
  }

  /**
   * Upper bound of `value`'s count with its margin (true count in [count - error, count]). A value
   * not tracked has count 0 exactly while the sketch is not full, else at most the smallest counter.
   */
  estimate(value: string): { count: number; error: number } {
    const slot = this.index.get(value);
    if (slot !== undefined) return { count: this.counts[slot], error: this.errors[slot] };
    const bound = this.minCount();
    return { count: bound, error: bound };
  }

  /** Tracked values, most frequent first (ties by value, for deterministic output). */
  top(limit = this.capacity): HeavyHitter[] {
    return this.keys
      .map((value, i) => ({ value, count: this.counts[i], error: this.errors[i] }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, limit);
  }

  write(w: ByteWriter): void {
    w.varUint(this.total);
    w.varUint(this.keys.length);
    for (let i = 0; i < this.keys.length; i++) {
      w.string(this.keys[i]);
      w.varUint(this.counts[i]);
      w.varUint(this.errors[i]);
    }
  }

  /** Standalone binary form: capacity, then `write`'s. */
  toBytes(): Uint8Array {
    const w = new ByteWriter();
    w.varUint(this.capacity);
    this.write(w);
    return w.finish();
  }

  /** Reads `toBytes()`'s form; throws InvalidStateError when it is malformed. */
  static fromBytes(bytes: Uint8Array): SpaceSaving {
    const r = new ByteReader(bytes, 'heavy hitters');
    const capacity = r.varUint();
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 16)
      throw new InvalidStateError(`heavy hitters: capacity ${capacity} out of [1, 65536]`);
    return SpaceSaving.read(r, capacity);
  }

  static read(r: ByteReader, capacity: number): SpaceSaving {
    const s = new SpaceSaving(capacity);
    s.total = r.varUint();
    const n = r.count(capacity, 'heavy-hitter entries');
    for (let i = 0; i < n; i++) {
      const key = r.string();
      if (s.index.has(key)) throw new InvalidStateError(`heavy hitters list '${key}' twice`);
      s.index.set(key, i);
      s.keys.push(key);
      s.counts.push(r.varUint());
      s.errors.push(r.varUint());
    }
    return s;
  }
}
