/**
 * Seeded two-sample simulations of the monitor's default KS path (reference profile → window state
 * → evaluateDrift), next to KS on the raw data (SciPy's ks_2samp, computed exactly) and the former
 * sketch-based path. Used by the calibration script (bench/ks-calibration.ts) and its unit test.
 */
import { kolmogorovSmirnovTest } from '@continuum/stats';
import { ReferenceProfile } from '../src/profile/reference-profile';
import type { NumericFeature } from '../src/profile/reference-profile';
import { evaluateDrift } from '../src/report/evaluate-drift';
import { WindowProfile } from '../src/window/window-profile';
import { TestRandom } from './random';

export type Shape = 'normal' | 'log-normal' | 'uniform';

/** Draws a value of the shape; `shiftSd` moves the mean by that many of the shape's standard deviations. */
export function draw(r: TestRandom, shape: Shape, shiftSd: number): number {
  switch (shape) {
    case 'normal':
      return r.normal() + shiftSd;
    case 'log-normal':
      // exp(N(0, 1)): sd = sqrt((e − 1)·e)
      return Math.exp(r.normal()) + shiftSd * Math.sqrt((Math.E - 1) * Math.E);
    case 'uniform':
      return r.next() + shiftSd / Math.sqrt(12);
  }
}

export interface TrialOutcome {
  /** p-value and D of the default path (window grid counts against the profile). */
  readonly p: number;
  readonly d: number;
  /** The former path: KS of the profile's summary against the window's t-digest, p at D − maxError. */
  readonly sketchP: number;
  /** KS on the raw reference and window values (ks_2samp, exact method up to 10 000 values). */
  readonly rawP: number;
  readonly rawD: number;
}

export interface TrialOptions {
  readonly shape: Shape;
  readonly shiftSd: number;
  readonly referenceRows: number;
  readonly windowRows: number;
  readonly seed: number;
  /** Skip the former sketch path (faster). */
  readonly withSketch?: boolean;
}

/**
 * xorshift streams from consecutive seeds start correlated: the seed goes through a bijective
 * integer mix (the murmur3 finaliser) first, so consecutive trials are independent draws.
 */
export function mixSeed(seed: number): number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

/** One reference (fresh each trial, as a retrained model's would be) and one window. */
export function ksTrial(o: TrialOptions): TrialOutcome {
  const r = new TestRandom(mixSeed(o.seed));
  const ref = Array.from({ length: o.referenceRows }, () => draw(r, o.shape, 0));
  const cur = Array.from({ length: o.windowRows }, () => draw(r, o.shape, o.shiftSd));
  const profile = ReferenceProfile.fromColumns({ numeric: { x: ref } });
  const window = new WindowProfile(profile);
  for (const x of cur) window.observe({ numeric: { x } });
  const f = evaluateDrift(profile, window, {
    correction: 'none',
    features: { x: { statistic: 'KS', effectSizeFloor: 0 } },
  }).features[0];
  const raw = kolmogorovSmirnovTest(ref, cur);
  let sketchP = NaN;
  if (o.withSketch) {
    const feature = profile.feature('x') as NumericFeature;
    sketchP = kolmogorovSmirnovTest(feature.sample(), window.numericSample(feature)).pValue;
  }
  return { p: f.pValue as number, d: f.value, sketchP, rawP: raw.pValue, rawD: raw.statistic };
}
