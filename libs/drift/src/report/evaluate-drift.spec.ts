import { CITIES, events, referenceProfile } from '../../test/fixtures';
import { TestRandom } from '../../test/random';
import { DriftMonitor } from '../drift-monitor';
import type { NumericFeature } from '../profile/reference-profile';
import { ReferenceProfile } from '../profile/reference-profile';
import { adjustPValues, kolmogorovSmirnovTest } from '@continuum/stats';
import { loadVectors } from '../../../stats/test/vectors';
import { wassersteinDistance } from '../statistics/wasserstein';
import { WindowProfile } from '../window/window-profile';
import { defaultStatistic, evaluateDrift } from './evaluate-drift';

const big = referenceProfile(5000);
const small = referenceProfile(800, 2);

function window(profile: ReferenceProfile, n: number, seed: number, shift = 0): WindowProfile {
  const w = new WindowProfile(profile);
  events(n, seed, shift).forEach((e) => w.observe(e));
  return w;
}

describe('default statistic (Evidently rule)', () => {
  it('uses Wasserstein / Jensen-Shannon above 1000 reference rows', () => {
    const r = evaluateDrift(big, window(big, 500, 1));
    expect(Object.fromEntries(r.features.map((f) => [f.feature, f.statistic]))).toEqual({
      age: 'WASSERSTEIN',
      income: 'WASSERSTEIN',
      rooms: 'JENSEN_SHANNON',
      city: 'JENSEN_SHANNON',
      plan: 'JENSEN_SHANNON',
    });
    expect(r.prediction?.statistic).toBe('WASSERSTEIN');
  });

  it('uses KS / chi-square / Z-test up to 1000 reference rows', () => {
    const r = evaluateDrift(small, window(small, 500, 1));
    expect(Object.fromEntries(r.features.map((f) => [f.feature, f.statistic]))).toEqual({
      age: 'KS',
      income: 'KS',
      rooms: 'CHI_SQUARE',
      city: 'CHI_SQUARE',
      plan: 'Z_TEST',
    });
    expect(defaultStatistic(big.feature('age')!, 5000, 10_000)).toBe('KS');
  });

  it('is overridable per feature, with thresholds', () => {
    const r = evaluateDrift(big, window(big, 500, 1), {
      features: { age: 'PSI', city: { statistic: 'CHI_SQUARE', threshold: 0.01, effectSizeFloor: 0 } },
      thresholds: { PSI: 0.2 },
    });
    expect(r.features[0]).toMatchObject({ statistic: 'PSI', threshold: 0.2, pValue: null });
    expect(r.features[3]).toMatchObject({ statistic: 'CHI_SQUARE', threshold: 0.01, effectSizeFloor: 0 });
  });

  it('rejects statistics that do not fit the feature and unknown feature names', () => {
    expect(() => evaluateDrift(big, window(big, 100, 1), { features: { city: 'KS' } })).toThrow(
      /needs a numeric feature/,
    );
    expect(() => evaluateDrift(big, window(big, 100, 1), { features: { nope: 'KS' } })).toThrow(
      /not in the profile/,
    );
  });
});

describe('values', () => {
  it('KS and normed Wasserstein on exact samples equal the raw-data statistics', () => {
    const r = new TestRandom(3);
    const refAge = Array.from({ length: 600 }, () => r.normal(40, 10));
    const profile = ReferenceProfile.fromColumns({ numeric: { age: refAge } });
    const current = Array.from({ length: 400 }, () => r.normal(42, 10));
    const w = new WindowProfile(profile);
    current.forEach((x) => w.observe({ numeric: { age: x } }));
    const ks = evaluateDrift(profile, w, { features: { age: 'KS' } }).features[0];
    const expected = kolmogorovSmirnovTest(refAge, current);
    expect(ks).toMatchObject({
      value: expected.statistic,
      pValue: expected.pValue,
      maxError: 0,
      sampleSize: 400,
    });
    const ws = evaluateDrift(profile, w, { features: { age: 'WASSERSTEIN' } }).features[0];
    const std = (profile.feature('age') as NumericFeature).std;
    expect(ws.value).toBeCloseTo(wassersteinDistance(refAge, current).distance / std, 12);
    expect(ws.maxError).toBe(0);
  });

  it('flags a shifted window and leaves an unshifted one alone', () => {
    const calm = evaluateDrift(big, window(big, 3000, 4));
    const shifted = evaluateDrift(big, window(big, 3000, 5, 0.6));
    expect(calm.features.filter((f) => f.drifted)).toEqual([]);
    expect(calm.datasetDrift).toBe(false);
    expect(shifted.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['age', 'city']);
    expect(shifted.driftShare).toBeCloseTo(0.4, 12);
  });

  it('sketch-based statistics stay within their stated error of the exact values', () => {
    const r = new TestRandom(6);
    const refValues = Array.from({ length: 50_000 }, () => Math.exp(r.normal(0, 1)));
    const profile = ReferenceProfile.fromColumns({ numeric: { x: refValues } });
    const current = Array.from({ length: 40_000 }, () => Math.exp(r.normal(0.05, 1)));
    const w = new WindowProfile(profile);
    current.forEach((x) => w.observe({ numeric: { x } }));
    const ks = evaluateDrift(profile, w, { features: { x: 'KS' } }).features[0];
    const exactKs = kolmogorovSmirnovTest(refValues, current);
    expect(ks.maxError).toBeGreaterThan(0);
    expect(Math.abs(ks.value - exactKs.statistic)).toBeLessThanOrEqual(ks.maxError);
    // The p-value from sketches is conservative: never below the raw-data one.
    expect(ks.pValue!).toBeGreaterThanOrEqual(exactKs.pValue);
    const ws = evaluateDrift(profile, w, { features: { x: 'WASSERSTEIN' } }).features[0];
    const exactW =
      wassersteinDistance(refValues, current).distance / (profile.feature('x') as NumericFeature).std;
    expect(Math.abs(ws.value - exactW)).toBeLessThanOrEqual(ws.maxError);
  });
});

describe('values never seen in the reference (vectors: scipy.stats.chi2_contingency)', () => {
  interface UnseenCase {
    name: string;
    kind: 'numeric' | 'categorical';
    reference: Record<string, number>;
    current: Record<string, number>;
    statistic: 'CHI_SQUARE' | 'Z_TEST';
    value: number;
    pValue: number;
    effectSize: number;
    zShareOfFirst: { z: number; pValue: number };
  }
  const cases: UnseenCase[] = loadVectors('statistics').unseenValues;
  const expand = (counts: Record<string, number>): string[] =>
    Object.entries(counts).flatMap(([v, n]) => Array.from({ length: n }, () => v));

  it('has the {0,1} vs {0,2} case and a new-category case', () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining(['binary numeric {0,1} vs {0,2}', '3 categories, a new category']),
    );
  });

  for (const c of cases)
    it(`${c.name}: ${c.statistic} over the reference's values and the unseen ones`, () => {
      const ref = expand(c.reference);
      const cur = expand(c.current);
      const numeric = c.kind === 'numeric';
      const profile = numeric
        ? ReferenceProfile.fromColumns({ numeric: { x: ref.map(Number) } })
        : ReferenceProfile.fromColumns({ categorical: { x: ref } });
      const w = new WindowProfile(profile);
      for (const v of cur) w.observe(numeric ? { numeric: { x: Number(v) } } : { categorical: { x: v } });
      const f = evaluateDrift(profile, w).features[0];
      expect(f.statistic).toBe(c.statistic);
      expect(f.value).toBeCloseTo(c.value, 9);
      expect(Math.abs(f.pValue! - c.pValue)).toBeLessThanOrEqual(1e-9 * c.pValue + 1e-300);
      expect(f.effectSize).toBeCloseTo(c.effectSize, 12);
      // Drift is flagged exactly when the unseen values make the table differ; the share of the
      // first value alone (the Z-test the binary case used to get) does not reach α here.
      expect(f.drifted).toBe(c.statistic === 'CHI_SQUARE');
      if (c.name.startsWith('binary numeric')) expect(c.zShareOfFirst.pValue).toBeGreaterThan(0.05);
    });

  it('an explicitly configured Z-test is widened the same way, with the chi-square floor', () => {
    const c = cases.find((x) => x.name === 'binary numeric {0,1} vs {0,2}')!;
    const profile = ReferenceProfile.fromColumns({ numeric: { x: expand(c.reference).map(Number) } });
    const w = new WindowProfile(profile);
    for (const v of expand(c.current)) w.observe({ numeric: { x: Number(v) } });
    const f = evaluateDrift(profile, w, {
      features: { x: { statistic: 'Z_TEST', threshold: 0.01, effectSizeFloor: 0.9 } },
    }).features[0];
    expect(f).toMatchObject({
      statistic: 'CHI_SQUARE',
      threshold: 0.01,
      effectSizeFloor: 0.1,
      drifted: true,
    });
  });
});

describe('p-value tests at scale', () => {
  const r = new TestRandom(7);
  const ref = Array.from({ length: 50_000 }, () => r.normal(0, 1));
  // Sketches kept exact so that the test is about the floor, not about sketch error.
  const profile = ReferenceProfile.fromColumns(
    { numeric: { x: ref } },
    { summarySize: 50_000, sketchExactLimit: 200_000 },
  );
  const w = new WindowProfile(profile);
  for (let i = 0; i < 200_000; i++) w.observe({ numeric: { x: r.normal(0.08, 1) } });

  it('the effect-size floor keeps a tiny shift in a huge window from being flagged', () => {
    const f = evaluateDrift(profile, w, { features: { x: 'KS' } }).features[0];
    expect(f.pValue).toBeLessThan(0.05);
    expect(f.effectSize).toBeLessThan(0.1);
    expect(f.drifted).toBe(false);
    const noFloor = evaluateDrift(profile, w, { features: { x: { statistic: 'KS', effectSizeFloor: 0 } } })
      .features[0];
    expect(noFloor.drifted).toBe(true);
  });
});

describe('multiple testing', () => {
  it('corrects the input features p-values with the chosen method', () => {
    const w = window(small, 400, 8, 0.15);
    const none = evaluateDrift(small, w, { correction: 'none' });
    const bonf = evaluateDrift(small, w, { correction: 'bonferroni' });
    const bh = evaluateDrift(small, w);
    const raw = none.features.map((f) => f.pValue);
    expect(bonf.features.map((f) => f.adjustedPValue)).toEqual(adjustPValues(raw, 'bonferroni'));
    expect(bh.features.map((f) => f.adjustedPValue)).toEqual(adjustPValues(raw, 'benjamini-hochberg'));
    expect(bh.correction).toBe('benjamini-hochberg');
    expect(none.features.map((f) => f.adjustedPValue)).toEqual(raw);
  });
});

describe('report contents', () => {
  it('reports data quality and contract violations', () => {
    const w = window(big, 100, 9);
    w.observe({
      numeric: { age: 500, income: NaN, rooms: null },
      categorical: { city: 'rome', plan: 'pro', extra: 'x' },
    });
    const r = evaluateDrift(big, w);
    const q = Object.fromEntries(r.dataQuality.map((x) => [x.feature, x]));
    expect(q.age.outOfRangeRate).toBeCloseTo(1 / 101, 12);
    expect(q.income.typeViolations).toBe(1);
    expect(q.rooms.missingRate).toBeCloseTo(1 / 101, 12);
    expect(q.city.unseenCategoryRate).toBeCloseTo(1 / 101, 12);
    expect(q.prediction.missingRate).toBeCloseTo(1 / 101, 12);
    expect(r.contractViolations).toEqual(
      expect.arrayContaining([
        { feature: 'income', kind: 'WRONG_TYPE', count: 1 },
        { feature: 'prediction', kind: 'MISSING_FEATURE', count: 1 },
        { feature: 'extra', kind: 'UNEXPECTED_FEATURE', count: 1 },
      ]),
    );
    expect(r.unseenCategories).toEqual([
      { feature: 'city', values: [{ value: 'rome', count: 1, error: 0 }] },
    ]);
    expect(CITIES).not.toContain('rome');
  });

  it('marks features with too little data instead of testing them', () => {
    const r = evaluateDrift(big, window(big, 10, 10));
    expect(
      r.features.every((f) => f.status === 'insufficient-data' && !f.drifted && Number.isNaN(f.value)),
    ).toBe(true);
    expect(r.datasetDrift).toBe(false);
  });

  it('compares with a baseline window instead of the profile when asked', () => {
    const baseline = window(big, 5000, 11, 0.6);
    const r = evaluateDrift(big, window(big, 3000, 12, 0.6), { baseline });
    expect(r.referenceKind).toBe('baseline');
    expect(r.referenceCount).toBe(5000);
    expect(r.features.filter((f) => f.drifted)).toEqual([]);
  });
});

describe('DriftMonitor', () => {
  it('reports each closed window; an expanding reference absorbs past windows', () => {
    const fixed = new DriftMonitor(big, { window: { type: 'count', size: 2000 } });
    const expanding = new DriftMonitor(big, {
      window: { type: 'count', size: 2000 },
      reference: 'expanding',
    });
    const evts = [...events(2000, 13), ...events(6000, 14, 0.6)];
    const fixedReports = evts.flatMap((e) => fixed.observe(e));
    const expandingReports = evts.flatMap((e) => expanding.observe(e));
    expect(fixedReports.map((r) => r.report.features[0].drifted)).toEqual([false, true, true, true]);
    expect(expandingReports.map((r) => r.report.referenceKind)).toEqual([
      'profile',
      'baseline',
      'baseline',
      'baseline',
    ]);
    expect(expandingReports[3].report.referenceCount).toBe(6000);
    expect(expanding.expandingBaseline?.eventCount).toBe(8000);
  });
});
