/**
 * Special functions the tests need: log-gamma, the regularized incomplete gamma functions
 * (hence chi-square and normal tail probabilities). Accurate to ~1e-14 relative over the ranges
 * used by the drift statistics; checked against SciPy in `vectors/special.json`.
 */

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9 (Godfrey); relative error of Γ below 2e-15 for x >= 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx); only reached for 0 < x < 0.5 here.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** ln of x^a e^-x / Γ(a), the common prefactor of both incomplete-gamma expansions. */
function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** Series for the lower regularized gamma P(a, x); converges fast for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let ap = a;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Continued fraction (modified Lentz) for the upper regularized gamma Q(a, x); for x >= a + 1. */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** Upper regularized incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function upperRegularizedGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** Survival function of the chi-square distribution, P(X > x) with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return upperRegularizedGamma(dof / 2, x / 2);
}

/** Two-sided normal tail P(|Z| >= |z|) = erfc(|z| / √2). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return upperRegularizedGamma(0.5, (z * z) / 2);
}

/** Standard normal survival function P(Z > z). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const half = 0.5 * normalTwoSidedP(z);
  return z >= 0 ? half : 1 - half;
}

/** Round half to even, as NumPy's `np.round` does (SciPy relies on it for sample sizes). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** x · 2^e without overflow or underflow in the intermediate power (C's `ldexp`). */
export function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}
