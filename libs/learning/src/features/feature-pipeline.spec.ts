import { readVectors } from '../../test/vectors';
import { ConfigurationError, InvalidInputError } from '../errors';
import { RunningMoments } from '@continuum/stats';
import { FeaturePipeline } from './feature-pipeline';
import { murmurhash3 } from './murmurhash3';

interface FeatureVectors {
  murmurhash3: { token: string; murmurhash3_32: number }[];
  featureHasher: { buckets: number; records: { name: string; value: string; row: number[] }[] };
  standardScaler: { X: (number | null)[][]; mean: number[]; var: number[]; transformed: (number | null)[][] };
}

const vectors = readVectors<FeatureVectors>('features.json');

describe('murmurhash3', () => {
  it.each(vectors.murmurhash3.map((v) => [v.token, v.murmurhash3_32]))(
    "equals scikit-learn's murmurhash3_32(%j)",
    (token, expected) => {
      expect(murmurhash3(token as string, 0)).toBe(expected);
    },
  );
});

describe('RunningMoments', () => {
  it('matches the two-pass mean and population variance, and merges exactly', () => {
    const values = Array.from({ length: 101 }, (_, i) => Math.sin(i) * 50 + 1e6);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    const whole = new RunningMoments();
    values.forEach((v) => whole.update(v));
    expect(whole.mean).toBeCloseTo(mean, 8);
    expect(whole.populationVariance).toBeCloseTo(variance, 6);
    const a = new RunningMoments();
    const b = new RunningMoments();
    values.forEach((v, i) => (i < 37 ? a : b).update(v));
    a.merge(b);
    expect(a.n).toBe(101);
    expect(a.mean).toBeCloseTo(mean, 8);
    expect(a.populationVariance).toBeCloseTo(variance, 6);
  });
});

describe('FeaturePipeline', () => {
  it("standardises like scikit-learn's StandardScaler (partial_fit in chunks, NaN ignored)", () => {
    const { X, mean, var: variance, transformed } = vectors.standardScaler;
    const spec = { features: [0, 1, 2].map((j) => ({ name: `f${j}`, type: 'numeric' as const })) };
    const examples = X.map((row) => ({ numeric: { f0: row[0], f1: row[1], f2: row[2] } }));
    // Learn in four partitions and merge, as partitions of a stream would.
    const parts = [0, 13, 26, 38, 50].map((s, i, a) => examples.slice(s, a[i + 1] ?? s)).slice(0, 4);
    const pipelines = parts.map((p) => {
      const pipe = new FeaturePipeline(spec);
      pipe.learn(p);
      return pipe;
    });
    const merged = pipelines[0];
    pipelines.slice(1).forEach((p) => merged.merge(p));
    [0, 1, 2].forEach((j) => {
      expect(merged.moments(`f${j}`).mean).toBeCloseTo(mean[j], 10);
      expect(merged.moments(`f${j}`).populationVariance / variance[j]).toBeCloseTo(1, 10);
    });
    const out = merged.transform(examples);
    transformed.forEach((row, i) =>
      row.forEach((v, j) => {
        // Missing values are imputed with the mean, i.e. 0 once standardised.
        expect(out[i * 3 + j]).toBeCloseTo(v === null ? 0 : v, 5);
      }),
    );
  });

  it("hashes like scikit-learn's FeatureHasher(alternate_sign=True) on {name: value}", () => {
    const { buckets, records } = vectors.featureHasher;
    for (const r of records) {
      const pipe = new FeaturePipeline({ features: [{ name: r.name, type: 'hashed', buckets }] });
      expect(Array.from(pipe.transform([{ categorical: { [r.name]: r.value } }]))).toEqual(r.row);
    }
  });

  it('one-hot encodes a vocabulary with unknown/missing columns and reads integer codes from numeric', () => {
    const pipe = new FeaturePipeline({
      features: [
        {
          name: 'city',
          type: 'one-hot',
          vocabulary: ['paris', 'oslo'],
          unknown: 'other',
          missing: 'indicator',
        },
        { name: 'elevel', type: 'one-hot', vocabulary: ['0', '1', '2'] },
      ],
    });
    expect(pipe.width).toBe(7);
    expect(pipe.columnNames()).toEqual([
      'city=paris',
      'city=oslo',
      'city:other',
      'city:missing',
      'elevel=0',
      'elevel=1',
      'elevel=2',
    ]);
    const x = pipe.transform([
      { categorical: { city: 'oslo' }, numeric: { elevel: 2 } },
      { categorical: { city: 'rome' }, numeric: { elevel: 7 } },
      { categorical: { city: null } },
    ]);
    expect(Array.from(x)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('handles missing numerics by mean or zero imputation, with an indicator column', () => {
    const pipe = new FeaturePipeline({
      features: [
        { name: 'a', type: 'numeric', standardize: false, missing: 'mean', missingIndicator: true },
        { name: 'b', type: 'numeric', standardize: false, missing: 'zero' },
      ],
    });
    pipe.learn([{ numeric: { a: 2, b: 5 } }, { numeric: { a: 4, b: null } }, { numeric: { a: NaN } }]);
    expect(pipe.moments('a').n).toBe(2);
    expect(
      Array.from(pipe.transform([{ numeric: { a: null, b: undefined } }, { numeric: { a: 1, b: 2 } }])),
    ).toEqual([3, 1, 0, 1, 0, 2]);
  });

  it('refuses bad values and bad specs with errors naming the field', () => {
    const pipe = new FeaturePipeline({
      features: [
        { name: 'a', type: 'numeric', missing: 'error' },
        { name: 'c', type: 'one-hot', vocabulary: ['x'], unknown: 'error' },
      ],
    });
    expect(() => pipe.transform([{ numeric: { a: Infinity }, categorical: { c: 'x' } }])).toThrow(
      new InvalidInputError('examples[0].numeric.a', 'expected a finite number, got Infinity'),
    );
    expect(() => pipe.learn([{ numeric: { a: '3' as unknown as number } }])).toThrow(/numeric\.a/);
    expect(() => pipe.transform([{ numeric: {}, categorical: { c: 'x' } }])).toThrow(
      /examples\[0\]\.numeric\.a: missing/,
    );
    expect(() => pipe.transform([{ numeric: { a: 1 }, categorical: { c: 'y' } }])).toThrow(
      /unknown category 'y'/,
    );
    expect(() => new FeaturePipeline({ features: [] })).toThrow(ConfigurationError);
    expect(
      () =>
        new FeaturePipeline({
          features: [
            { name: 'a', type: 'numeric' },
            { name: 'a', type: 'numeric' },
          ],
        }),
    ).toThrow(/duplicate feature 'a'/);
    expect(() => new FeaturePipeline({ features: [{ name: 'h', type: 'hashed', buckets: 0 }] })).toThrow(
      /buckets/,
    );
    expect(() => new FeaturePipeline({ features: [{ name: 'z', type: 'text' } as never] })).toThrow(/type/);
  });

  it('round-trips through JSON with its statistics, and its signature ignores statistics', () => {
    const pipe = new FeaturePipeline({
      features: [
        { name: 'a', type: 'numeric' },
        { name: 'h', type: 'hashed', buckets: 8, missing: 'indicator' },
      ],
    });
    pipe.learn([{ numeric: { a: 0.1 } }, { numeric: { a: 0.7 } }, { numeric: { a: 1 / 3 } }]);
    const copy = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(pipe.toJSON())));
    const probe = [{ numeric: { a: 0.25 }, categorical: { h: 'v' } }, { numeric: { a: 9 } }];
    expect(copy.transform(probe)).toEqual(pipe.transform(probe));
    expect(copy.moments('a')).toEqual(pipe.moments('a'));
    expect(copy.signature()).toBe(new FeaturePipeline({ features: pipe.features }).signature());
    expect(() => FeaturePipeline.fromJSON({ features: pipe.features, moments: {} })).toThrow(/moments\.a/);
  });
});
