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

function totalCapacity(k: number, levels: number): number {
  let c = 0;
  for (let h = 0; h < levels; h++) c += levelCapacity(k, levels, h);
  return c;
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
    if (this.retained >= this.capacity) this.compress();
    if (this.sizes[0] >= this.levels[0].length) this.appendLevel0([]);
    this.levels[0][this.sizes[0]++] = x;
    this.retained++;
  }

  private startKll(): void {
    this.levels = [new Float64Array(totalCapacity(this.k, 1) + 1)];
    this.sizes = [0];
    this.retained = 0;
    this.capacity = totalCapacity(this.k, 1);
  }

  private convertToKll(): void {
    const exact = this.exact as Float64Array;
    const size = this.exactSize;
    this.exact = null;
    this.exactSize = 0;
    this.startKll();
    this.appendLevel0(exact.subarray(0, size));
    while (this.retained >= this.capacity) this.compress();
  }

  private appendLevel0(values: ArrayLike<number>): void {
    const need = this.sizes[0] + values.length + 1;
    if (need > this.levels[0].length) {
      const grown = new Float64Array(Math.max(need, this.levels[0].length * 2));
      grown.set(this.levels[0].subarray(0, this.sizes[0]));
      this.levels[0] = grown;
    }
    this.levels[0].set(values, this.sizes[0]);
    this.sizes[0] += values.length;
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
      if (this.sizes[h] >= levelCapacity(this.k, levels, h)) {
        if (h + 1 === levels) {
          if (levels >= MAX_LEVELS)
            throw new InvalidStateError('quantile sketch exceeded its maximum height');
          this.levels.push(new Float64Array(0));
          this.sizes.push(0);
          this.capacity = totalCapacity(this.k, this.levels.length);
          if (this.levels[0].length < this.capacity + 1) {
            const grown = new Float64Array(this.capacity + 1);
            grown.set(this.levels[0].subarray(0, this.sizes[0]));
            this.levels[0] = grown;
          }
        }
        this.compactLevel(h);
        return;
      }
    }
  }

  private compactLevel(h: number): void {
    const size = this.sizes[h];
    const items = this.levels[h].subarray(0, size);
    if (h === 0) items.sort();
    const start = size % 2; // an odd item out stays at this level
    const promotedCount = (size - start) >> 1;
    const offset = start + this.nextBit();
    const promoted = new Float64Array(promotedCount);
    let moved = 0;
    for (let i = 0; i < promotedCount; i++) {
      promoted[i] = items[offset + 2 * i];
      moved += items[start + 2 * i + 1] - items[start + 2 * i];
    }
    this.displacement += moved * 2 ** h;
    this.levels[h + 1] = mergeSorted(this.levels[h + 1].subarray(0, this.sizes[h + 1]), promoted);
    this.sizes[h + 1] += promotedCount;
    if (h === 0) {
      this.sizes[0] = start;
    } else {
      this.levels[h] = start ? this.levels[h].slice(0, 1) : new Float64Array(0);
      this.sizes[h] = start;
    }
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
      this.appendLevel0(other.exact.subarray(0, other.exactSize));
    } else {
      while (this.levels.length < other.levels.length) {
        this.levels.push(new Float64Array(0));
        this.sizes.push(0);
      }
      this.capacity = totalCapacity(this.k, this.levels.length);
      this.appendLevel0(other.levels[0].subarray(0, other.sizes[0]));
      for (let h = 1; h < other.levels.length; h++) {
        const theirs = other.levels[h].subarray(0, other.sizes[h]);
        this.levels[h] = mergeSorted(this.levels[h].subarray(0, this.sizes[h]), theirs);
        this.sizes[h] += theirs.length;
        this.retained += theirs.length;
      }
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
    s.capacity = totalCapacity(s.k, levels);
    let weight = 0;
    for (let h = 0; h < levels; h++) {
      const size = r.count(s.capacity + MAX_K, `sketch level ${h} size`);
      const values = r.f64s(size);
      if (h === 0) {
        const buffer = new Float64Array(Math.max(size, s.capacity) + 1);
        buffer.set(values);
        s.levels.push(buffer);
      } else {
        s.levels.push(values);
      }
      s.sizes.push(size);
      s.retained += size;
      weight += size * 2 ** h;
    }
    if (weight !== s.n)
      throw new InvalidStateError(`KLL sketch weights sum to ${weight} but count is ${s.n}`);
    return s;
  }
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
