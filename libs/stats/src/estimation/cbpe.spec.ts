import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededUniform } from '../sequential/simulation';
import { CbpeReference, CbpeWindow } from './cbpe';
import { IsotonicCalibrator } from './isotonic-calibrator';
import { needsCalibration } from './needs-calibration';

/**
 * A model whose scores are well ranked but miscalibrated: P(y = 1 | s) = s². `squeeze` is a
 * covariate shift that concentrates the scores around 0.5 (uncertain rows), P(y | s) unchanged.
 */
function labelled(n: number, seed: number, squeeze = 0) {
  const u = seededUniform(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = 0.5 + (u() - 0.5) * (1 - squeeze);
    scores.push(s);
    labels.push(u() < s * s ? 1 : 0);
    predicted.push(s > 0.5 ? 1 : 0);
  }
  return { scores, labels, predicted };
}

describe('IsotonicCalibrator (pool-adjacent-violators, scikit-learn clip semantics)', () => {
  it('is non-decreasing in the score and stays within [0, 1]', () => {
    const { scores, labels } = labelled(2000, 1);
    const cal = IsotonicCalibrator.fit(scores, labels);
    let previous = -Infinity;
    for (let s = -0.5; s <= 1.5; s += 0.001) {
      const p = cal.calibrate(s);
      expect(p).toBeGreaterThanOrEqual(previous);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      previous = p;
    }
  });

  it('reproduces labels that are already monotone in the score', () => {
    const cal = IsotonicCalibrator.fit([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1]);
    expect([0.1, 0.2, 0.3, 0.4].map((s) => cal.calibrate(s))).toEqual([0, 0, 1, 1]);
    expect(cal.calibrate(0.25)).toBeCloseTo(0.5, 12); // linear between knots
    expect(cal.calibrate(5)).toBe(1); // clipped
  });

  it('pools violators into their weighted mean (equal scores pooled first)', () => {
    // scores 0.1, 0.2, 0.2, 0.3 with labels 1, 0, 1, 0: one pool of mean 0.5.
    const cal = IsotonicCalibrator.fit([0.1, 0.2, 0.2, 0.3], [1, 0, 1, 0]);
    expect(cal.calibrate(0.1)).toBeCloseTo(0.5, 12);
    expect(cal.calibrate(0.3)).toBeCloseTo(0.5, 12);
  });

  it('round-trips through JSON and rejects malformed state', () => {
    const { scores, labels } = labelled(500, 2);
    const cal = IsotonicCalibrator.fit(scores, labels);
    const back = IsotonicCalibrator.fromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
    for (const s of [0, 0.13, 0.5, 0.77, 1]) expect(back.calibrate(s)).toBe(cal.calibrate(s));
    expect(() => IsotonicCalibrator.fromJSON({ kind: 'isotonic', x: [0.2, 0.1], y: [0, 1] })).toThrow();
  });
});

describe('needsCalibration (cross-validated ECE, as NannyML decides)', () => {
  it('calibrates miscalibrated scores and leaves calibrated ones alone', () => {
    const miscalibrated = labelled(4000, 6); // P(y | s) = s²
    expect(needsCalibration(miscalibrated.scores, miscalibrated.labels)).toBe(true);
    const u = seededUniform(7);
    const scores = Array.from({ length: 4000 }, () => u());
    const labels = scores.map((s) => (u() < s ? 1 : 0)); // P(y | s) = s
    expect(needsCalibration(scores, labels)).toBe(false);
    expect(needsCalibration([0.2, 0.8], [1, 1])).toBe(false); // one class
  });
});

describe('CbpeWindow is mergeable', () => {
  const reference = labelled(3000, 3);
  const ref = CbpeReference.fit(reference.scores, reference.predicted, reference.labels);

  it('merging the states of any split equals the state of the union', () => {
    for (let seed = 10; seed < 30; seed++) {
      const { scores, predicted } = labelled(400 + seed * 7, seed);
      const u = seededUniform(seed * 101);
      const whole = new CbpeWindow();
      const parts = [new CbpeWindow(), new CbpeWindow(), new CbpeWindow()];
      scores.forEach((s, i) => {
        const p = ref.probability(s);
        whole.add(p, predicted[i] as 0 | 1);
        parts[Math.floor(u() * 3)].add(p, predicted[i] as 0 | 1);
      });
      // Merge in a seed-dependent order, through JSON as the evaluator would.
      const order = seed % 2 === 0 ? [2, 0, 1] : [1, 2, 0];
      const merged = CbpeWindow.fromJSON(JSON.parse(JSON.stringify(parts[order[0]].toJSON())));
      merged.merge(CbpeWindow.fromJSON(JSON.parse(JSON.stringify(parts[order[1]].toJSON()))));
      merged.merge(parts[order[2]]);
      const a = ref.estimate(whole);
      const b = ref.estimate(merged);
      expect(b.count).toBe(a.count);
      for (const key of ['accuracy', 'f1', 'rocAuc'] as const) {
        expect(b[key].value).toBeCloseTo(a[key].value, 12);
        expect(b[key].samplingError).toBeCloseTo(a[key].samplingError, 12);
      }
    }
  });

  it('the reference round-trips through JSON, also when a metric has no relevant reference row', () => {
    const back = CbpeReference.fromJSON(JSON.parse(JSON.stringify(ref.toJSON())));
    const w = new CbpeWindow();
    for (const s of [0.1, 0.4, 0.6, 0.9]) w.add(ref.probability(s), s > 0.5 ? 1 : 0);
    expect(back.estimate(w)).toEqual(ref.estimate(w));
    // All predicted and truly negative: F1 has no TP, FP or FN rows, its sampling error is NaN.
    const allNegative = CbpeReference.fit([0.1, 0.2, 0.3], [0, 0, 0], [0, 0, 0], { calibrate: false });
    const again = CbpeReference.fromJSON(JSON.parse(JSON.stringify(allNegative.toJSON())));
    expect(again.estimate(w).f1.samplingError).toBeNaN();
    expect(() => CbpeReference.fromJSON({ ...ref.toJSON(), aucStd: -1 })).toThrow(/non-negative/);
  });

  it('rejects a state whose bins do not add up', () => {
    const w = new CbpeWindow();
    w.add(0.3, 0);
    const json = w.toJSON();
    json.predictedNegative = [2, 0.6];
    expect(() => CbpeWindow.fromJSON(json)).toThrow(/add up/);
  });
});

describe('CBPE estimates track the realised metric when the scores are calibrated', () => {
  it('estimated accuracy, F1 and ROC AUC fall within the ±3σ band of the realised values', () => {
    const reference = labelled(5000, 4);
    const ref = CbpeReference.fit(reference.scores, reference.predicted, reference.labels);
    // Covariate shift: more mass at low scores, same P(y | s). The estimate must follow it.
    let inside = 0;
    let total = 0;
    for (let seed = 40; seed < 60; seed++) {
      const analysis = labelled(2000, seed, seed % 2 === 0 ? 0 : 0.5);
      const window = new CbpeWindow();
      let correct = 0;
      let tp = 0;
      let fpfn = 0;
      analysis.scores.forEach((s, i) => {
        window.add(ref.probability(s), analysis.predicted[i] as 0 | 1);
        const y = analysis.labels[i];
        const yhat = analysis.predicted[i];
        if (y === yhat) correct += 1;
        if (y === 1 && yhat === 1) tp += 1;
        else if (y !== yhat) fpfn += 1;
      });
      const est = ref.estimate(window);
      const realised = { accuracy: correct / 2000, f1: tp / (tp + fpfn / 2) };
      for (const key of ['accuracy', 'f1'] as const) {
        total += 1;
        if (realised[key] >= est[key].lower && realised[key] <= est[key].upper) inside += 1;
      }
    }
    // ±3σ holds ~99.7 % of the time; allow one miss in 40.
    expect(inside).toBeGreaterThanOrEqual(total - 1);
  });

  it('the estimate drops under covariate shift toward uncertain scores', () => {
    const reference = labelled(5000, 5);
    const ref = CbpeReference.fit(reference.scores, reference.predicted, reference.labels);
    const estimateOf = (shift: number) => {
      const w = new CbpeWindow();
      const a = labelled(3000, 77, shift);
      a.scores.forEach((s, i) => w.add(ref.probability(s), a.predicted[i] as 0 | 1));
      return ref.estimate(w);
    };
    const base = estimateOf(0);
    const shifted = estimateOf(0.7);
    expect(shifted.accuracy.upper).toBeLessThan(base.accuracy.lower);
    expect(shifted.rocAuc.upper).toBeLessThan(base.rocAuc.lower);
  });
});

interface CbpeVectorCase {
  name: string;
  calibrated: boolean;
  reference: { score: number[]; predicted: number[]; label: number[] };
  chunks: Array<{
    score: number[];
    predicted: number[];
    expected: Record<'accuracy' | 'f1' | 'roc_auc', { value: number; sampling_error: number }>;
  }>;
}

const VECTORS = join(__dirname, '..', '..', 'vectors', 'estimation', 'cbpe.json');

describe('CBPE against NannyML (libs/stats/vectors/estimation/generate_cbpe.py)', () => {
  const vectors: { cases: CbpeVectorCase[] } = existsSync(VECTORS)
    ? JSON.parse(readFileSync(VECTORS, 'utf8'))
    : { cases: [] };

  it('has at least three datasets', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(3);
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ref = CbpeReference.fit(c.reference.score, c.reference.predicted, c.reference.label, {
      calibrate: c.calibrated,
    });
    const misses: string[] = [];
    c.chunks.forEach((chunk, k) => {
      const w = new CbpeWindow();
      chunk.score.forEach((s, i) => w.add(ref.probability(s), chunk.predicted[i] as 0 | 1));
      const est = ref.estimate(w);
      // [name, ours, NannyML's, absolute tolerance of the value, relative of the sampling error]
      const pairs = [
        ['accuracy', est.accuracy, chunk.expected.accuracy, 1e-9, 1e-9],
        ['f1', est.f1, chunk.expected.f1, 1e-9, 1e-9],
        // Value: binning p to 1/1000 moves each same-bin pair by ≤ ½ · 10⁻³ of its weight (8.4e-6 seen).
        // Sampling error: on tied reference scores (the car loan's are rounded to 0.01) NannyML's
        // value depends on numpy's unstable sort order; ours is the mean over tie orders (≤ 2 %).
        ['roc_auc', est.rocAuc, chunk.expected.roc_auc, 1e-4, 0.02],
      ] as const;
      for (const [name, got, want, tol, relTol] of pairs) {
        if (Math.abs(got.value - want.value) > tol)
          misses.push(`chunk ${k} ${name}: ${got.value} vs ${want.value}`);
        if (Math.abs(got.samplingError - want.sampling_error) > relTol * want.sampling_error) {
          misses.push(`chunk ${k} ${name} sampling error: ${got.samplingError} vs ${want.sampling_error}`);
        }
      }
    });
    expect(misses).toEqual([]);
  });

  it("'auto' calibration takes NannyML's decision on the models' scores", () => {
    // Not on the already-calibrated probabilities: there both ECEs are noise of the same size and
    // NannyML's decision (calibrate) hangs on its split seed; ours, on other splits, says no.
    for (const c of vectors.cases.filter((v) => !v.name.startsWith('true logistic'))) {
      const ref = CbpeReference.fit(c.reference.score, c.reference.predicted, c.reference.label);
      expect([c.name, ref.calibrator !== null]).toEqual([c.name, c.calibrated]);
    }
  });

  it("sees the car-loan period's drift without labels: estimated accuracy leaves the band of the undrifted chunks", () => {
    const c = vectors.cases.find((v) => v.name.startsWith('nannyml car loan'))!;
    const ref = CbpeReference.fit(c.reference.score, c.reference.predicted, c.reference.label);
    const estimates = c.chunks.map((chunk) => {
      const w = new CbpeWindow();
      chunk.score.forEach((s, i) => w.add(ref.probability(s), chunk.predicted[i] as 0 | 1));
      return ref.estimate(w).accuracy;
    });
    // Chunks 0–1 precede the drift (rows 21 000–25 000), chunks 2–3 follow it.
    expect(Math.max(estimates[2].upper, estimates[3].upper)).toBeLessThan(
      Math.min(estimates[0].lower, estimates[1].lower),
    );
  });
});
