import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { type DleEstimationJSON, DLE_PROFILE_TREES, PerformanceEstimation } from './performance-estimation';
import { ReferenceProfile } from './reference-profile';
import { ReferenceProfileBuilder } from './reference-profile-builder';
import { TestRandom } from '../../test/random';

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(join(__dirname, '../../schemas/reference-profile.schema.json'), 'utf8')) as object,
);

/** P(y = 1 | score) = score², scores uniform on [0.5 − w/2, 0.5 + w/2]. */
function binaryRows(n: number, seed: number, width = 1) {
  const r = new TestRandom(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = 0.5 + (r.next() - 0.5) * width;
    scores.push(s);
    labels.push(r.next() < s * s ? 1 : 0);
  }
  return { scores, labels };
}

/** y = 3x + noise whose spread grows with |z| (the loss model has something to learn), city as a tag. */
function regressionRows(n: number, seed: number, zScale = 1) {
  const r = new TestRandom(seed);
  const rows = Array.from({ length: n }, () => {
    const x = r.normal(0, 1);
    const z = r.normal(0, zScale);
    return { score: 3 * x, numeric: { x, z }, categorical: { city: r.pick(['a', 'b', 'c']) } };
  });
  const targets = rows.map((row) => row.score + r.normal(0, 0.2 + Math.abs(row.numeric.z)));
  return { rows, targets };
}

function profileWith(estimation: PerformanceEstimation): ReferenceProfile {
  return ReferenceProfileBuilder.fromEvents([{ numeric: { x: 1 } }, { numeric: { x: 2 } }])
    .withPerformanceEstimation(estimation)
    .toJSON() as unknown as ReferenceProfile;
}

describe('PerformanceEstimation in a reference profile', () => {
  it('CBPE travels in the profile: schema-valid JSON, restored with the same estimates', () => {
    const ref = binaryRows(2000, 1);
    const estimation = PerformanceEstimation.fitBinary(ref.scores, ref.labels);
    const json = JSON.parse(JSON.stringify(profileWith(estimation))) as object;
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    const restored = ReferenceProfile.fromJSON(JSON.stringify(json)).performanceEstimation!;
    expect(restored.method).toBe('CBPE');
    const a = estimation.newWindow();
    const b = restored.newWindow();
    for (const s of binaryRows(500, 2).scores) {
      estimation.observe(a, { score: s });
      restored.observe(b, { score: s });
    }
    expect(restored.estimate(b)).toEqual(estimation.estimate(a));
    expect(Object.keys(estimation.estimate(a)).sort()).toEqual(['accuracy', 'f1', 'roc_auc']);
  });

  it('CBPE: scores squeezed toward 0.5 lower the estimated accuracy below the band of unshifted windows', () => {
    const ref = binaryRows(3000, 3);
    const estimation = PerformanceEstimation.fitBinary(ref.scores, ref.labels);
    const accuracyOf = (width: number, seed: number) => {
      const w = estimation.newWindow();
      for (const s of binaryRows(1000, seed, width).scores) estimation.observe(w, { score: s });
      return estimation.estimate(w).accuracy;
    };
    for (let seed = 10; seed < 15; seed++) {
      expect(accuracyOf(0.3, seed + 100).upper).toBeLessThan(accuracyOf(1, seed).lower);
    }
  });

  it('DLE is bounded whatever the reference size, and its estimate follows the loss the features predict', () => {
    const ref = regressionRows(3000, 4);
    const estimation = PerformanceEstimation.fitRegression(ref.rows, ref.targets);
    const json = estimation.toJSON() as DleEstimationJSON;
    expect(json.numeric).toEqual(['x', 'z']);
    expect(json.categorical).toEqual([{ name: 'city', categories: expect.any(Array) }]);
    for (const model of [json.reference.absoluteError, json.reference.squaredError]) {
      expect(model.trees.length).toBe(DLE_PROFILE_TREES.rounds);
      for (const t of model.trees)
        expect(t.length / 4).toBeLessThanOrEqual(2 * DLE_PROFILE_TREES.maxLeaves - 1);
    }
    expect(JSON.stringify(json).length).toBeLessThan(130_000);
    const profile = JSON.parse(JSON.stringify(profileWith(estimation))) as object;
    expect(validate(profile) ? [] : validate.errors).toEqual([]);

    const windowOf = (zScale: number) => {
      const { rows, targets } = regressionRows(2000, 5, zScale);
      const w = estimation.newWindow();
      let realised = 0;
      rows.forEach((row, i) => {
        estimation.observe(w, row);
        realised += Math.abs(targets[i] - row.score);
      });
      return { estimate: estimation.estimate(w).mae, realised: realised / rows.length };
    };
    const calm = windowOf(1);
    const noisy = windowOf(2); // covariate shift into the region where the loss model predicts large errors
    expect(noisy.estimate.lower).toBeGreaterThan(calm.estimate.upper);
    for (const w of [calm, noisy])
      expect(Math.abs(w.estimate.value - w.realised) / w.realised).toBeLessThan(0.15);
  });

  it('a prediction the estimator cannot read adds nothing; an empty window estimates nothing', () => {
    const ref = binaryRows(500, 6);
    const estimation = PerformanceEstimation.fitBinary(ref.scores, ref.labels);
    const w = estimation.newWindow();
    expect(estimation.observe(w, { score: null })).toBe(false);
    expect(estimation.observe(w, { score: 1.5 })).toBe(false);
    expect(w.count).toBe(0);
    expect(estimation.estimate(w)).toEqual({});
  });

  it('a malformed member is refused, naming where', () => {
    const ref = binaryRows(500, 7);
    const good = profileWith(PerformanceEstimation.fitBinary(ref.scores, ref.labels)) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    const broken = (patch: Record<string, unknown>) => ({
      ...good,
      performanceEstimation: { ...good.performanceEstimation, ...patch },
    });
    expect(() => ReferenceProfile.fromJSON(broken({ method: 'NANNY' }))).toThrow(
      /performanceEstimation\.method/,
    );
    expect(() => ReferenceProfile.fromJSON(broken({ threshold: 2 }))).toThrow(
      /performanceEstimation\.threshold/,
    );
    expect(() =>
      ReferenceProfile.fromJSON(broken({ reference: { kind: 'cbpe-reference', aucStd: -1 } })),
    ).toThrow(/performanceEstimation\.reference/);
    expect(ReferenceProfile.fromJSON(broken({})).performanceEstimation?.method).toBe('CBPE');
  });
});
