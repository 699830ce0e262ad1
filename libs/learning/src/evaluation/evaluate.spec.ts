import { readStream, readVectors } from '../../test/vectors';
import { LinearRegression, LogisticRegression } from '../models/linear-models';
import { SeededRandom } from '../random';
import type { ClassificationResult, RegressionResult } from './accumulators';
import { PersistenceBaseline, PriorBaseline } from './baselines';
import { holdoutEvaluate, prequentialEvaluate } from './evaluate';

interface RiverStreams {
  streams: Record<
    string,
    {
      rows: number;
      river: Record<string, { accuracy: number; logLoss?: number }>;
    }
  >;
}

const river = readVectors<RiverStreams>('river-prequential.json');
const RIVER_LR = 'StandardScaler|LogisticRegression(SGD(0.01))';

describe("prequential evaluation on River's drifting streams", () => {
  it.each(['sea', 'hyperplane', 'agrawal'])(
    "%s: online logistic regression matches River's StandardScaler|LogisticRegression; persistence matches NoChangeClassifier",
    (name) => {
      const { features, examples } = readStream(name);
      const expected = river.streams[name];
      expect(examples.length).toBe(expected.rows);
      // Same algorithm as River: standardise with running statistics, then one SGD step
      // (learning rate 0.01, zero initial weights) per example, test-then-train.
      const model = new LogisticRegression({
        features: { features: features.map((f) => ({ name: f, type: 'numeric' as const })) },
        optimizer: { type: 'sgd', learningRate: 0.01 },
        engine: 'js',
      });
      const report = prequentialEvaluate(model, examples, { batchSize: 1, curveInterval: 5000 });
      const m = report.model as ClassificationResult;
      expect(report.examples).toBe(expected.rows);
      // float32 weights against River's float64: predictions may differ on a knife edge.
      expect(Math.abs(m.accuracy - expected.river[RIVER_LR].accuracy)).toBeLessThanOrEqual(2 / expected.rows);
      expect(m.logLoss).toBeCloseTo(expected.river[RIVER_LR].logLoss as number, 5);
      // River's NoChangeClassifier predicts nothing for the first example; ours predicts class 0.
      const persistence = report.baselines.persistence as ClassificationResult;
      expect(Math.abs(persistence.accuracy - expected.river.NoChangeClassifier.accuracy)).toBeLessThanOrEqual(
        1 / expected.rows,
      );
      expect(report.curve).toHaveLength(4);
      expect(report.curve[3].examples).toBe(20000);
    },
  );
});

describe('evaluation mechanics', () => {
  it('prequential scores each batch before learning it', () => {
    // A model that has learned nothing predicts 0.5 everywhere: the first batch is scored untrained.
    const features = { features: [{ name: 'x', type: 'numeric' as const }] };
    const data = Array.from({ length: 4 }, (_, i) => ({ numeric: { x: i }, label: 1 }));
    const model = new LogisticRegression({ features });
    const report = prequentialEvaluate(model, data, { batchSize: 4 });
    expect((report.model as ClassificationResult).logLoss).toBeCloseTo(Math.log(2), 6);
    expect(model.examplesSeen).toBe(4);
  });

  it('hold-out evaluation does not train and warms the baselines with the context', () => {
    const rng = new SeededRandom(3);
    const make = (n: number) =>
      Array.from({ length: n }, () => {
        const x = rng.normal();
        return { numeric: { x }, label: 2 * x + 1 + rng.normal() * 0.1 };
      });
    const model = new LinearRegression({ features: { features: [{ name: 'x', type: 'numeric' }] } });
    model.fit(make(200));
    const before = model.getParameters();
    const test = make(100);
    const report = holdoutEvaluate(model, test, { context: [{ label: 42 }] });
    expect(model.getParameters()).toEqual(before);
    const r = report.model as RegressionResult;
    expect(r.rmse).toBeLessThan(0.15);
    expect(r.r2).toBeGreaterThan(0.99);
    // Persistence predicts the context's last label (42) for the first test example.
    const persistence = report.baselines.persistence as RegressionResult;
    expect(persistence.mae).toBeGreaterThan(r.mae);
    expect(report.method).toBe('holdout');
  });

  it('persistence predicts the previous label; prior predicts smoothed frequencies', () => {
    const p = new PersistenceBaseline('multiclass', 3);
    const out = new Float32Array(3);
    p.predictInto(out, 0);
    expect(Array.from(out)).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    p.learn(2);
    p.predictInto(out, 0);
    expect(Array.from(out)).toEqual([0, 0, 1]);
    const prior = new PriorBaseline('binary', 2);
    [1, 1, 0].forEach((t) => prior.learn(t));
    prior.predictInto(out, 0);
    expect(out[0]).toBeCloseTo(3 / 5, 6);
  });

  it('refuses a bad batch size', () => {
    const model = new LogisticRegression({ features: { features: [{ name: 'x', type: 'numeric' }] } });
    expect(() => prequentialEvaluate(model, [], { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => holdoutEvaluate(model, [])).toThrow(/test: is empty/);
  });
});
