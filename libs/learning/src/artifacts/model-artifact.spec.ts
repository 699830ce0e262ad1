import { createHash } from 'node:crypto';
import { initTfjsBackend } from '../backend/tfjs-backend';
import { ArtifactCorruptError, ArtifactMismatchError } from '../errors';
import type { LabelledExample } from '../example';
import { FeaturePipeline } from '../features/feature-pipeline';
import { LinearRegression, LogisticRegression, SoftmaxRegression } from '../models/linear-models';
import { MultilayerPerceptron } from '../models/mlp';
import type { Model } from '../models/model';
import { SeededRandom } from '../random';
import {
  decodeModelArtifact,
  encodeModelArtifact,
  modelFromArtifactParts,
  modelToArtifactParts,
} from './model-artifact';

const FEATURES = {
  features: [
    { name: 'a', type: 'numeric' as const, missingIndicator: true },
    { name: 'b', type: 'numeric' as const },
    { name: 'city', type: 'one-hot' as const, vocabulary: ['paris', 'oslo'], unknown: 'other' as const },
    { name: 'device', type: 'hashed' as const, buckets: 8 },
  ],
};

function data(n: number, seed: number, label: (z: number) => number | string): LabelledExample[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = rng.next() < 0.1 ? null : rng.normal();
    const b = rng.normal() * 3;
    const city = ['paris', 'oslo', 'rome'][rng.int(3)];
    const z = (a ?? 0) + b / 3 + (city === 'paris' ? 0.5 : 0);
    return { numeric: { a, b }, categorical: { city, device: `d${rng.int(20)}` }, label: label(z) };
  });
}

const MODELS: [string, () => Model, (z: number) => number | string][] = [
  [
    'logistic',
    () => new LogisticRegression({ features: FEATURES, classes: ['n', 'y'] }),
    (z) => (z > 0 ? 'y' : 'n'),
  ],
  [
    'softmax',
    () =>
      new SoftmaxRegression({
        features: FEATURES,
        classes: [0, 1, 2],
        optimizer: { type: 'adam', learningRate: 0.01 },
      }),
    (z) => (z < -0.5 ? 0 : z < 0.5 ? 1 : 2),
  ],
  ['linear', () => new LinearRegression({ features: FEATURES, l2: 0.01 }), (z) => 2 * z + 1],
  [
    'mlp',
    () =>
      new MultilayerPerceptron({
        features: FEATURES,
        task: 'binary',
        hiddenLayers: [5, 3],
        seed: 3,
        optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 },
      }),
    (z) => (z > 0 ? 1 : 0),
  ],
];

describe('model artifacts', () => {
  beforeAll(async () => {
    await initTfjsBackend(['cpu']);
  });

  describe.each(MODELS)('%s', (name, make, label) => {
    for (const engine of ['js', 'tfjs'] as const) {
      it(`round-trips exactly (${engine}): bit-identical predictions and identical continued training`, async () => {
        const model = make().clone({ engine });
        model.partialFit(data(64, 1, label));
        model.partialFit(data(64, 2, label));
        const metadata = {
          modelId: 'churn',
          version: '7',
          parentVersion: '6',
          strategy: 'ONLINE' as const,
          window: { strategy: 'fixed', count: 128 },
          metrics: { accuracy: 0.9 },
          createdAt: '2026-01-01T00:00:00Z',
        };
        const probe = data(50, 3, label);
        const next = data(32, 4, label);

        const fromBytes = decodeModelArtifact(encodeModelArtifact(model, metadata));
        {
          const loaded = fromBytes;
          expect(loaded.model.constructor).toBe(model.constructor);
          expect(loaded.metadata).toEqual(metadata);
          expect(loaded.model.engineName).toBe(model.engineName);
          expect(loaded.model.predictRaw(probe)).toEqual(model.predictRaw(probe));
          expect(loaded.model.examplesSeen).toBe(model.examplesSeen);
          expect(loaded.model.pipeline.toJSON()).toEqual(model.pipeline.toJSON());
        }
        // Optimizer state is saved too: one more step gives the same weights.
        const reloaded = fromBytes.model;
        model.partialFit(next);
        reloaded.partialFit(next);
        expect(reloaded.getParameters()).toEqual(model.getParameters());
        model.dispose();
        reloaded.dispose();
      });
    }
  });

  it('can load onto another engine', () => {
    const model = new LogisticRegression({ features: FEATURES, engine: 'js' });
    model.partialFit(data(20, 1, (z) => (z > 0 ? 1 : 0)));
    const loaded = decodeModelArtifact(encodeModelArtifact(model), { engine: 'tfjs' }).model;
    expect(loaded.engineName).toBe('tfjs-cpu');
    const probe = data(10, 2, () => 0);
    loaded.predictRaw(probe).forEach((v, i) => expect(v).toBeCloseTo(model.predictRaw(probe)[i], 6));
    loaded.dispose();
  });

  describe('refuses corrupt or mismatched artifacts with typed errors', () => {
    const model = new LogisticRegression({ features: FEATURES });
    model.partialFit(data(20, 1, (z) => (z > 0 ? 1 : 0)));
    const parts = modelToArtifactParts(model, { modelId: 'churn' });
    const bytes = encodeModelArtifact(model, { modelId: 'churn' });

    it('a flipped weight byte: checksum', () => {
      const w = parts.weights.slice();
      w[3] ^= 1;
      expect(() => modelFromArtifactParts({ ...parts, weights: w })).toThrow(ArtifactCorruptError);
      expect(() => modelFromArtifactParts({ ...parts, weights: w })).toThrow(/weights.*SHA-256/);
      const b = bytes.slice();
      b[b.length - 1] ^= 0x80;
      expect(() => decodeModelArtifact(b)).toThrow(/weights/);
    });

    it('an edited manifest: checksum', () => {
      const edited = parts.manifest.replace('"churn"', '"fraud"');
      expect(() => modelFromArtifactParts({ ...parts, manifest: edited })).toThrow(/manifest.*altered/);
    });

    it('truncated or foreign bytes', () => {
      expect(() => decodeModelArtifact(bytes.slice(0, 40))).toThrow(/truncated/);
      expect(() =>
        decodeModelArtifact(new TextEncoder().encode('PK\u0003\u0004 not a model at all')),
      ).toThrow(/magic/);
      expect(() => modelFromArtifactParts({ ...parts, manifest: '{"a":' })).toThrow(/not valid JSON/);
      expect(() => modelFromArtifactParts({ ...parts, weights: parts.weights.slice(0, 8) })).toThrow(/bytes/);
    });

    it('mismatched topology, pipeline or format version, with consistent checksums', () => {
      const forge = (edit: (m: Record<string, unknown>) => void) => {
        const m = JSON.parse(parts.manifest);
        delete m.manifestSha256;
        edit(m);
        const body = JSON.stringify(m);
        const sha = createHash('sha256').update(body).digest('hex');
        return { manifest: JSON.stringify({ ...m, manifestSha256: sha }), weights: parts.weights };
      };
      expect(() => modelFromArtifactParts(forge((m) => (m.formatVersion = 99)))).toThrow(
        new ArtifactMismatchError(
          'formatVersion',
          1,
          99,
          'written by another version of @continuum/learning',
        ),
      );
      expect(() =>
        modelFromArtifactParts(forge((m) => ((m.tensors as { shape: number[] }[])[0].shape = [3, 5]))),
      ).toThrow(/tensors\.dense_0\/kernel\.shape/);
      expect(() =>
        modelFromArtifactParts(
          forge((m) => {
            const p = m.pipeline as { features: unknown[] };
            p.features = p.features.slice(0, 2);
          }),
        ),
      ).toThrow(/pipeline\.width/);
      expect(() =>
        modelFromArtifactParts(
          forge((m) => ((m.model as { network: { head: string } }).network.head = 'softmax')),
        ),
      ).toThrow(ArtifactMismatchError);
    });

    it('a model other than the caller expects', () => {
      expect(() => decodeModelArtifact(bytes, { expect: { kind: 'linear-regression' } })).toThrow(
        /model\.kind.*linear-regression.*logistic-regression/,
      );
      expect(() => decodeModelArtifact(bytes, { expect: { modelId: 'fraud' } })).toThrow(/metadata\.modelId/);
      const other = new FeaturePipeline({ features: FEATURES.features.slice(0, 3) });
      expect(() => decodeModelArtifact(bytes, { expect: { pipelineSignature: other.signature() } })).toThrow(
        /pipeline\.features/,
      );
      const same = new FeaturePipeline(FEATURES).signature();
      expect(
        decodeModelArtifact(bytes, { expect: { pipelineSignature: same, kind: 'logistic-regression' } })
          .model,
      ).toBeTruthy();
    });
  });
});
