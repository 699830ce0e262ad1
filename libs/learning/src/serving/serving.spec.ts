import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ArtifactCorruptError, ArtifactMismatchError, InvalidInputError } from '../errors';
import type { LabelledExample } from '../example';
import { encodeModelArtifact } from '../artifacts/model-artifact';
import { LinearRegression, LogisticRegression, SoftmaxRegression } from '../models/linear-models';
import { MultilayerPerceptron } from '../models/mlp';
import { SeededRandom } from '../random';
import { ContractValidator, contractFromPipeline } from './serving-contract';
import { loadServingModel, ServingError } from './serving-model';
import { outputProblem, syntheticInputs, warmUp } from './warm-up';

const features = {
  features: [
    { name: 'x1', type: 'numeric' as const },
    { name: 'x2', type: 'numeric' as const },
    { name: 'country', type: 'one-hot' as const, vocabulary: ['fr', 'de'], unknown: 'other' as const },
  ],
};

function data(n: number, label: (x1: number, x2: number) => LabelledExample['label']): LabelledExample[] {
  const random = new SeededRandom(7);
  return Array.from({ length: n }, () => {
    const x1 = random.normal() * 3 + 10;
    const x2 = random.normal();
    return {
      numeric: { x1, x2 },
      categorical: { country: random.next() < 0.5 ? 'fr' : 'de' },
      label: label(x1, x2),
    };
  });
}

describe('ServingModel', () => {
  const train = data(400, (x1, x2) => (x1 - 10 + x2 > 0 ? 'yes' : 'no'));

  it('serves a binary model exactly as the trained model predicts, from artifact bytes', () => {
    const model = new LogisticRegression({ features, classes: ['no', 'yes'], seed: 1 });
    model.fit(train);
    const bytes = encodeModelArtifact(model, { modelId: 'churn', version: '3' });
    const serving = loadServingModel(bytes);
    expect(serving.metadata).toMatchObject({ modelId: 'churn', version: '3' });
    expect(serving.task).toBe('binary');
    expect(serving.classes).toEqual(['no', 'yes']);
    expect(serving.engine).toBe('js');
    const inputs = train.slice(0, 50);
    const proba = model.predictProba(inputs);
    const labels = model.predict(inputs);
    const outputs = serving.predict(inputs);
    outputs.forEach((o, r) => {
      expect(o.score).toBe(proba[2 * r + 1]);
      expect(o.predictedClass).toBe(labels[r]);
      expect(o.classProbabilities.yes).toBe(proba[2 * r + 1]);
      expect(o.classProbabilities.no).toBeCloseTo(proba[2 * r], 6);
      expect(outputProblem(serving, o)).toBeNull();
    });
    // The model learned something: most training rows are classified correctly.
    const correct = outputs.filter((o, r) => o.predictedClass === inputs[r].label).length;
    expect(correct).toBeGreaterThan(45);
  });

  it('serves multiclass probabilities with the argmax class, and regression values', () => {
    const multi = new SoftmaxRegression({ features, classes: ['a', 'b', 'c'], seed: 2 });
    multi.fit(data(300, (x1, x2) => (x2 > 0.5 ? 'a' : x1 > 10 ? 'b' : 'c')));
    const servingMulti = loadServingModel(encodeModelArtifact(multi));
    const inputs = train.slice(0, 20);
    const expected = multi.predict(inputs);
    const proba = multi.predictProba(inputs);
    servingMulti.predict(inputs).forEach((o, r) => {
      expect(o.score).toBeNull();
      expect(o.predictedClass).toBe(expected[r]);
      expect(Object.values(o.classProbabilities)).toEqual(Array.from(proba.subarray(3 * r, 3 * r + 3)));
      expect(outputProblem(servingMulti, o)).toBeNull();
    });

    const regression = new LinearRegression({ features, seed: 3 });
    regression.fit(data(300, (x1, x2) => 2 * x1 - x2));
    const servingRegression = loadServingModel(encodeModelArtifact(regression));
    const values = regression.predict(inputs);
    servingRegression.predict(inputs).forEach((o, r) => {
      expect(o).toEqual({ score: values[r], predictedClass: null, classProbabilities: {} });
    });
  });

  it('serves an MLP on the TypeScript engine by default', () => {
    const mlp = new MultilayerPerceptron({
      features,
      task: 'binary',
      classes: [0, 1],
      hiddenLayers: [8],
      seed: 4,
    });
    mlp.fit(
      data(200, (x1) => (x1 > 10 ? 1 : 0)),
      { epochs: 2 },
    );
    const serving = loadServingModel(encodeModelArtifact(mlp));
    expect(serving.engine).toBe('js');
    const inputs = train.slice(0, 10);
    const proba = mlp.predictProba(inputs);
    serving.predict(inputs).forEach((o, r) => expect(o.score).toBeCloseTo(proba[2 * r + 1], 6));
    expect(serving.classes).toEqual(['0', '1']);
  });

  it('refuses bytes whose SHA-256 differs from the expected one, and corrupt or mismatched artifacts', () => {
    const model = new LogisticRegression({ features, classes: ['no', 'yes'], seed: 1 });
    const bytes = encodeModelArtifact(model, { modelId: 'churn' });
    const serving = loadServingModel(bytes);
    expect(loadServingModel(bytes, { sha256: serving.sha256.toUpperCase() }).sha256).toBe(serving.sha256);
    expect(() => loadServingModel(bytes, { sha256: '0'.repeat(64) })).toThrow(ServingError);
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 1] ^= 0xff;
    expect(() => loadServingModel(damaged)).toThrow(ArtifactCorruptError);
    expect(() => loadServingModel(bytes, { expect: { modelId: 'fraud' } })).toThrow(ArtifactMismatchError);
    expect(() => loadServingModel(new Uint8Array([1, 2, 3]))).toThrow(/bad magic bytes|not a Continuum/);
  });

  it('fails predictions after dispose and reports pipeline refusals naming the field', () => {
    const model = new LogisticRegression({
      features: { features: [{ name: 'x1', type: 'numeric', missing: 'error' }] },
      seed: 1,
    });
    const serving = loadServingModel(encodeModelArtifact(model));
    expect(() => serving.predict([{ numeric: {} }])).toThrow(InvalidInputError);
    expect(() => serving.predict([{ numeric: {} }])).toThrow(/x1/);
    expect(serving.predict([])).toEqual([]);
    serving.dispose();
    expect(() => serving.predict([{ numeric: { x1: 1 } }])).toThrow(ServingError);
  });
});

describe('warmUp and output checks', () => {
  it('runs the model on synthetic inputs around the pipeline statistics and reports calls', () => {
    const model = new LogisticRegression({ features, classes: ['no', 'yes'], seed: 1 });
    model.fit(data(200, (x1) => (x1 > 10 ? 'yes' : 'no')));
    const serving = loadServingModel(encodeModelArtifact(model));
    const inputs = syntheticInputs(serving.pipeline, 500, 3);
    const mean = inputs.reduce((s, i) => s + (i.numeric?.x1 ?? 0), 0) / inputs.length;
    expect(mean).toBeGreaterThan(9);
    expect(mean).toBeLessThan(11);
    expect(new Set(inputs.map((i) => i.categorical?.country))).toEqual(new Set(['fr', 'de']));
    expect(syntheticInputs(serving.pipeline, 5, 3)).toEqual(inputs.slice(0, 5));
    let t = 0;
    const report = warmUp(serving, { iterations: 10, batchSizes: [1, 4], now: () => (t += 1) });
    expect(report.calls).toBe(20);
    expect(report.rows).toBe(50);
    expect(report.singleRowP50Ms).toBe(1);
  });

  it('flags outputs out of range and fails a warm-up that produces them', () => {
    const binary = { task: 'binary' as const, classes: ['no', 'yes'] };
    expect(outputProblem(binary, { score: 1.2, predictedClass: 'yes', classProbabilities: {} })).toMatch(
      /not a probability/,
    );
    expect(outputProblem(binary, { score: 0.2, predictedClass: 'maybe', classProbabilities: {} })).toMatch(
      /not one of/,
    );
    expect(
      outputProblem(binary, { score: 0.2, predictedClass: 'no', classProbabilities: { no: 0.5, yes: 0.2 } }),
    ).toMatch(/sum to 0.7/);
    expect(
      outputProblem(
        { task: 'regression', classes: [] },
        { score: NaN, predictedClass: null, classProbabilities: {} },
      ),
    ).toMatch(/not finite/);

    const model = new LinearRegression({ features, seed: 1 });
    const serving = loadServingModel(encodeModelArtifact(model));
    const nanInputs = [{ numeric: { x1: 1e308, x2: 1e308 }, categorical: { country: 'fr' } }];
    // Huge standardised values overflow float32 to Infinity: the warm-up must refuse the model.
    model.setState({
      ...model.getState(),
      parameters: model.getState().parameters.map((p) => p.fill(3e38)),
    });
    const broken = loadServingModel(encodeModelArtifact(model));
    expect(() => warmUp(broken, { iterations: 2, inputs: nanInputs })).toThrow(/out of range/);
    expect(() => warmUp(serving, { iterations: 2 })).not.toThrow();
  });
});

describe('ContractValidator', () => {
  const validator = new ContractValidator({
    features: [
      { name: 'amount', type: 'NUMERIC', required: true, min: 0, max: 1000 },
      { name: 'age', type: 'NUMERIC', required: false, min: null, max: null },
      { name: 'country', type: 'CATEGORICAL', required: true, categories: ['fr', 'de'] },
      { name: 'device', type: 'CATEGORICAL', required: false, categories: [] },
    ],
  });

  it('accepts a conforming input, with optional features absent', () => {
    expect(validator.validate({ numeric: { amount: 10 }, categorical: { country: 'fr' } })).toEqual([]);
    expect(
      validator.validate({ numeric: { amount: 0, age: null }, categorical: { country: 'de', device: 'x' } }),
    ).toEqual([]);
  });

  it('names each violated feature with the kind of violation', () => {
    const violations = validator.validate({
      numeric: { amount: 1001, age: 'old' as unknown as number },
      categorical: { country: 'us', device: 3 as unknown as string },
    });
    expect(violations.map((v) => [v.feature, v.kind])).toEqual([
      ['amount', 'above-max'],
      ['age', 'wrong-type'],
      ['country', 'unknown-category'],
      ['device', 'wrong-type'],
    ]);
    expect(violations[0].message).toBe('amount: 1001 is above the maximum 1000');
    expect(validator.validate({ numeric: { amount: -1 }, categorical: { country: 'fr' } })[0]).toMatchObject({
      feature: 'amount',
      kind: 'below-min',
    });
    expect(validator.validate({ numeric: { amount: NaN }, categorical: {} }).map((v) => v.kind)).toEqual([
      'missing',
      'missing',
    ]);
    expect(
      validator.validate({ numeric: { amount: Infinity }, categorical: { country: 'fr' } })[0].kind,
    ).toBe('not-finite');
    expect(validator.validate({})).toHaveLength(2);
  });

  it('derives a contract from a pipeline: required only where the pipeline refuses missing values', () => {
    const model = new LogisticRegression({
      features: {
        features: [
          { name: 'a', type: 'numeric', missing: 'error' },
          { name: 'b', type: 'numeric' },
          { name: 'c', type: 'one-hot', vocabulary: ['x', 'y'], unknown: 'error', missing: 'error' },
          { name: 'd', type: 'hashed', buckets: 8 },
        ],
      },
    });
    expect(contractFromPipeline(model.pipeline).features).toEqual([
      { name: 'a', type: 'NUMERIC', required: true },
      { name: 'b', type: 'NUMERIC', required: false },
      { name: 'c', type: 'CATEGORICAL', required: true, categories: ['x', 'y'] },
      { name: 'd', type: 'CATEGORICAL', required: false, categories: [] },
    ]);
  });
});

describe('serving without TensorFlow.js', () => {
  it('loads and serves linear models and MLPs on the js engine without loading tfjs', () => {
    const root = resolve(__dirname, '../../../..');
    const script = `
      const { encodeModelArtifact } = require('./libs/learning/src/artifacts/model-artifact');
      const { LogisticRegression } = require('./libs/learning/src/models/linear-models');
      const { MultilayerPerceptron } = require('./libs/learning/src/models/mlp');
      const serving = require('./libs/learning/src/serving');
      const features = { features: [{ name: 'x', type: 'numeric' }] };
      for (const model of [new LogisticRegression({ features }), new MultilayerPerceptron({ features, task: 'binary', classes: [0, 1], engine: 'js' })]) {
        const s = serving.loadServingModel(encodeModelArtifact(model));
        serving.warmUp(s, { iterations: 5 });
      }
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
      process.stdout.write(JSON.stringify(loaded));
    `;
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SWC_NODE_PROJECT: resolve(root, 'tsconfig.base.json') },
    });
    expect(JSON.parse(out)).toEqual([]);
  });
});
