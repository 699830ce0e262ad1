import { initTfjsBackend } from '../backend/tfjs-backend';
import { ConfigurationError, InvalidInputError } from '../errors';
import type { LabelledExample } from '../example';
import { FeaturePipeline } from '../features/feature-pipeline';
import { SeededRandom } from '../random';
import { LinearRegression, LogisticRegression, SoftmaxRegression } from './linear-models';
import { MultilayerPerceptron } from './mlp';

const FEATURES = {
  features: [
    { name: 'x0', type: 'numeric' as const },
    { name: 'x1', type: 'numeric' as const },
    { name: 'colour', type: 'one-hot' as const, vocabulary: ['red', 'green', 'blue'] },
  ],
};

/** A seeded binary problem: y = 1 when x0 + x1 + (colour == red) > 0.5, with a little noise. */
function binaryData(n: number, seed: number, shift = 0): LabelledExample[] {
  const rng = new SeededRandom(seed);
  const colours = ['red', 'green', 'blue'];
  return Array.from({ length: n }, (_, i) => {
    const x0 = rng.normal() + shift;
    const x1 = rng.normal() * 2;
    const colour = colours[rng.int(3)];
    const z = x0 + 0.5 * x1 + (colour === 'red' ? 1 : 0) - 0.5;
    const label = rng.next() < 0.05 ? (z > 0 ? 'no' : 'yes') : z > 0 ? 'yes' : 'no';
    return { timestamp: i, numeric: { x0, x1 }, categorical: { colour }, label };
  });
}

function accuracy(model: { predict(e: LabelledExample[]): unknown[] }, data: LabelledExample[]): number {
  const p = model.predict(data);
  return p.filter((v, i) => v === data[i].label).length / data.length;
}

describe('models', () => {
  beforeAll(async () => {
    await initTfjsBackend(['cpu']);
  });

  it('logistic regression learns online from micro-batches, string classes, and predicts probabilities', () => {
    const model = new LogisticRegression({
      features: FEATURES,
      classes: ['no', 'yes'],
      optimizer: { type: 'sgd', learningRate: 0.1 },
    });
    const train = binaryData(4000, 1);
    const test = binaryData(1000, 2);
    for (let i = 0; i < train.length; i += 8) model.partialFit(train.slice(i, i + 8));
    expect(model.examplesSeen).toBe(4000);
    expect(accuracy(model, test)).toBeGreaterThan(0.85);
    const proba = model.predictProba(test.slice(0, 3));
    expect(proba.length).toBe(6);
    for (let r = 0; r < 3; r++) expect(proba[2 * r] + proba[2 * r + 1]).toBeCloseTo(1, 6);
    expect(model.engineName).toBe('js');
  });

  it('fit from scratch ignores earlier training; fineTune continues from the current weights', () => {
    const data = binaryData(2000, 3);
    const a = new LogisticRegression({ features: FEATURES, classes: ['no', 'yes'], seed: 5 });
    a.partialFit(binaryData(500, 4, 3));
    const reportA = a.fit(data);
    const b = new LogisticRegression({ features: FEATURES, classes: ['no', 'yes'], seed: 5 });
    b.fit(data);
    expect(a.getParameters()).toEqual(b.getParameters());
    expect(reportA.examples).toBe(2000);
    expect(a.examplesSeen).toBe(2000);

    // Warm start: a clone fine-tuned on shifted data moves away from its parent, the parent is untouched.
    const parentParams = a.getParameters();
    const child = a.clone();
    const before = child.loss(binaryData(1000, 9, 1.5));
    const report = child.fineTune(binaryData(1000, 8, 1.5), {
      solver: 'minibatch',
      epochs: 3,
      batchSize: 32,
    });
    expect(report.solver).toBe('minibatch');
    expect(report.iterations).toBe(3 * Math.ceil(1000 / 32));
    expect(child.loss(binaryData(1000, 9, 1.5))).toBeLessThan(before);
    expect(a.getParameters()).toEqual(parentParams);
    expect(child.getParameters()).not.toEqual(parentParams);
    // fineTune keeps the parent's standardisation unless asked.
    expect(child.pipeline.moments('x0')).toEqual(a.pipeline.moments('x0'));
  });

  it('is deterministic: same seed and data give bit-identical weights, on each engine', () => {
    for (const engine of ['js', 'tfjs'] as const) {
      const run = () => {
        const m = new MultilayerPerceptron({
          features: FEATURES,
          task: 'binary',
          classes: ['no', 'yes'],
          hiddenLayers: [6],
          seed: 11,
          engine,
        });
        m.fit(binaryData(300, 12), { epochs: 2, batchSize: 16 });
        m.partialFit(binaryData(20, 13));
        const p = m.getParameters();
        m.dispose();
        return p;
      };
      expect(run()).toEqual(run());
    }
  });

  it('softmax regression separates three classes', () => {
    const rng = new SeededRandom(21);
    const centres = { a: [2, 0], b: [-2, 0], c: [0, 3] } as const;
    const make = (n: number) =>
      Array.from({ length: n }, () => {
        const label = (['a', 'b', 'c'] as const)[rng.int(3)];
        const [cx, cy] = centres[label];
        return { numeric: { x0: cx + rng.normal(), x1: cy + rng.normal() }, label };
      });
    const model = new SoftmaxRegression({
      features: {
        features: [
          { name: 'x0', type: 'numeric' },
          { name: 'x1', type: 'numeric' },
        ],
      },
      classes: ['a', 'b', 'c'],
    });
    model.fit(make(600));
    const test = make(300);
    expect(accuracy(model, test)).toBeGreaterThan(0.9);
    const proba = model.predictProba(test.slice(0, 1));
    expect(proba[0] + proba[1] + proba[2]).toBeCloseTo(1, 6);
  });

  it('linear regression fits, learns online, and predicts numbers', () => {
    const rng = new SeededRandom(31);
    const make = (n: number) =>
      Array.from({ length: n }, () => {
        const x0 = rng.normal() * 10 + 50;
        const x1 = rng.normal();
        return { numeric: { x0, x1 }, label: 3 * x0 - 2 * x1 + 7 + rng.normal() * 0.1 };
      });
    const features = {
      features: [
        { name: 'x0', type: 'numeric' as const },
        { name: 'x1', type: 'numeric' as const },
      ],
    };
    const batch = new LinearRegression({ features });
    batch.fit(make(500));
    const online = new LinearRegression({ features, optimizer: { type: 'sgd', learningRate: 0.05 } });
    const stream = make(5000);
    for (let i = 0; i < stream.length; i += 10) online.partialFit(stream.slice(i, i + 10));
    const test = make(200);
    for (const m of [batch, online]) {
      const p = m.predict(test);
      const rmse = Math.sqrt(p.reduce((s, v, i) => s + (v - (test[i].label as number)) ** 2, 0) / p.length);
      expect(rmse).toBeLessThan(0.5);
    }
    // Unstandardised column space: x0's coefficient is 3 / std(x0) after standardisation.
    expect(batch.coefficients().columns).toEqual(['x0', 'x1']);
  });

  it('an MLP learns XOR, which no linear model can', () => {
    const rng = new SeededRandom(41);
    const make = (n: number) =>
      Array.from({ length: n }, () => {
        const a = rng.next() < 0.5 ? 0 : 1;
        const b = rng.next() < 0.5 ? 0 : 1;
        return { numeric: { a: a + rng.normal() * 0.1, b: b + rng.normal() * 0.1 }, label: a ^ b };
      });
    const features = {
      features: [
        { name: 'a', type: 'numeric' as const },
        { name: 'b', type: 'numeric' as const },
      ],
    };
    const mlp = new MultilayerPerceptron({
      features,
      task: 'binary',
      hiddenLayers: [8],
      activation: 'tanh',
      seed: 1,
      optimizer: { type: 'adam', learningRate: 0.05 },
    });
    mlp.fit(make(400), { epochs: 40, batchSize: 16 });
    const linear = new LogisticRegression({ features });
    linear.fit(make(400));
    const test = make(400);
    expect(accuracy(mlp, test)).toBeGreaterThan(0.95);
    expect(accuracy(linear, test)).toBeLessThan(0.7);
  });

  it('MLP regression and multiclass heads train with L-BFGS too', () => {
    const rng = new SeededRandom(51);
    const data = Array.from({ length: 300 }, () => {
      const x = rng.uniform(-2, 2);
      return { numeric: { x }, label: Math.sin(x) };
    });
    const mlp = new MultilayerPerceptron({
      features: { features: [{ name: 'x', type: 'numeric' }] },
      task: 'regression',
      hiddenLayers: [16],
      activation: 'tanh',
    });
    const report = mlp.fit(data, { solver: 'lbfgs', maxIterations: 300 });
    expect(report.loss).toBeLessThan(0.005);
    expect(mlp.predict([{ numeric: { x: 1 } }])[0]).toBeCloseTo(Math.sin(1), 1);
  });

  it('uses sample weights: a zero weight removes an example from the objective', () => {
    const data = binaryData(400, 61);
    const features = {
      features: [
        { name: 'x0', type: 'numeric' as const, standardize: false },
        { name: 'x1', type: 'numeric' as const, standardize: false },
        { name: 'colour', type: 'one-hot' as const, vocabulary: ['red', 'green', 'blue'] },
      ],
    };
    const withZero = data.map((e, i) => ({ ...e, weight: i % 2 === 0 ? 1 : 0 }));
    const onlyEven = data.filter((_, i) => i % 2 === 0);
    // The loss is a mean over all n rows, so halving n doubles the penalty's relative weight.
    const a = new LogisticRegression({ features, classes: ['no', 'yes'], l2: 0.01 });
    const b = new LogisticRegression({ features, classes: ['no', 'yes'], l2: 0.02 });
    a.fit(withZero);
    b.fit(onlyEven);
    const [wa, wb] = [a.getParameters(), b.getParameters()];
    wa.forEach((p, i) => p.forEach((v, j) => expect(v).toBeCloseTo(wb[i][j], 4)));
  });

  it('refuses bad labels, batches and options with errors naming them', () => {
    const model = new LogisticRegression({ features: FEATURES, classes: ['no', 'yes'] });
    const ok = binaryData(2, 1);
    expect(() => model.partialFit([ok[0], { ...ok[1], label: 'maybe' }])).toThrow(
      new InvalidInputError('examples[1].label', "unknown class 'maybe' (classes: no, yes)"),
    );
    expect(() => model.partialFit([{ ...ok[0], weight: -1 }])).toThrow(/examples\[0\]\.weight/);
    expect(() => model.fit([])).toThrow(/dataset: is empty/);
    expect(() => model.partialFit('nope' as never)).toThrow(InvalidInputError);
    expect(() => new LinearRegression({ features: FEATURES }).partialFit([{ ...ok[0], label: 'x' }])).toThrow(
      /expected a finite number, got 'x'/,
    );
    expect(() => new LogisticRegression({ features: FEATURES, classes: ['a'] as never })).toThrow(
      ConfigurationError,
    );
    expect(() => new SoftmaxRegression({ features: FEATURES, classes: ['a', 'a'] })).toThrow(
      /duplicate class/,
    );
    expect(() => new LogisticRegression({ features: FEATURES, l2: -1 })).toThrow(/l2/);
    expect(() => new LogisticRegression({ features: FEATURES, engine: 'gpu' as never })).toThrow(/engine/);
    expect(() => new MultilayerPerceptron({ features: FEATURES, task: 'ranking' as never })).toThrow(/task/);
    expect(() => new MultilayerPerceptron({ features: FEATURES, task: 'binary', hiddenLayers: [] })).toThrow(
      /hiddenLayers/,
    );
    expect(() => model.fit(binaryData(10, 1), { solver: 'newton' as never })).toThrow(/solver/);
    expect(() => new LinearRegression({ features: FEATURES }).predictProba(ok)).toThrow(/no classes/);
  });

  it('accepts a pipeline instance and keeps its own copy', () => {
    const pipeline = new FeaturePipeline(FEATURES);
    const model = new LogisticRegression({ features: pipeline, classes: ['no', 'yes'] });
    model.partialFit(binaryData(50, 1));
    expect(pipeline.moments('x0').n).toBe(0);
    expect(model.pipeline.moments('x0').n).toBe(50);
  });

  it('binary labels accept booleans and numeric strings', () => {
    const model = new LogisticRegression({ features: { features: [{ name: 'x', type: 'numeric' }] } });
    expect(
      Array.from(model.encodeLabels([{ label: true }, { label: false }, { label: '1' }, { label: 0 }])),
    ).toEqual([1, 0, 1, 0]);
  });
});

describe('toLayersModel', () => {
  it('exports the network as a tfjs-layers Sequential that predicts the same', async () => {
    const { toLayersModel } = await import('./layers-export');
    const tf = await import('@tensorflow/tfjs-core');
    const features = {
      features: [
        { name: 'a', type: 'numeric' as const },
        { name: 'b', type: 'numeric' as const },
      ],
    };
    const rng = new SeededRandom(71);
    const data = Array.from({ length: 64 }, () => {
      const a = rng.normal();
      const b = rng.normal();
      return { numeric: { a, b }, label: ['x', 'y', 'z'][a > 0 ? (b > 0 ? 0 : 1) : 2] };
    });
    for (const model of [
      new MultilayerPerceptron({
        features,
        task: 'multiclass',
        classes: ['x', 'y', 'z'],
        hiddenLayers: [5, 4],
        activation: 'tanh',
      }),
      new LogisticRegression({ features, classes: ['x', 'y'] }),
    ]) {
      model.fit(model.task === 'binary' ? data.filter((d) => d.label !== 'z') : data, { epochs: 2 });
      const x = model.pipeline.transform(data);
      const seq = toLayersModel(model);
      const out = seq.predict(tf.tensor2d(x, [data.length, 2])) as import('@tensorflow/tfjs-core').Tensor;
      const expected = model.predictEncoded(x, data.length);
      Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      out.dispose();
      seq.dispose();
    }
  });
});
