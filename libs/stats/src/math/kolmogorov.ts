/**
 * Distributions of Kolmogorov–Smirnov statistics, computed as SciPy 1.17 does so that p-values agree:
 *
 * - `kolmogorovSf(n, x)`: P(D_n >= x) for the one-sample two-sided statistic (SciPy's `kstwo.sf`),
 *   following Simard & L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov Distribution",
 *   J. Stat. Softw. 39(11): Ruben–Gambino closed forms at the edges, the Durbin matrix
 *   (Marsaglia–Tsang–Wang 2003), Pomeranz (1974) for small n, Pelz–Good (1976) for large n, and the
 *   one-sided Smirnov tail where it is accurate. The branch thresholds are the same as SciPy's.
 * - `smirnovSf(n, x)`: P(D_n^+ >= x), Birnbaum & Tingey (1951).
 *
 * The exact two-sample distribution is in `ks-two-sample-exact.ts`.
 */
import { ldexp, logGamma } from './special';

const E128 = 128;
const P128 = 2 ** 128;
const M128 = 2 ** -128;
const MIN_LOG = -708;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** One-sided Smirnov survival function P(D_n^+ >= x) (Birnbaum–Tingey sum, in log space). */
export function smirnovSf(n: number, x: number): number {
  if (!(x > 0)) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  const logX = Math.log(x);
  // ln C(n, v), updated incrementally with compensated summation: over ~n steps plain addition
  // would lose ~1e-9 relative accuracy for n in the hundreds of thousands.
  let logChoose = 0;
  let logChooseLow = 0;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const p = x + v / n;
    const q = 1 - p;
    if (q > 0) {
      const logTerm = logChoose + logChooseLow + logX + (v - 1) * Math.log(p) + (n - v) * Math.log(q);
      if (logTerm > -745) sum += Math.exp(logTerm);
    }
    const inc = Math.log((n - v) / (v + 1));
    const t = logChoose + inc;
    logChooseLow += Math.abs(logChoose) >= Math.abs(inc) ? logChoose - t + inc : inc - t + logChoose;
    logChoose = t;
  }
  return clip01(sum);
}

/** CDF P(D_n <= d) by the Durbin matrix method with the Marsaglia–Tsang–Wang scaling. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let col = 1; col < m; col++) {
    for (let row = col - 1; row < m; row++) H[row * m + col] = w[row - col + 1];
  }
  for (let row = 0; row < m; row++) H[row * m] = v[row];
  for (let col = 0; col < m; col++) H[(m - 1) * m + col] = v[m - 1 - col];

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let remaining = n;
  let exponent = 0;
  let hExponent = 0;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = matMul(power, H, m);
      exponent += hExponent;
    }
    H = matMul(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > P128) {
      for (let i = 0; i < H.length; i++) H[i] /= P128;
      hExponent += E128;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < M128) {
      p *= P128;
      exponent -= E128;
    }
  }
  return clip01(exponent !== 0 ? ldexp(p, exponent) : p);
}

function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l];
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += ail * b[l * m + j];
    }
  }
  return out;
}

/** Column bounds of row i in the Pomeranz recursion. */
function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** CDF P(D_n <= x) by the Pomeranz (1974) recursion. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPower = new Float64Array(size);
  const twoGPower = new Float64Array(size);
  const oneMinus2GPower = new Float64Array(size);
  gPower[0] = twoGPower[0] = oneMinus2GPower[0] = 1;
  for (let m = 1; m < size; m++) {
    gPower[m] = (gPower[m - 1] * (g / n)) / m;
    twoGPower[m] = (twoGPower[m - 1] * ((2 * g) / n)) / m;
    oneMinus2GPower[m] = (oneMinus2GPower[m - 1] * ((1 - 2 * g) / n)) / m;
  }
  let v0 = new Float64Array(size);
  let v1 = new Float64Array(size);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i <= 2 * n + 1; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinus2GPower;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // Entries [j1 - k1, j2 - k1] of the full convolution of v0[k1 - v0Start ..][:len] with powers[:len].
      const aOffset = k1 - v0Start;
      const aLen = Math.min(len, size - aOffset);
      const bLen = Math.min(len, size);
      const first = j1 - k1;
      const count = j2 - j1 + 1;
      let max = 0;
      for (let c = 0; c < count; c++) {
        const idx = first + c;
        let acc = 0;
        const lo = Math.max(0, idx - (bLen - 1));
        const hi = Math.min(idx, aLen - 1);
        for (let a = lo; a <= hi; a++) acc += v0[aOffset + a] * powers[idx - a];
        v1[c] = acc;
        if (acc > max) max = acc;
      }
      if (max > 0 && max < M128) {
        for (let c = 0; c < size; c++) v1[c] *= P128;
        exponent -= E128;
      }
      v1Start = v0Start + j1 - k1;
    }
  }
  let answer = v1[n - v1Start];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > P128) {
      answer *= M128;
      exponent += E128;
    }
    answer *= m;
  }
  return clip01(exponent !== 0 ? ldexp(answer, exponent) : answer);
}

/** CDF P(D_n <= x) by the Pelz–Good (1976) asymptotic series. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -PI2 / 8 / z2;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qPower + coeffs[i];
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / divisors[i];
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kPi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk;
  }
  K[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}

/** ln(n! / n^n). */
function logFactorialOverPower(n: number): number {
  return logGamma(n + 1) - n * Math.log(n);
}

/**
 * Survival function P(D_n >= x) of the one-sample two-sided Kolmogorov–Smirnov statistic, as
 * `scipy.stats.kstwo.sf(x, n)`.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0) return NaN;
  if (Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: exact for 1/(2n) <= x <= 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxx <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxx >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = durbinMatrixCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}
