/**
 * Exact two-sided P(D_{n1,n2} >= d) of the two-sample Kolmogorov–Smirnov statistic, the p-value of
 * SciPy's `ks_2samp(method='exact')` (SciPy 1.17), computed by counting lattice paths (Hodges 1958).
 *
 * A pair of samples is a path from (0, 0) to (m, n) on the integer lattice (one step per value, in
 * sorted order); D >= d exactly when the path leaves the band |mg·j − ng·i| < h, with
 * h = round(d·lcm(m, n)), mg = m / g, ng = n / g, g = gcd(m, n). The p-value is the fraction of all
 * C(m + n, n) paths that leave it. SciPy computes that fraction column by column, directly as the
 * complement (Viehmann 2021, arXiv:2102.08037), dividing every cell. Here the same quantity costs a
 * fraction of that:
 *
 * - Only half of the lattice is swept. The band is symmetric under (i, j) → (m − i, n − j), so the
 *   paths from a cell of column c + 1 to the end are counted by the sweep from the start to the
 *   reflected cell: splitting every path at its step from column c to c + 1 (c = ⌊(m − 1) / 2⌋)
 *   combines the forward column c with the forward column m − c − 1 — both within the first half.
 * - When the p-value is not small (no drift, the common case), the forward sweep counts the paths
 *   that stay inside, with one addition per cell (counts scaled by a power of two per column, all
 *   terms positive); p = 1 − inside / C(m + n, n) is accurate to ~1e-14 absolute, so it is used only
 *   when p >= 1e-3. Otherwise the sweep keeps Viehmann's fractions of paths that have left (a
 *   convex combination per cell, accurate relative to a tiny p) with the divisions replaced by a
 *   table of reciprocals, and fractions below 1e-280 flushed to zero (their whole contribution to p
 *   is < 1e-270; denormal arithmetic would cost ~20× per cell).
 *
 * Both agree with SciPy's values to ~1e-13 relative (the vectors of libs/drift/vectors and the
 * previous full-lattice recursion, kept in test/, check it).
 */
import { gcd, ldexp, roundHalfEven } from './special';

/**
 * The inside count is used only above this p-value: its absolute error (~1e-14 seen, (n + m)·2^-53 at
 * worst: 2e-12 at 10,000 + 10,000) is then < 1e-11 relative as seen, < 3e-9 at worst.
 */
const INSIDE_MIN_P = 1e-3;
/** Try the inside count first when the asymptotic p-value 2·exp(−2λ²) is above this. */
const INSIDE_TRY_P = 1e-4;
/** Column counts are rescaled by 2^-RESCALE_BITS when their largest passes 2^RESCALE_BITS. */
const RESCALE_BITS = 200;
const RESCALE_UP = 2 ** RESCALE_BITS;
const RESCALE_DOWN = 2 ** -RESCALE_BITS;
/** The inside count gives up (the fraction sweep takes over) if a column's counts span more than this. */
const MAX_COLUMN_RANGE = 2 ** -900;
/** Fractions below this are flushed to zero in the outside sweep (see above). */
const FLUSH = 1e-280;

export interface TwoSampleExact {
  /** `d` snapped to the lattice h / lcm(n1, n2), as SciPy does. */
  readonly d: number;
  readonly p: number;
  /** False when the computation left [0, 1] (SciPy then falls back to the asymptotic distribution). */
  readonly ok: boolean;
}

/**
 * Exact two-sided P(D_{n1,n2} >= d), as SciPy's `ks_2samp(method='exact')`. `d` is snapped to the
 * lattice h / lcm(n1, n2) first, as SciPy does; the snapped value is returned with the probability.
 */
export function twoSampleExactSf(n1: number, n2: number, d: number): TwoSampleExact {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1, ok: true };
  if (n1 === n2) {
    const p = probOutsideSquare(n1, h);
    return { d: snapped, p, ok: p >= 0 && p <= 1 };
  }
  return { d: snapped, p: probOutsideBand(Math.max(n1, n2), Math.min(n1, n2), h), ok: true };
}

/** P(D_{n,n} >= h/n): alternating binomial sum in Horner form, avoiding cancellation (SciPy's formula). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * The band of an m × n lattice (m >= n, m ≠ n) at half-width h: column i (0..m) holds the rows j
 * with |mg·j − ng·i| < h, i.e. bandLow(i) <= j < bandHigh(i); both bounds are nondecreasing in i.
 */
interface Band {
  readonly m: number;
  readonly n: number;
  readonly mg: number;
  readonly ng: number;
  readonly h: number;
}

function bandLow(b: Band, i: number): number {
  return Math.min(Math.max(Math.floor((b.ng * i - b.h) / b.mg) + 1, 0), b.n);
}

function bandHigh(b: Band, i: number): number {
  return Math.min(Math.ceil((b.ng * i + b.h) / b.mg), b.n + 1);
}

/**
 * A column of the forward sweep: row j (low <= j < high) in `values[j - offset]`, scaled by
 * 2^exponent.
 */
interface Column {
  readonly values: Float64Array;
  readonly offset: number;
  readonly low: number;
  readonly high: number;
  readonly exponent: number;
}

/** Fraction of the C(m + n, n) lattice paths that leave the band (m > n). */
function probOutsideBand(m: number, n: number, h: number): number {
  const g = gcd(m, n);
  const band: Band = { m, n, mg: m / g, ng: n / g, h };
  const d = h / ((m / g) * n);
  const lambda2 = (d * d * m * n) / (m + n);
  if (2 * Math.exp(-2 * lambda2) >= INSIDE_TRY_P) {
    const p = 1 - insideFraction(band);
    if (p >= INSIDE_MIN_P) return p;
  }
  return outsideFraction(band);
}

/** The column split: paths are cut at their step from column `first` to `first` + 1. */
function splitColumns(m: number): { first: number; second: number } {
  const first = Math.floor((m - 1) / 2);
  return { first, second: m - first - 1 };
}

/**
 * Fraction of paths that stay inside the band, from inside-path counts over half the lattice
 * (NaN when the counts of a column span too many orders of magnitude for one scale).
 */
function insideFraction(band: Band): number {
  const { m, n } = band;
  const { first, second } = splitColumns(m);
  const a = new Float64Array(n + 2);
  let low = 0;
  let high = bandHigh(band, 0);
  for (let j = 0; j < high; j++) a[j] = 1;
  let exponent = 0;
  let saved: Column | undefined = first === 0 ? snapshot(a, low, high, 0) : undefined;
  for (let i = 1; i <= second; i++) {
    const lastHigh = high;
    low = bandLow(band, i);
    high = bandHigh(band, i);
    if (high <= low) return 0;
    // Rows above the previous column's band were outside it: no inside path arrives from the left.
    for (let j = lastHigh; j < high; j++) a[j] = 0;
    let v = 0;
    for (let j = low; j < high; j++) {
      v += a[j];
      a[j] = v;
    }
    // Counts grow with j within a column: a[low] is the smallest, v the largest.
    if (a[low] < v * MAX_COLUMN_RANGE) return NaN;
    if (v > RESCALE_UP) {
      for (let j = low; j < high; j++) a[j] *= RESCALE_DOWN;
      exponent += RESCALE_BITS;
    }
    if (i === first) saved = snapshot(a, low, high, exponent);
  }
  const last: Column = { values: a, offset: 0, low, high, exponent };
  const at = saved ?? last;
  // Paths through (first, j) → (first + 1, j): forward count × the reflected forward count.
  let sum = 0;
  const from = Math.max(at.low, n - last.high + 1);
  const to = Math.min(at.high - 1, n - last.low);
  for (let j = from; j <= to; j++) sum += at.values[j - at.offset] * last.values[n - j];
  const total = binomialScaled(m + n, n);
  return ldexp(sum / total.mantissa, at.exponent + last.exponent - total.exponent);
}

/**
 * Fraction of paths that leave the band, from the fractions (per cell) of paths that have left it,
 * over half the lattice; accurate relative to the result however small it is.
 */
function outsideFraction(band: Band): number {
  const { m, n } = band;
  const { first, second } = splitColumns(m);
  const reciprocal = new Float64Array(second + n + 1);
  for (let k = 1; k < reciprocal.length; k++) reciprocal[k] = 1 / k;
  const a = new Float64Array(n + 2).fill(1);
  let low = 0;
  let high = bandHigh(band, 0);
  for (let j = 0; j < high; j++) a[j] = 0;
  let saved: Column | undefined = first === 0 ? snapshot(a, low, high, 0) : undefined;
  for (let i = 1; i <= second; i++) {
    const lastHigh = high;
    low = bandLow(band, i);
    high = bandHigh(band, i);
    if (high <= low) return 1;
    // Rows above the previous column's band were outside it: every path from the left has left.
    for (let j = lastHigh; j < high; j++) a[j] = 1;
    let v = low === 0 ? 0 : 1;
    for (let j = low; j < high; j++) {
      // A random path into (i, j) comes from the left with probability i / (i + j).
      const r = reciprocal[i + j];
      v = a[j] * (i * r) + v * (j * r);
      if (v < FLUSH) v = 0;
      a[j] = v;
    }
    if (i === first) saved = snapshot(a, low, high, 0);
  }
  const last: Column = { values: a, offset: 0, low, high, exponent: 0 };
  const at = saved ?? last;
  // The path crosses from (first, j) to (first + 1, j) with probability w_j ∝
  // C(first + j, j)·C(second + n − j, n − j); it leaves if its first part has (x) or, having not,
  // its second part has (x', the reflected forward fraction).
  const w = crossingWeights(first, second, n);
  let weighted = 0;
  let total = 0;
  for (let j = 0; j <= n; j++) {
    const x = j >= at.low && j < at.high ? at.values[j - at.offset] : 1;
    const k = n - j;
    const x2 = k >= last.low && k < last.high ? last.values[k] : 1;
    weighted += w[j] * (x + (1 - x) * x2);
    total += w[j];
  }
  const p = weighted / total;
  return p > 1 ? 1 : p;
}

function snapshot(a: Float64Array, low: number, high: number, exponent: number): Column {
  return { values: a.slice(low, high), offset: low, low, high, exponent };
}

/**
 * Unnormalised w_j ∝ C(first + j, j)·C(second + n − j, n − j), j = 0..n: 1 at the mode, the rest by
 * the ratio of consecutive terms (far tails underflow to 0, harmlessly).
 */
function crossingWeights(first: number, second: number, n: number): Float64Array {
  const w = new Float64Array(n + 1);
  // w_{j+1} / w_j = (first + j + 1)(n − j) / ((j + 1)(second + n − j)), decreasing in j.
  let mode = 0;
  while (mode < n && (first + mode + 1) * (n - mode) > (mode + 1) * (second + n - mode)) mode++;
  w[mode] = 1;
  for (let j = mode; j < n; j++) {
    w[j + 1] = w[j] * (((first + j + 1) / (j + 1)) * ((n - j) / (second + n - j)));
  }
  for (let j = mode; j > 0; j--) {
    w[j - 1] = w[j] * ((j / (first + j)) * ((second + n - j + 1) / (n - j + 1)));
  }
  return w;
}

/** C(a, b) as mantissa · 2^exponent (product of b ratios, rescaled as it grows). */
function binomialScaled(a: number, b: number): { mantissa: number; exponent: number } {
  let mantissa = 1;
  let exponent = 0;
  for (let k = 1; k <= b; k++) {
    mantissa *= (a - b + k) / k;
    if (mantissa > RESCALE_UP) {
      mantissa *= RESCALE_DOWN;
      exponent += RESCALE_BITS;
    }
  }
  return { mantissa, exponent };
}
