import * as tf from '@tensorflow/tfjs-core';
import { initTfjsBackend } from '../backend/tfjs-backend';
import { createEngine, MLP_TFJS_THRESHOLD } from './create-engine';
import { SeededRandom } from '../random';
import type { NetworkEngine, TrainBatch } from './engine';
import { HybridNetwork } from './hybrid-network';
import { JsNetwork } from './js-network';
import { resolveOptimizer, type OptimizerConfig } from './optimizer';
import { flattenParameters, initialParameters, type NetworkSpec } from './spec';
import { TfjsNetwork } from './tfjs-network';

const SPECS: NetworkSpec[] = [
  { inputSize: 6, hidden: [], activation: 'linear', outputSize: 1, head: 'logistic' },
  { inputSize: 6, hidden: [], activation: 'linear', outputSize: 3, head: 'softmax' },
  { inputSize: 6, hidden: [], activation: 'linear', outputSize: 1, head: 'identity' },
  { inputSize: 6, hidden: [8, 5], activation: 'tanh', outputSize: 1, head: 'logistic' },
  { inputSize: 6, hidden: [7], activation: 'sigmoid', outputSize: 3, head: 'softmax' },
  { inputSize: 6, hidden: [9], activation: 'relu', outputSize: 2, head: 'identity' },
];

const OPTIMIZERS: OptimizerConfig[] = [
  { type: 'sgd', learningRate: 0.1 },
  { type: 'sgd', learningRate: 0.05, momentum: 0.9, decay: 'invscaling', power: 0.5 },
  { type: 'adam', learningRate: 0.01 },
];

function name(spec: NetworkSpec): string {
  return `${spec.hidden.length ? `mlp[${spec.hidden.join(',')}] ${spec.activation}` : 'linear'} ${spec.head}`;
}

function batchFor(spec: NetworkSpec, rows: number, seed: number, weighted = false): TrainBatch {
  const rng = new SeededRandom(seed);
  const x = Float32Array.from({ length: rows * spec.inputSize }, () => rng.normal());
  const width = spec.head === 'identity' ? spec.outputSize : 1;
  const y = Float32Array.from({ length: rows * width }, () =>
    spec.head === 'softmax' ? rng.int(spec.outputSize) : spec.head === 'logistic' ? rng.int(2) : rng.normal(),
  );
  const weights = weighted ? Float32Array.from({ length: rows }, () => rng.uniform(0.1, 2)) : null;
  return { x, rows, y, weights };
}

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((p, i) => p.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

describe.each(['cpu', 'wasm'] as const)('engines on tfjs-%s', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend([backend]);
  });

  describe.each(SPECS.map((s) => [name(s), s] as const))('%s', (_, spec) => {
    it('back-propagates the gradient of the objective (central differences, float64)', () => {
      const l2 = 0.03;
      const net = new JsNetwork({
        spec,
        optimizer: resolveOptimizer({ type: 'sgd', learningRate: 0.1 }),
        l2,
        parameters: initialParameters(spec.hidden.length ? spec : { ...spec }, 5).map((p) =>
          p.map((_, i) => Math.sin(i + 1) * 0.3),
        ),
      });
      const batch = batchFor(spec, 7, 11, true);
      const objective = net.createObjective(batch);
      const x = flattenParameters(net.getParameters());
      const g = new Float64Array(x.length);
      objective.evaluate(x, g);
      const h = 1e-6;
      const tmp = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        x[i] += h;
        const fp = objective.evaluate(x, tmp);
        x[i] -= 2 * h;
        const fm = objective.evaluate(x, tmp);
        x[i] += h;
        expect(g[i]).toBeCloseTo((fp - fm) / (2 * h), 6);
      }
    });

    it.each(
      OPTIMIZERS.map((o) => [o.type + (o.type === 'sgd' && o.momentum ? '+momentum' : ''), o] as const),
    )('trains identically (to float32 rounding) on the TypeScript and tfjs engines: %s', (_, opt) => {
      const init = {
        spec,
        optimizer: resolveOptimizer(opt),
        l2: 0.01,
        parameters: initialParameters(spec, 3),
      };
      const js = new JsNetwork(init);
      const tf = new TfjsNetwork(init);
      expect(tf.name).toBe(`tfjs-${backend}`);
      try {
        for (const [step, rows] of [1, 5, 32, 3, 64, 1, 17, 8].entries()) {
          const batch = batchFor(spec, rows, 100 + step, step % 2 === 1);
          js.trainStep(batch);
          tf.trainStep(batch);
        }
        expect(maxDiff(js.getParameters(), tf.getParameters())).toBeLessThan(2e-5);
        const state = [js.getOptimizerState(), tf.getOptimizerState()];
        expect(state[0].step).toBe(8);
        expect(state[1].step).toBe(8);
        state[0].slots.forEach((slot, k) => expect(maxDiff(slot, state[1].slots[k])).toBeLessThan(2e-5));
        const probe = batchFor(spec, 20, 999);
        const pj = js.predict(probe.x, 20);
        const pt = tf.predict(probe.x, 20);
        pj.forEach((v, i) => expect(v).toBeCloseTo(pt[i], 4));
        expect(js.loss(probe)).toBeCloseTo(tf.loss(probe), 4);
      } finally {
        tf.dispose();
      }
    });

    it('evaluates the same full-batch objective and gradient on both engines', () => {
      const init = {
        spec,
        optimizer: resolveOptimizer({ type: 'sgd', learningRate: 0.1 }),
        l2: 0.02,
        parameters: initialParameters(spec, 8),
      };
      const js = new JsNetwork(init);
      const tf = new TfjsNetwork(init);
      const batch = batchFor(spec, 50, 21, true);
      const oj = js.createObjective(batch);
      const ot = tf.createObjective(batch);
      const x = flattenParameters(init.parameters);
      const gj = new Float64Array(x.length);
      const gt = new Float64Array(x.length);
      expect(ot.evaluate(x, gt)).toBeCloseTo(oj.evaluate(x, gj), 5);
      gj.forEach((v, i) => expect(gt[i]).toBeCloseTo(v, 5));
      ot.dispose();
      tf.dispose();
    });
  });

  it('releases every tensor it creates', () => {
    const before = tf.memory().numTensors;
    for (const spec of SPECS) {
      const net = new TfjsNetwork({
        spec,
        optimizer: resolveOptimizer({ type: 'adam', learningRate: 0.01 }),
        l2: 0.1,
        parameters: initialParameters(spec, 1),
      });
      const batch = batchFor(spec, 10, 1, true);
      net.trainStep(batch);
      net.predict(batch.x, 10);
      net.loss(batch);
      const objective = net.createObjective(batch);
      const x = flattenParameters(net.getParameters());
      objective.evaluate(x, new Float64Array(x.length));
      objective.dispose();
      net.setParameters(net.getParameters());
      net.setOptimizerState(net.getOptimizerState());
      net.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`'auto' picks the engine measured fastest for this backend`, () => {
    const init = (spec: NetworkSpec) => ({
      spec,
      optimizer: resolveOptimizer({ type: 'sgd', learningRate: 0.1 }),
      l2: 0,
      parameters: initialParameters(spec, 1),
    });
    const linear = createEngine('auto', init(SPECS[0]));
    const mlp = createEngine('auto', init(SPECS[3]));
    expect(linear).toBeInstanceOf(JsNetwork);
    if (backend === 'cpu') expect(mlp).toBeInstanceOf(JsNetwork);
    else expect((mlp as HybridNetwork).threshold).toBe(MLP_TFJS_THRESHOLD);
    linear.dispose();
    mlp.dispose();
  });

  it('the hybrid engine moves parameters and optimizer state between engines without changing results', () => {
    const spec = SPECS[3];
    const init = {
      spec,
      optimizer: resolveOptimizer({ type: 'adam', learningRate: 0.01 }),
      l2: 0,
      parameters: initialParameters(spec, 1),
    };
    const hybrid = new HybridNetwork(init, 16);
    const js = new JsNetwork(init);
    for (const [step, rows] of [4, 40, 2, 64, 1].entries()) {
      const batch = batchFor(spec, rows, step);
      hybrid.trainStep(batch);
      js.trainStep(batch);
    }
    expect(hybrid.name).toContain(`tfjs-${backend}`);
    expect(maxDiff(hybrid.getParameters(), js.getParameters())).toBeLessThan(2e-5);
    expect(hybrid.getOptimizerState().step).toBe(5);
    // Replacing parameters keeps the optimizer state wherever it lived.
    hybrid.trainStep(batchFor(spec, 64, 9));
    js.trainStep(batchFor(spec, 64, 9));
    hybrid.setParameters(hybrid.getParameters());
    const [hs, js2] = [hybrid.getOptimizerState(), js.getOptimizerState()];
    expect(hs.step).toBe(6);
    hs.slots.forEach((slot, k) => expect(maxDiff(slot, js2.slots[k])).toBeLessThan(2e-5));
    hybrid.dispose();
  });
});

describe('engine determinism and checks', () => {
  it('gives bit-identical parameters for the same seed and data', () => {
    const run = (engine: 'js' | 'tfjs'): Float32Array[] => {
      const spec = SPECS[4];
      const init = {
        spec,
        optimizer: resolveOptimizer({ type: 'adam', learningRate: 0.01 }),
        l2: 0.001,
        parameters: initialParameters(spec, 77),
      };
      const net: NetworkEngine = engine === 'js' ? new JsNetwork(init) : new TfjsNetwork(init);
      for (let s = 0; s < 10; s++) net.trainStep(batchFor(spec, 16, s));
      const p = net.getParameters();
      net.dispose();
      return p;
    };
    expect(run('js')).toEqual(run('js'));
    expect(run('tfjs')).toEqual(run('tfjs'));
  });

  it('initialises from the seed: same seed same weights, zero for linear models', () => {
    const mlp = SPECS[3];
    expect(initialParameters(mlp, 1)).toEqual(initialParameters(mlp, 1));
    expect(initialParameters(mlp, 1)[0]).not.toEqual(initialParameters(mlp, 2)[0]);
    expect(initialParameters(SPECS[0], 1).every((p) => p.every((v) => v === 0))).toBe(true);
  });

  it('refuses parameters of the wrong shape, naming the tensor', () => {
    const spec = SPECS[0];
    const opt = resolveOptimizer({ type: 'sgd', learningRate: 0.1 });
    expect(
      () =>
        new JsNetwork({
          spec,
          optimizer: opt,
          l2: 0,
          parameters: [new Float32Array(5), new Float32Array(1)],
        }),
    ).toThrow(/dense_0\/kernel.*6 values/);
  });

  it('refuses a bad optimizer config', () => {
    expect(() => resolveOptimizer({ type: 'sgd', learningRate: -1 })).toThrow(/learningRate/);
    expect(() => resolveOptimizer({ type: 'adam', learningRate: 0.1, beta1: 1 })).toThrow(/beta1/);
    expect(() => resolveOptimizer({ type: 'rmsprop', learningRate: 0.1 } as never)).toThrow(/optimizer.type/);
  });
});
