import { InvalidArgumentError, InvalidStateError } from '../errors';
import type { ByteReader, ByteWriter } from './codec';
import type { WeightedSample } from './weighted-sample';

export interface QuantileSketchOptions {
  /** KLL accuracy parameter k (default 200: rank error about 1.7% at 99% confidence). */
  k?: number;
  /** Values kept exactly before the sketch starts compacting (default 1024). */
  exactLimit?: number;
  /** Seed of the compaction coin flips (default fixed, so runs are reproducible). */
  seed?: number;
}

const MIN_WIDTH = 8;
const DECAY = 2 / 3;
const MAX_K = 65535;
const MAX_LEVELS = 61;

function levelCapacity(k: number, levels: number, level: number): number {
  return Math.max(MIN_WIDTH, Math.ceil(k * DECAY ** (levels - 1 - level)));
}

/**
 * Normalized rank error of a KLL sketch with parameter k for a query over the whole CDF, at 99%
 * confidence: DataSketches' empirical formula for the double-sided (PMF/CDF-difference) error,
 * 2.446 / k^0.9433 (Apache DataSketches, KllSketch.getNormalizedRankError(k, true)). Our tests check
 * the observed sup-norm CDF error stays below it.
 */
export function kllRankError(k: number): number {
  return 2.446 / k ** 0.9433;
}

/**
 * Mergeable quantile sketch: exact (all values kept) up to `exactLimit` values, then a KLL sketch
 * (Karnin, Lang & Liberty 2016, "Optimal Quantile Approximation in Streams", FOCS) with lazy
 * compaction: level h holds values of weight 2^h, capacities shrink by 2/3 per level below the top,
 * and a full level is sorted and every other value (random offset) promoted. Memory is O(k) whatever
 * the stream length; merging is exact while both sides are exact and within the KLL error otherwise.
 * Weights are conserved exactly, so the represented count always equals the number of values.
 */
export class QuantileSketch {
  readonly k: number;
  readonly exactLimit: number;
  private n = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private exact: Float64Array | null;
  private exactSize = 0;
  private levels: Float64Array[] = [];
  private sizes: number[] = [];
  private retained = 0;
  private caps: number[] = [];
  private readonly slack: number;
  private capacity = 0;
  private rng: number;
  /** Mass × distance moved by all compactions so far (a transport plan from the data to the sketch). */
  private displacement = 0;

  constructor(options: QuantileSketchOptions = {}) {
    this.k = options.k ?? 200;
    this.exactLimit = options.exactLimit ?? 1024;
    if (!Number.isInteger(this.k) || this.k < MIN_WIDTH || this.k > MAX_K) {
      throw new InvalidArgumentError(
        `quantile sketch k must be an integer in [${MIN_WIDTH}, ${MAX_K}] (got ${this.k})`,
      );
    }
    if (!Number.isInteger(this.exactLimit) || this.exactLimit < 0 || this.exactLimit > 1 << 24) {
      throw new InvalidArgumentError(
        `quantile sketch exactLimit must be an integer in [0, 2^24] (got ${this.exactLimit})`,
      );
    }
    this.slack = this.k >> 1;
    this.rng = (options.seed ?? 0x9e3779b9) >>> 0 || 1;
    this.exact = this.exactLimit > 0 ? new Float64Array(Math.min(64, this.exactLimit)) : null;
    if (!this.exact) this.startKll();
  }

  /** Number of values summarised. */
  get count(): number {
    return this.n;
  }

  get min(): number {
    return this.minValue;
  }

  get max(): number {
    return this.maxValue;
  }

  /** Whether every value is still stored (no approximation yet). */
  get isExact(): boolean {
    return this.exact !== null;
  }

  /** Bound on the CDF error of `toWeightedSample()` (0 while exact). */
  get rankError(): number {
    return this.exact ? 0 : kllRankError(this.k);
  }

  /**
   * Bound on the first Wasserstein distance between the sketch's distribution and the data's: the
   * cost of the transport plan the compactions performed (each discarded value's weight moved to its
   * kept neighbour), divided by the count. Deterministic, and 0 while exact.
   */
  get wassersteinError(): number {
    return this.n > 0 ? this.displacement / this.n : 0;
  }

  /** Values retained in memory (exact values or KLL items). */
  get retainedItems(): number {
    return this.exact ? this.exactSize : this.retained;
  }

  /** Adds a finite value (the caller checks finiteness on the hot path). */
  add(x: number): void {
    this.n++;
    if (x < this.minValue) this.minValue = x;
    if (x > this.maxValue) this.maxValue = x;
    const exact = this.exact;
    if (exact !== null) {
      if (this.exactSize < exact.length) {
        exact[this.exactSize++] = x;
        return;
      }
      if (this.exactSize < this.exactLimit) {
        const grown = new Float64Array(Math.min(this.exactLimit, Math.max(64, exact.length * 2)));
        grown.set(exact);
        this.exact = grown;
        grown[this.exactSize++] = x;
        return;
      }
      this.convertToKll();
    }
    if (this.retained >= this.capacity + this.slack) {
      // Compact in bursts: let level 0 take `slack` extra values, then compact back under capacity.
      // The same compactions as one-at-a-time lazy KLL, but a few large ones instead of one tiny
      // sort every few updates (4× fewer compactions).
      while (this.retained >= this.capacity) this.compress();
    }
    let level0 = this.levels[0];
    if (this.sizes[0] >= level0.length) level0 = this.reserve(0, 1);
    level0[this.sizes[0]++] = x;
    this.retained++;
  }

  private setHeight(levels: number): void {
    while (this.levels.length < levels) {
      this.levels.push(new Float64Array(16));
      this.sizes.push(0);
    }
    this.caps = Array.from({ length: levels }, (_, h) => levelCapacity(this.k, levels, h));
    this.capacity = this.caps.reduce((a, b) => a + b, 0);
  }

  private startKll(): void {
    this.levels = [];
    this.sizes = [];
    this.retained = 0;
    this.setHeight(1);
  }

  private convertToKll(): void {
    const exact = this.exact as Float64Array;
    const size = this.exactSize;
    this.exact = null;
    this.exactSize = 0;
    this.startKll();
    this.append(0, exact.subarray(0, size));
    while (this.retained >= this.capacity) this.compress();
  }

  /** Ensures level h can take `extra` more values; returns its buffer. */
  private reserve(h: number, extra: number): Float64Array {
    const need = this.sizes[h] + extra;
    if (need > this.levels[h].length) {
      const grown = new Float64Array(Math.max(need, this.levels[h].length * 2));
      grown.set(this.levels[h].subarray(0, this.sizes[h]));
      this.levels[h] = grown;
    }
    return this.levels[h];
  }

  /** Appends values to level h (levels are unsorted buffers; a level is sorted when compacted). */
  private append(h: number, values: ArrayLike<number>): void {
    this.reserve(h, values.length).set(values, this.sizes[h]);
    this.sizes[h] += values.length;
    this.retained += values.length;
  }

  private nextBit(): number {
    // xorshift32: fast, reproducible, and serialised with the sketch.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng & 1;
  }

  /** Compacts the lowest level that reached its capacity (adding a level on top when needed). */
  private compress(): void {
    const levels = this.levels.length;
    for (let h = 0; h < levels; h++) {
      if (this.sizes[h] >= this.caps[h]) {
        if (h + 1 === levels) {
          if (levels >= MAX_LEVELS)
            throw new InvalidStateError('quantile sketch exceeded its maximum height');
          this.setHeight(levels + 1);
        }
        this.compactLevel(h);
        return;
      }
    }
  }

  /**
   * Sorts level h and promotes every other value (random offset) to level h + 1 with twice the
   * weight; with an odd count the smallest value stays behind.
   */
  private compactLevel(h: number): void {
    const size = this.sizes[h];
    const items = this.levels[h].subarray(0, size);
    if (size <= 24) insertionSort(items);
    else items.sort();
    const start = size % 2;
    const promotedCount = (size - start) >> 1;
    const offset = start + this.nextBit();
    const target = this.reserve(h + 1, promotedCount);
    let at = this.sizes[h + 1];
    let moved = 0;
    for (let i = 0; i < promotedCount; i++) {
      target[at++] = items[offset + 2 * i];
      moved += items[start + 2 * i + 1] - items[start + 2 * i];
    }
    this.displacement += moved * 2 ** h;
    this.sizes[h + 1] = at;
    this.sizes[h] = start; // the held-out value is items[0], already in place
    this.retained -= promotedCount;
  }

  /** Merges another sketch into this one (exact while both are exact and fit, KLL otherwise). */
  merge(other: QuantileSketch): this {
    if (other.n === 0) return this;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    if (this.exact && other.exact && this.exactSize + other.exactSize <= this.exactLimit) {
      const need = this.exactSize + other.exactSize;
      if (need > this.exact.length) {
        const grown = new Float64Array(Math.min(this.exactLimit, Math.max(need, this.exact.length * 2)));
        grown.set(this.exact.subarray(0, this.exactSize));
        this.exact = grown;
      }
      this.exact.set(other.exact.subarray(0, other.exactSize), this.exactSize);
      this.exactSize += other.exactSize;
      this.n += other.n;
      return this;
    }
    if (this.exact) this.convertToKll();
    this.n += other.n;
    this.displacement += other.displacement;
    if (other.exact) {
      this.append(0, other.exact.subarray(0, other.exactSize));
    } else {
      if (this.levels.length < other.levels.length) this.setHeight(other.levels.length);
      for (let h = 0; h < other.levels.length; h++)
        this.append(h, other.levels[h].subarray(0, other.sizes[h]));
    }
    while (this.retained >= this.capacity) this.compress();
    return this;
  }

  /** The summarised distribution as a sorted weighted sample (exact values while exact). */
  toWeightedSample(): WeightedSample {
    if (this.exact) {
      const values = this.exact.slice(0, this.exactSize).sort();
      return { values, weights: null, count: this.n, rankError: 0 };
    }
    const values = new Float64Array(this.retained);
    const weights = new Float64Array(this.retained);
    let i = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const w = 2 ** h;
      for (let j = 0; j < this.sizes[h]; j++) {
        values[i] = this.levels[h][j];
        weights[i++] = w;
      }
    }
    const order = Array.from({ length: values.length }, (_, j) => j).sort((a, b) => values[a] - values[b]);
    return {
      values: Float64Array.from(order, (j) => values[j]),
      weights: Float64Array.from(order, (j) => weights[j]),
      count: this.n,
      rankError: this.rankError,
      wassersteinError: this.wassersteinError,
    };
  }

  /** Approximate q-quantile (inverse of the weighted CDF); NaN when empty. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    if (q <= 0) return this.minValue;
    if (q >= 1) return this.maxValue;
    const s = this.toWeightedSample();
    const target = q * s.count;
    let cum = 0;
    for (let i = 0; i < s.values.length; i++) {
      cum += s.weights ? s.weights[i] : 1;
      if (cum >= target) return s.values[i];
    }
    return this.maxValue;
  }

  write(w: ByteWriter): void {
    w.varUint(this.n);
    w.f64(this.minValue);
    w.f64(this.maxValue);
    if (this.exact) {
      w.u8(0);
      w.varUint(this.exactSize);
      w.f64s(this.exact, 0, this.exactSize);
      return;
    }
    w.u8(1);
    w.u32(this.rng);
    w.f64(this.displacement);
    w.varUint(this.levels.length);
    for (let h = 0; h < this.levels.length; h++) {
      w.varUint(this.sizes[h]);
      w.f64s(this.levels[h], 0, this.sizes[h]);
    }
  }

  /** Reads a sketch written by `write` with the same k and exactLimit (they belong to the profile). */
  static read(r: ByteReader, options: QuantileSketchOptions): QuantileSketch {
    const s = new QuantileSketch(options);
    s.n = r.varUint();
    s.minValue = r.f64();
    s.maxValue = r.f64();
    const mode = r.u8();
    if (mode === 0) {
      const size = r.count(s.exactLimit, 'exact sketch size');
      if (size !== s.n) throw new InvalidStateError(`exact sketch holds ${size} values but counts ${s.n}`);
      s.exact = new Float64Array(Math.min(s.exactLimit, Math.max(64, size)));
      s.exact.set(r.f64s(size));
      s.exactSize = size;
      return s;
    }
    if (mode !== 1) throw new InvalidStateError(`unknown quantile sketch mode ${mode}`);
    s.exact = null;
    s.exactSize = 0;
    s.rng = r.u32() || 1;
    s.displacement = r.f64();
    if (!(s.displacement >= 0))
      throw new InvalidStateError(`KLL sketch displacement ${s.displacement} is invalid`);
    const levels = r.count(MAX_LEVELS, 'sketch levels');
    if (levels < 1) throw new InvalidStateError('KLL sketch without levels');
    s.levels = [];
    s.sizes = [];
    s.retained = 0;
    s.setHeight(levels);
    let weight = 0;
    for (let h = 0; h < levels; h++) {
      const size = r.count(s.capacity + MAX_K, `sketch level ${h} size`);
      s.append(h, r.f64s(size));
      weight += size * 2 ** h;
    }
    if (weight !== s.n)
      throw new InvalidStateError(`KLL sketch weights sum to ${weight} but count is ${s.n}`);
    return s;
  }
}

/** Small levels are compacted often; sorting them inline avoids the builtin's call overhead. */
function insertionSort(a: Float64Array): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}
