import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryMetrics } from './binary-metrics';
import { LabelDelaySketch, DELAY_RELATIVE_ACCURACY } from './label-delay-sketch';
import { MulticlassMetrics } from './multiclass-metrics';
import { RegressionMetrics } from './regression-metrics';
import { ScoreHistogram } from './score-histogram';

/** scikit-learn / NumPy reference values from libs/stats/vectors/metrics/generate.py. */
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'vectors', 'metrics', 'metrics.json'), 'utf8'),
) as {
  cases: Array<Record<string, unknown> & { kind: string; expected: Record<string, number> }>;
};

function close(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

/** Splits 0..n-1 into three unequal parts, to check that merging partitions changes nothing. */
function thirds(n: number): Array<[number, number]> {
  const a = Math.floor(n / 5);
  const b = Math.floor((n * 3) / 5);
  return [
    [0, a],
    [a, b],
    [b, n],
  ];
}

describe('binary metrics against scikit-learn', () => {
  const cases = vectors.cases.filter((c) => c.kind === 'binary') as unknown as Array<{
    grid: boolean;
    y: number[];
    score: number[];
    expected: Record<string, number>;
  }>;

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const whole = new BinaryMetrics();
    c.y.forEach((y, i) => whole.add(c.score[i], y as 0 | 1));
    const merged = new BinaryMetrics();
    for (const [a, b] of thirds(c.y.length)) {
      const part = new BinaryMetrics();
      for (let i = a; i < b; i++) part.add(c.score[i], c.y[i] as 0 | 1);
      merged.merge(BinaryMetrics.fromJSON(JSON.parse(JSON.stringify(part.toJSON()))));
    }
    for (const metrics of [whole.metrics(), merged.metrics()]) {
      for (const name of ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'brier', 'ece']) {
        close(metrics[name], c.expected[name]);
      }
      // The histogram AUC is within its stated bound of the exact one; exact when scores lie on the bin grid.
      expect(Math.abs(metrics.roc_auc - c.expected.roc_auc)).toBeLessThanOrEqual(
        metrics.roc_auc_max_error + 1e-12,
      );
      if (c.grid) close(metrics.roc_auc, c.expected.roc_auc, 1e-12);
    }
  });

  it('has no AUC with a single class and counts ties as one half', () => {
    const h = new ScoreHistogram();
    h.add(0.3, true);
    expect(Number.isNaN(h.auc().value)).toBe(true);
    h.add(0.3, false);
    expect(h.auc()).toEqual({ value: 0.5, maxError: 0.5 });
    h.add(0.9, true);
    expect(h.auc().value).toBeCloseTo(0.75, 12);
  });
});

describe('multiclass metrics against scikit-learn', () => {
  const cases = vectors.cases.filter((c) => c.kind === 'multiclass') as unknown as Array<{
    classes: string[];
    y: string[];
    proba: number[][];
    expected: Record<string, number>;
  }>;

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const rows = c.proba.map((row) => Object.fromEntries(row.map((p, j) => [c.classes[j], p])));
    const merged = new MulticlassMetrics();
    for (const [a, b] of thirds(c.y.length)) {
      const part = new MulticlassMetrics();
      for (let i = a; i < b; i++) part.add(null, rows[i], c.y[i]);
      merged.merge(MulticlassMetrics.fromJSON(JSON.parse(JSON.stringify(part.toJSON()))));
    }
    const metrics = merged.metrics();
    for (const name of Object.keys(c.expected)) close(metrics[name], c.expected[name]);
  });

  it('uses predictedClass when given and reports no probability metrics without probabilities', () => {
    const m = new MulticlassMetrics();
    m.add('a', {}, 'a');
    m.add('b', {}, 'a');
    m.add('b', {}, 'b');
    const r = m.metrics();
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    // sklearn: precision_score(['a','a','b'], ['a','b','b'], average='macro') = (1 + 0.5) / 2
    expect(r.precision).toBeCloseTo(0.75, 12);
    expect(r.log_loss).toBeUndefined();
  });
});

describe('regression metrics against scikit-learn', () => {
  const c = vectors.cases.find((x) => x.kind === 'regression') as unknown as {
    y: number[];
    predicted: number[];
    expected: Record<string, number>;
  };

  it('MAE, RMSE, MAPE and R² equal scikit-learn, also when merged from parts', () => {
    const merged = new RegressionMetrics();
    for (const [a, b] of thirds(c.y.length)) {
      const part = new RegressionMetrics();
      for (let i = a; i < b; i++) part.add(c.predicted[i], c.y[i]);
      merged.merge(RegressionMetrics.fromJSON(part.toJSON()));
    }
    const metrics = merged.metrics();
    for (const name of ['mae', 'rmse', 'mape', 'r2']) close(metrics[name], c.expected[name], 1e-9);
  });
});

describe('label-delay sketch against NumPy', () => {
  const c = vectors.cases.find((x) => x.kind === 'delay') as unknown as {
    delays: number[];
    expected: Record<string, number>;
  };

  it('quantiles within 1 % of the exact lower quantiles; mean and max exact; merge is exact', () => {
    const whole = new LabelDelaySketch();
    for (const d of c.delays) whole.add(d);
    const merged = new LabelDelaySketch();
    for (const [a, b] of thirds(c.delays.length)) {
      const part = new LabelDelaySketch();
      for (let i = a; i < b; i++) part.add(c.delays[i]);
      merged.merge(LabelDelaySketch.fromJSON(JSON.parse(JSON.stringify(part.toJSON()))));
    }
    expect(merged.toJSON().pos).toEqual(whole.toJSON().pos);
    const s = merged.summary();
    expect(s).not.toBeNull();
    for (const q of ['p50', 'p90', 'p99'] as const) {
      expect(Math.abs(s![q] - c.expected[q])).toBeLessThanOrEqual(
        DELAY_RELATIVE_ACCURACY * Math.abs(c.expected[q]) + 1,
      );
    }
    expect(s!.max).toBe(c.expected.max);
    close(s!.mean, c.expected.mean, 1e-12);
  });

  it('places negative delays (label first) below zero', () => {
    const s = new LabelDelaySketch();
    for (const d of [-5000, -100, 0, 200, 300]) s.add(d);
    expect(s.quantile(0)).toBeCloseTo(-5000, -2);
    expect(s.quantile(0.5)).toBe(0);
    expect(s.summary()?.max).toBe(300);
    expect(new LabelDelaySketch().summary()).toBeNull();
  });
});
