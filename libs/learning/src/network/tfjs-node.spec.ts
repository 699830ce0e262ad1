import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { nativeBindingStatus, useTfjsBackend } from '../backend/tfjs-backend';
import { decodeModelArtifact, encodeModelArtifact } from '../artifacts/model-artifact';
import type { LabelledExample } from '../example';
import { LogisticRegression } from '../models/linear-models';
import { MultilayerPerceptron } from '../models/mlp';
import type { Model } from '../models/model';
import { SeededRandom } from '../random';
import {
  chooseAutoEngine,
  createEngine,
  MLP_NATIVE_MIN_PARAMETERS,
  MLP_NATIVE_SMALL_THRESHOLD,
  MLP_NATIVE_THRESHOLD,
  MLP_TFJS_THRESHOLD,
} from './create-engine';
import { HybridNetwork } from './hybrid-network';
import { JsNetwork } from './js-network';
import { resolveOptimizer } from './optimizer';
import { initialParameters, parameterCount, type NetworkSpec } from './spec';
import { TfjsNetwork } from './tfjs-network';

// The native backend (@tensorflow/tfjs-node) is an opt-in install (tools/tfjs-node-install,
// ~600 MB). Its tests run where it is installed and are reported as skipped, with the reason,
// where it is not; `npm run test:tfjs-node -w @continuum/learning` runs them and fails instead.
const ROOT = resolve(__dirname, '../../../..');
const native = nativeBindingStatus();
const requireNative = process.env.TFJS_NODE_REQUIRED === '1';
if (!native.loaded && !requireNative)
  console.warn(`SKIPPED: the native tfjs-node tests (${native.reason}); opt in: tools/tfjs-node-install`);
const describeNative = native.loaded || requireNative ? describe : describe.skip;

const mlpSpec = (hidden: number[]): NetworkSpec => ({
  inputSize: 20,
  hidden,
  activation: 'relu',
  outputSize: 1,
  head: 'logistic',
});

describe('engine: auto (chooseAutoEngine)', () => {
  const small = mlpSpec([8]);
  const large = mlpSpec([256]);
  const linear: NetworkSpec = { ...small, hidden: [] };
  const never = (): boolean => {
    throw new Error('must not load the native backend for this model');
  };

  it('the sizes tested fall on both sides of the measured boundary', () => {
    expect(parameterCount(small)).toBeLessThan(MLP_NATIVE_MIN_PARAMETERS);
    expect(parameterCount(large)).toBeGreaterThanOrEqual(MLP_NATIVE_MIN_PARAMETERS);
  });

  it('linear models stay on js whatever the backend, and never load tfjs-node', () => {
    for (const backend of [null, 'cpu', 'wasm', 'tensorflow'])
      expect(chooseAutoEngine(linear, backend, never)).toEqual({ engine: 'js' });
  });

  it('keeps a backend someone chose: wasm and cpu never switch to native', () => {
    for (const spec of [small, large]) {
      expect(chooseAutoEngine(spec, 'wasm', never)).toEqual({
        engine: 'hybrid',
        backend: 'wasm',
        threshold: MLP_TFJS_THRESHOLD,
      });
      expect(chooseAutoEngine(spec, 'cpu', never)).toEqual({ engine: 'js' });
    }
  });

  it('on the native backend, large MLPs move to tfjs from MLP_NATIVE_THRESHOLD rows, small ones much later', () => {
    expect(chooseAutoEngine(large, 'tensorflow', never)).toMatchObject({ threshold: MLP_NATIVE_THRESHOLD });
    expect(chooseAutoEngine(small, 'tensorflow', never)).toMatchObject({
      threshold: MLP_NATIVE_SMALL_THRESHOLD,
    });
    expect(MLP_NATIVE_SMALL_THRESHOLD).toBeGreaterThan(MLP_NATIVE_THRESHOLD);
  });

  it('with no backend yet, only a large MLP asks for (and so loads) tfjs-node, and uses it if installed', () => {
    expect(chooseAutoEngine(small, null, never)).toEqual({ engine: 'js' });
    expect(chooseAutoEngine(large, null, () => false)).toEqual({ engine: 'js' });
    expect(chooseAutoEngine(large, null, () => true)).toEqual({
      engine: 'hybrid',
      backend: 'tensorflow',
      threshold: MLP_NATIVE_THRESHOLD,
    });
  });
});

describe("engine: 'tfjs-node' without the install", () => {
  it('fails with BackendUnavailableError telling to run tools/tfjs-node-install', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-tfjs-node-'));
    try {
      const script = `
        const { MultilayerPerceptron } = require('./libs/learning/src/index.ts');
        try {
          new MultilayerPerceptron({ features: { features: [{ name: 'x', type: 'numeric' }] }, task: 'binary', engine: 'tfjs-node' });
          process.stdout.write('no error');
        } catch (e) { process.stdout.write(e.constructor.name + ': ' + e.message); }
      `;
      const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          CONTINUUM_TFJS_NODE_DIR: empty,
          SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json'),
        },
      });
      expect(out).toMatch(/^BackendUnavailableError: backend 'tensorflow': .*not installed/);
      expect(out).toContain('run tools/tfjs-node-install');
      expect(out).toContain(empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000); // a fresh Node process compiling the library
});

const FEATURES = {
  features: [
    { name: 'a', type: 'numeric' as const },
    { name: 'b', type: 'numeric' as const, missingIndicator: true },
    { name: 'city', type: 'one-hot' as const, vocabulary: ['paris', 'oslo'], unknown: 'other' as const },
  ],
};

function data(n: number, seed: number): LabelledExample[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = rng.normal();
    const b = rng.next() < 0.1 ? null : rng.normal() * 2;
    const city = ['paris', 'oslo', 'rome'][rng.int(3)];
    const z = a - (b ?? 0) / 2 + (city === 'oslo' ? 0.7 : 0);
    return { numeric: { a, b }, categorical: { city }, label: z > 0 ? 1 : 0 };
  });
}

const makeMlp = (engine: 'js' | 'tfjs' | 'tfjs-node'): Model =>
  new MultilayerPerceptron({
    features: FEATURES,
    task: 'binary',
    hiddenLayers: [16, 8],
    seed: 5,
    optimizer: { type: 'adam', learningRate: 0.01 },
    engine,
  });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const nativeTitle = native.loaded
  ? `native backend (tfjs-node from ${native.from})`
  : 'native backend (tfjs-node NOT INSTALLED, skipped: run tools/tfjs-node-install)';
describeNative(nativeTitle, () => {
  // Loading libtensorflow and fitting take seconds on a loaded 2-core machine.
  jest.setTimeout(120_000);
  const probe = data(200, 99);

  it("engine: 'tfjs-node' runs on the tensorflow backend", () => {
    const model = makeMlp('tfjs-node');
    expect(model.engineName).toBe('tfjs-tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
    model.partialFit(data(64, 1));
    expect(model.predictProba(probe).every((p) => p >= 0 && p <= 1)).toBe(true);
    model.dispose();
  });

  it('trains step for step like the TypeScript engine (float32 rounding)', () => {
    const spec: NetworkSpec = {
      inputSize: 6,
      hidden: [8, 5],
      activation: 'tanh',
      outputSize: 3,
      head: 'softmax',
    };
    const init = {
      spec,
      optimizer: resolveOptimizer({ type: 'adam', learningRate: 0.01 }),
      l2: 0.01,
      parameters: initialParameters(spec, 2),
    };
    createEngine('tfjs-node', init).dispose(); // activates the native backend
    const tfNet = new TfjsNetwork(init);
    const jsNet = new JsNetwork(init);
    expect(tfNet.name).toBe('tfjs-tensorflow');
    const rng = new SeededRandom(4);
    for (const rows of [1, 7, 32, 3, 300]) {
      const x = Float32Array.from({ length: rows * 6 }, () => rng.normal());
      const y = Float32Array.from({ length: rows }, () => rng.int(3));
      const weights = Float32Array.from({ length: rows }, () => rng.uniform(0.5, 2));
      tfNet.trainStep({ x, rows, y, weights });
      jsNet.trainStep({ x, rows, y, weights });
    }
    const a = tfNet.getParameters();
    const b = jsNet.getParameters();
    a.forEach((p, i) => expect(maxAbsDiff(p, b[i])).toBeLessThan(2e-5));
    tfNet.dispose();
    jsNet.dispose();
  });

  it('an artifact trained on native predicts the same on js and on tfjs-wasm, and back', async () => {
    const onNative = makeMlp('tfjs-node');
    onNative.fit(data(500, 2), { epochs: 3 });
    const fromNative = encodeModelArtifact(onNative);
    const nativeProba = onNative.predictProba(probe);
    onNative.dispose();

    const onJs = decodeModelArtifact(fromNative, { engine: 'js' }).model;
    expect(maxAbsDiff(onJs.predictProba(probe), nativeProba)).toBeLessThan(1e-5);
    onJs.dispose();

    await useTfjsBackend('wasm');
    const onWasm = decodeModelArtifact(fromNative, { engine: 'tfjs' }).model;
    expect(onWasm.engineName).toBe('tfjs-wasm');
    expect(maxAbsDiff(onWasm.predictProba(probe), nativeProba)).toBeLessThan(1e-5);
    // The other way: trained on wasm, loaded on native.
    onWasm.partialFit(data(128, 3));
    const fromWasm = encodeModelArtifact(onWasm);
    const wasmProba = onWasm.predictProba(probe);
    onWasm.dispose();
    const backOnNative = decodeModelArtifact(fromWasm, { engine: 'tfjs-node' }).model;
    expect(backOnNative.engineName).toBe('tfjs-tensorflow');
    expect(maxAbsDiff(backOnNative.predictProba(probe), wasmProba)).toBeLessThan(1e-5);
    // Continued training keeps agreeing (the optimizer state travels in the artifact too).
    const backOnJs = decodeModelArtifact(fromWasm, { engine: 'js' }).model;
    const next = data(64, 4);
    backOnNative.partialFit(next);
    backOnJs.partialFit(next);
    expect(maxAbsDiff(backOnNative.predictProba(probe), backOnJs.predictProba(probe))).toBeLessThan(1e-5);
    backOnNative.dispose();
    backOnJs.dispose();
  });

  it('a linear model on native reaches the same coefficients as on js', () => {
    const train = data(400, 6);
    const models = (['js', 'tfjs-node'] as const).map((engine) => {
      const m = new LogisticRegression({ features: FEATURES, engine, l2: 0.01 });
      m.fit(train);
      return m;
    });
    expect(models[1].engineName).toBe('tfjs-tensorflow');
    expect(maxAbsDiff(models[1].predictProba(probe), models[0].predictProba(probe))).toBeLessThan(1e-3);
    models.forEach((m) => m.dispose());
  });

  it("engine: 'auto' on the native backend: hybrid above the measured thresholds", () => {
    createEngine('tfjs-node', {
      spec: mlpSpec([4]),
      optimizer: resolveOptimizer({ type: 'sgd', learningRate: 0.1 }),
      l2: 0,
      parameters: initialParameters(mlpSpec([4]), 1),
    }).dispose();
    for (const [hidden, threshold] of [
      [[256], MLP_NATIVE_THRESHOLD],
      [[8], MLP_NATIVE_SMALL_THRESHOLD],
    ] as const) {
      const spec = mlpSpec([...hidden]);
      const engine = createEngine('auto', {
        spec,
        optimizer: resolveOptimizer({ type: 'sgd', learningRate: 0.1 }),
        l2: 0,
        parameters: initialParameters(spec, 1),
      });
      expect(engine).toBeInstanceOf(HybridNetwork);
      expect((engine as HybridNetwork).threshold).toBe(threshold);
      engine.dispose();
    }
  });
});
