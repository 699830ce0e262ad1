/**
 * The one moments accumulator: count, mean, sum of squared deviations (M2), min and max of a
 * numeric stream, stored as 5 consecutive slots of a Float64Array so that a window's moments for
 * all features live in one flat array (libs/drift's windows); libs/learning's RunningMoments is a
 * view over 5 slots. Updates follow Welford (1962); merges follow Chan, Golub & LeVeque (1979), exact in real
 * arithmetic and associative up to floating-point rounding.
 */
export const MOMENT_SLOTS = 5;
const COUNT = 0;
const MEAN = 1;
const M2 = 2;
const MIN = 3;
const MAX = 4;

export function initMoments(m: Float64Array, at: number): void {
  m[at + COUNT] = 0;
  m[at + MEAN] = 0;
  m[at + M2] = 0;
  m[at + MIN] = Infinity;
  m[at + MAX] = -Infinity;
}

export function updateMoments(m: Float64Array, at: number, x: number): void {
  const n = m[at + COUNT] + 1;
  m[at + COUNT] = n;
  const delta = x - m[at + MEAN];
  const mean = m[at + MEAN] + delta / n;
  m[at + MEAN] = mean;
  m[at + M2] += delta * (x - mean);
  if (x < m[at + MIN]) m[at + MIN] = x;
  if (x > m[at + MAX]) m[at + MAX] = x;
}

export function mergeMoments(into: Float64Array, at: number, from: Float64Array, fromAt: number): void {
  const nb = from[fromAt + COUNT];
  if (nb === 0) return;
  const na = into[at + COUNT];
  if (na === 0) {
    for (let i = 0; i < MOMENT_SLOTS; i++) into[at + i] = from[fromAt + i];
    return;
  }
  const n = na + nb;
  const delta = from[fromAt + MEAN] - into[at + MEAN];
  into[at + MEAN] += (delta * nb) / n;
  into[at + M2] += from[fromAt + M2] + (delta * delta * na * nb) / n;
  into[at + COUNT] = n;
  if (from[fromAt + MIN] < into[at + MIN]) into[at + MIN] = from[fromAt + MIN];
  if (from[fromAt + MAX] > into[at + MAX]) into[at + MAX] = from[fromAt + MAX];
}

export interface MomentSummary {
  readonly count: number;
  readonly mean: number;
  /** Population standard deviation (ddof = 0, as NumPy's default `np.std`). */
  readonly std: number;
  /** Sample standard deviation (ddof = 1). */
  readonly sampleStd: number;
  readonly min: number;
  readonly max: number;
}

export function summarizeMoments(m: ArrayLike<number>, at = 0): MomentSummary {
  const n = m[at + COUNT];
  return {
    count: n,
    mean: n > 0 ? m[at + MEAN] : NaN,
    std: n > 0 ? Math.sqrt(Math.max(m[at + M2], 0) / n) : NaN,
    sampleStd: n > 1 ? Math.sqrt(Math.max(m[at + M2], 0) / (n - 1)) : NaN,
    min: n > 0 ? m[at + MIN] : NaN,
    max: n > 0 ? m[at + MAX] : NaN,
  };
}
