import { InvalidArgumentError, InvalidStateError } from '../errors';
import type { ByteReader, ByteWriter } from './codec';
import type { WeightedSample } from '@continuum/stats';

export interface QuantileSketchOptions {
  /** t-digest compression δ (default 200): at most ~δ centroids, centroids near the median ≤ π/δ of the mass. */
  compression?: number;
  /** Values kept exactly before the sketch starts merging them into centroids (default 1024). */
  exactLimit?: number;
}

const MIN_COMPRESSION = 20;
const MAX_COMPRESSION = 100_000;

/**
 * Mergeable quantile sketch: exact (every value kept) up to `exactLimit` values, then a merging
 * t-digest (Dunning & Ertl 2019, "Computing extremely accurate quantiles using t-digests") with the
 * arcsine scale function k1: centroids are small in the tails — single values at the extremes — and
 * at most π/δ of the mass near the median. Chosen over KLL because drift statistics need accurate
 * tails: the Wasserstein distance weighs mass by how far it moves, and a rank-uniform sketch moves
 * rare, far-out tail values a long way.
 *
 * Each centroid also keeps the min and max of the values it absorbed, and the sketch tracks the cost
 * of every centroid merge, which gives two deterministic, data-dependent error bounds:
 *
 * - `rankError`: sup_x |F_sketch(x) − F_data(x)| <= the largest total weight of centroids whose
 *   [min, max] straddles one x, over the count (a centroid that does not straddle x is counted right);
 * - `wassersteinError`: W1(sketch, data) <= (Σ over merges of the weighted distances the merged
 *   means moved) / count, the cost of a transport plan from the data to the centroids.
 *
 * Memory is O(δ) whatever the stream length. Merging is exact while both sides are exact, and
 * otherwise re-compresses the union, adding both sides' transport costs.
 */
export class QuantileSketch {
  readonly compression: number;
  readonly exactLimit: number;
  private n = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private exact: Float64Array | null;
  private exactSize = 0;
  // Centroids sorted by mean.
  private means = new Float64Array(0);
  private weights = new Float64Array(0);
  private lows = new Float64Array(0);
  private highs = new Float64Array(0);
  private centroids = 0;
  // Values not yet merged into centroids.
  private buffer = new Float64Array(0);
  private buffered = 0;
  private displacement = 0;
  // Reused work arrays: merge input, and the centroid arrays not in use.
  private scratchM = new Float64Array(0);
  private scratchW = new Float64Array(0);
  private scratchLo = new Float64Array(0);
  private scratchHi = new Float64Array(0);
  private spareM = new Float64Array(0);
  private spareW = new Float64Array(0);
  private spareLo = new Float64Array(0);
  private spareHi = new Float64Array(0);
  private readonly cosPhi: number;
  private readonly sinPhi: number;

  constructor(options: QuantileSketchOptions = {}) {
    this.compression = options.compression ?? 200;
    this.exactLimit = options.exactLimit ?? 1024;
    if (
      !Number.isInteger(this.compression) ||
      this.compression < MIN_COMPRESSION ||
      this.compression > MAX_COMPRESSION
    ) {
      throw new InvalidArgumentError(
        `quantile sketch compression must be an integer in [${MIN_COMPRESSION}, ${MAX_COMPRESSION}] (got ${this.compression})`,
      );
    }
    if (!Number.isInteger(this.exactLimit) || this.exactLimit < 0 || this.exactLimit > 1 << 24) {
      throw new InvalidArgumentError(
        `quantile sketch exactLimit must be an integer in [0, 2^24] (got ${this.exactLimit})`,
      );
    }
    this.cosPhi = Math.cos((2 * Math.PI) / this.compression);
    this.sinPhi = Math.sin((2 * Math.PI) / this.compression);
    this.exact = this.exactLimit > 0 ? new Float64Array(Math.min(64, this.exactLimit)) : null;
    if (!this.exact) this.startDigest();
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

  /** Values held in memory: exact values, or centroids plus not-yet-merged values. */
  get retainedItems(): number {
    return this.exact ? this.exactSize : this.centroids + this.buffered;
  }

  /**
   * Bound on sup_x |F_sketch(x) − F_data(x)| (0 while exact). Only a centroid whose [min, max]
   * straddles x (min <= x < max) can be miscounted. With mean <= x it is over-counted by its values
   * above x, at most min(w − 1, w·(mean − min)/(x − min)) since they all exceed x; with mean > x it is
   * under-counted by its values at or below x, at most min(w − 1, w·(max − mean)/(max − x)). Over- and
   * under-counts cancel, so the error at x is at most the larger of the two sums. The first kind
   * decreases and the second increases between consecutive centroid bounds, so the supremum is found
   * at those points (left values, resp. left limits).
   */
  get rankError(): number {
    if (this.exact || this.n === 0) return 0;
    const idx: number[] = [];
    const points: number[] = [];
    for (let i = 0; i < this.centroids; i++) {
      if (this.lows[i] < this.highs[i] && this.weights[i] > 1) {
        idx.push(i);
        points.push(this.lows[i], this.means[i], this.highs[i]);
      }
    }
    if (idx.length === 0) return 0;
    const xs = Float64Array.from(points).sort();
    let worst = 0;
    for (let p = 0; p < xs.length; p++) {
      const x = xs[p];
      if (p > 0 && x === xs[p - 1]) continue;
      let over = 0; // at x
      let under = 0; // just below x
      for (const i of idx) {
        const lo = this.lows[i];
        const hi = this.highs[i];
        const mean = this.means[i];
        const w = this.weights[i];
        if (lo <= x && x < hi && mean <= x) {
          over += x > lo ? Math.min(w - 1, (w * (mean - lo)) / (x - lo)) : w - 1;
        }
        // Left limit x⁻: straddles when lo < x <= hi, counted above when mean >= x.
        if (lo < x && x <= hi && mean >= x) {
          under += x < hi ? Math.min(w - 1, (w * (hi - mean)) / (hi - x)) : w - 1;
        }
      }
      if (over > worst) worst = over;
      if (under > worst) worst = under;
    }
    return Math.min(1, worst / this.n);
  }

  /** Bound on the first Wasserstein distance between the sketch's distribution and the data's (0 while exact). */
  get wassersteinError(): number {
    return this.n > 0 ? this.displacement / this.n : 0;
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
      this.convertToDigest();
    }
    if (this.buffered === this.buffer.length) this.flush();
    this.buffer[this.buffered++] = x;
  }

  /**
   * Adds `values[0..count)`, finite, in order: the same state as `add` of each in turn (the exact
   * values or the digest buffer are filled by blocks, flushed when full exactly where `add` would).
   */
  addAll(values: Float64Array, count: number): void {
    if (count <= 0) return;
    let min = this.minValue;
    let max = this.maxValue;
    for (let k = 0; k < count; k++) {
      const x = values[k];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.minValue = min;
    this.maxValue = max;
    this.n += count;
    let k = 0;
    while (k < count && this.exact !== null) {
      if (this.exactSize === this.exactLimit) {
        this.convertToDigest();
        break;
      }
      const need = Math.min(this.exactLimit, this.exactSize + count - k);
      let capacity = this.exact.length;
      while (capacity < need) capacity = Math.min(this.exactLimit, Math.max(64, capacity * 2));
      if (capacity > this.exact.length) {
        const grown = new Float64Array(capacity);
        grown.set(this.exact.subarray(0, this.exactSize));
        this.exact = grown;
      }
      const take = need - this.exactSize;
      this.exact.set(values.subarray(k, k + take), this.exactSize);
      this.exactSize = need;
      k += take;
    }
    while (k < count) {
      if (this.buffered === this.buffer.length) this.flush();
      const take = Math.min(count - k, this.buffer.length - this.buffered);
      this.buffer.set(values.subarray(k, k + take), this.buffered);
      this.buffered += take;
      k += take;
    }
  }

  private startDigest(): void {
    // Dunning's merging digest buffers about 5δ values between merges; δ keeps memory lower here.
    this.buffer = new Float64Array(Math.max(64, 2 * this.compression));
    this.buffered = 0;
    this.centroids = 0;
  }

  private convertToDigest(): void {
    const exact = this.exact as Float64Array;
    const size = this.exactSize;
    this.exact = null;
    this.exactSize = 0;
    this.startDigest();
    // An empty sketch (a window state being formed by merges) has nothing to sort or compress.
    if (size === 0) return;
    const values = exact.slice(0, size).sort();
    this.compressSorted(values, new Float64Array(size).fill(1), values, values, size);
  }

  /** Merges the buffered values into the centroids (scratch arrays reused: no allocation). */
  private flush(): void {
    if (this.buffered === 0) return;
    const b = this.buffer.subarray(0, this.buffered).sort();
    const total = this.centroids + this.buffered;
    if (this.scratchM.length < total) {
      const size = Math.max(total, 3 * this.compression + 16);
      this.scratchM = new Float64Array(size);
      this.scratchW = new Float64Array(size);
      this.scratchLo = new Float64Array(size);
      this.scratchHi = new Float64Array(size);
    }
    const m = this.scratchM;
    const w = this.scratchW;
    const lo = this.scratchLo;
    const hi = this.scratchHi;
    this.interleave(b, m, w, lo, hi);
    this.buffered = 0;
    this.compressSorted(m, w, lo, hi, total);
  }

  /**
   * Scale function k1(q) = δ/(2π)·asin(2q − 1): the largest quantile a centroid starting at q may
   * reach, k1⁻¹(k1(q) + 1) = (sin(asin(2q − 1) + 2π/δ) + 1) / 2, expanded with the angle-addition
   * formula so that it costs one square root instead of two trigonometric calls.
   */
  private qLimit(q: number): number {
    const s = 2 * q - 1;
    if (s >= this.cosPhi) return 1;
    return (s * this.cosPhi + Math.sqrt(Math.max(0, 1 - s * s)) * this.sinPhi + 1) / 2;
  }

  /** Greedy one-pass merge of items sorted by mean into centroids obeying the k1 size limit. */
  private compressSorted(
    m: Float64Array,
    w: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    count: number,
  ): void {
    if (count === 0) {
      this.centroids = 0;
      return;
    }
    let total = 0;
    for (let i = 0; i < count; i++) total += w[i];
    // Write into the spare centroid arrays (swapped with the current ones at the end).
    const bound = 2 * this.compression + 16;
    if (this.spareM.length < bound) {
      this.spareM = new Float64Array(bound);
      this.spareW = new Float64Array(bound);
      this.spareLo = new Float64Array(bound);
      this.spareHi = new Float64Array(bound);
    }
    const outM = this.spareM;
    const outW = this.spareW;
    const outLo = this.spareLo;
    const outHi = this.spareHi;
    let out = 0;
    let curM = m[0];
    let curW = w[0];
    let curLo = lo[0];
    let curHi = hi[0];
    let before = 0;
    let limit = total * this.qLimit(0);
    let moved = 0;
    for (let i = 1; i < count; i++) {
      if (before + curW + w[i] <= limit) {
        const merged = curM + ((m[i] - curM) * w[i]) / (curW + w[i]);
        moved += curW * Math.abs(curM - merged) + w[i] * Math.abs(m[i] - merged);
        curM = merged;
        curW += w[i];
        if (lo[i] < curLo) curLo = lo[i];
        if (hi[i] > curHi) curHi = hi[i];
      } else {
        if (out === bound) throw new InvalidStateError('t-digest produced more centroids than its bound');
        outM[out] = curM;
        outW[out] = curW;
        outLo[out] = curLo;
        outHi[out++] = curHi;
        before += curW;
        limit = total * this.qLimit(before / total);
        curM = m[i];
        curW = w[i];
        curLo = lo[i];
        curHi = hi[i];
      }
    }
    outM[out] = curM;
    outW[out] = curW;
    outLo[out] = curLo;
    outHi[out++] = curHi;
    [this.spareM, this.means] = [this.means, outM];
    [this.spareW, this.weights] = [this.weights, outW];
    [this.spareLo, this.lows] = [this.lows, outLo];
    [this.spareHi, this.highs] = [this.highs, outHi];
    this.centroids = out;
    this.displacement += moved;
  }

  /** Merges another sketch into this one (exact while both are exact and fit). */
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
    if (this.exact) this.convertToDigest();
    this.flush();
    this.n += other.n;
    this.displacement += other.displacement;
    // The other side's items: its exact values or buffered values (weight 1) and its centroids.
    const theirs = other.items();
    if (this.centroids === 0) {
      // Nothing to interleave them with: compressed as they are (the same items the merge below writes).
      this.compressSorted(theirs.m, theirs.w, theirs.lo, theirs.hi, theirs.m.length);
      return this;
    }
    const total = this.centroids + theirs.m.length;
    const m = new Float64Array(total);
    const w = new Float64Array(total);
    const lo = new Float64Array(total);
    const hi = new Float64Array(total);
    let i = 0;
    let j = 0;
    for (let k = 0; k < total; k++) {
      if (j >= theirs.m.length || (i < this.centroids && this.means[i] <= theirs.m[j])) {
        m[k] = this.means[i];
        w[k] = this.weights[i];
        lo[k] = this.lows[i];
        hi[k] = this.highs[i++];
      } else {
        m[k] = theirs.m[j];
        w[k] = theirs.w[j];
        lo[k] = theirs.lo[j];
        hi[k] = theirs.hi[j++];
      }
    }
    this.compressSorted(m, w, lo, hi, total);
    return this;
  }

  /**
   * Writes the centroids and the sorted single values (weight 1, their own min and max) into the
   * output arrays in value order; the arrays hold at least centroids + singles.length items.
   */
  private interleave(
    singles: Float64Array,
    m: Float64Array,
    w: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
  ): void {
    const total = this.centroids + singles.length;
    let i = 0;
    let j = 0;
    for (let k = 0; k < total; k++) {
      if (j >= singles.length || (i < this.centroids && this.means[i] <= singles[j])) {
        m[k] = this.means[i];
        w[k] = this.weights[i];
        lo[k] = this.lows[i];
        hi[k] = this.highs[i++];
      } else {
        m[k] = lo[k] = hi[k] = singles[j++];
        w[k] = 1;
      }
    }
  }

  /** All items (centroids and single values) sorted by value, without changing the sketch. */
  private items(): { m: Float64Array; w: Float64Array; lo: Float64Array; hi: Float64Array } {
    const singles = this.exact
      ? this.exact.slice(0, this.exactSize).sort()
      : this.buffer.slice(0, this.buffered).sort();
    const total = this.centroids + singles.length;
    const m = new Float64Array(total);
    const w = new Float64Array(total);
    const lo = new Float64Array(total);
    const hi = new Float64Array(total);
    this.interleave(singles, m, w, lo, hi);
    return { m, w, lo, hi };
  }

  /** The summarised distribution as a sorted weighted sample (exact values while exact). */
  toWeightedSample(): WeightedSample {
    if (this.exact) {
      const values = this.exact.slice(0, this.exactSize).sort();
      return { values, weights: null, count: this.n, rankError: 0, wassersteinError: 0 };
    }
    const { m, w } = this.items();
    return {
      values: m,
      weights: w,
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
    w.u8(2);
    w.f64(this.displacement);
    w.varUint(this.centroids);
    for (let i = 0; i < this.centroids; i++) {
      w.f64(this.means[i]);
      w.varUint(this.weights[i]);
      w.f64(this.lows[i]);
      w.f64(this.highs[i]);
    }
    w.varUint(this.buffered);
    w.f64s(this.buffer, 0, this.buffered);
  }

  /** Reads a sketch written by `write` with the same options (they belong to the profile). */
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
    if (mode !== 2) throw new InvalidStateError(`unknown quantile sketch mode ${mode}`);
    s.exact = null;
    s.exactSize = 0;
    s.startDigest();
    s.displacement = r.f64();
    if (!(s.displacement >= 0))
      throw new InvalidStateError(`t-digest displacement ${s.displacement} is invalid`);
    const c = r.count(2 * s.compression + 16, 't-digest centroids');
    s.means = new Float64Array(c);
    s.weights = new Float64Array(c);
    s.lows = new Float64Array(c);
    s.highs = new Float64Array(c);
    let weight = 0;
    for (let i = 0; i < c; i++) {
      s.means[i] = r.f64();
      s.weights[i] = r.varUint();
      s.lows[i] = r.f64();
      s.highs[i] = r.f64();
      if (!(s.lows[i] <= s.means[i] && s.means[i] <= s.highs[i]) || s.weights[i] < 1) {
        throw new InvalidStateError(`t-digest centroid ${i} is inconsistent`);
      }
      if (i > 0 && s.means[i] < s.means[i - 1])
        throw new InvalidStateError('t-digest centroids are not sorted');
      weight += s.weights[i];
    }
    s.centroids = c;
    const b = r.count(s.buffer.length, 't-digest buffer');
    s.buffer.set(r.f64s(b));
    s.buffered = b;
    if (weight + b !== s.n)
      throw new InvalidStateError(`t-digest weights sum to ${weight + b} but count is ${s.n}`);
    return s;
  }
}
