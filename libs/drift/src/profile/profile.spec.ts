import { Mismatches, loadVectors } from '../../../stats/test/vectors';
import { TestRandom } from '../../test/random';
import { InvalidProfileError } from '../errors';
import { exactSample } from '@continuum/stats';
import { wassersteinDistance } from '../statistics/wasserstein';
import { binIndex, linearQuantileEdges } from './binning';
import type { NumericFeatureJSON, ReferenceProfileJSON } from './profile-types';
import { type NumericFeature, ReferenceProfile } from './reference-profile';
import { ReferenceProfileBuilder } from './reference-profile-builder';

const vectors = loadVectors('statistics');

describe('binning', () => {
  it('quantile edges reproduce numpy.quantile(x, linspace(0, 1, bins + 1)) exactly', () => {
    const m = new Mismatches();
    vectors.quantileEdges.forEach((v: { values: number[]; bins: number; edges: number[] }, i: number) => {
      const edges = linearQuantileEdges(Float64Array.from(v.values).sort(), v.bins);
      edges.forEach((e, j) => m.check(`#${i} edge ${j}`, e, v.edges[j], 0));
    });
    expect(m.list).toEqual([]);
  });

  it('bins: underflow, [e_i, e_i+1), closed last bin, overflow; distinct mode gives each value a bin', () => {
    const edges = Float64Array.from([0, 1, 2]);
    expect([-1, 0, 0.5, 1, 1.99, 2, 2.01].map((x) => binIndex(edges, 2, x))).toEqual([0, 1, 1, 2, 2, 2, 3]);
    // distinct mode: 3 edges = 3 interior bins, the last one being the point {2}
    expect([-1, 0, 0.5, 1, 2, 2.5].map((x) => binIndex(edges, 3, x))).toEqual([0, 1, 1, 2, 3, 4]);
    expect(binIndex(new Float64Array(0), 0, 5)).toBe(1); // no reference values: everything overflows
  });
});

function columns(n: number, seed = 1) {
  const r = new TestRandom(seed);
  return {
    numeric: {
      income: Array.from({ length: n }, (_, i) => (i % 50 === 0 ? null : Math.exp(r.normal(10, 0.5)))),
      rooms: Array.from({ length: n }, () => 1 + r.int(4)),
    },
    categorical: {
      city: Array.from({ length: n }, (_, i) =>
        i % 20 === 0 ? null : r.pick(['paris', 'lyon', 'nice', 'lille']),
      ),
      id: Array.from({ length: n }, () => `user-${r.int(100_000)}`),
    },
    prediction: Array.from({ length: n }, () => r.next()),
  };
}

describe('ReferenceProfile', () => {
  const cols = columns(20_000);
  const profile = ReferenceProfile.fromColumns(cols, { bins: 10, maxCategories: 50, summarySize: 1000 });
  const income = profile.feature('income') as NumericFeature;

  it('freezes quantile bins, moments and a summary per numeric feature', () => {
    const values = cols.numeric.income.filter((x): x is number => x !== null);
    expect(income.count).toBe(values.length);
    expect(income.json.missing).toBe(400);
    expect(income.json.binning).toBe('quantile');
    expect(income.edges.length).toBe(11);
    // Quantile bins hold about a tenth of the reference each.
    for (const c of income.json.binCounts) expect(Math.abs(c - values.length / 10)).toBeLessThanOrEqual(1);
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    expect(income.json.mean).toBeCloseTo(mean, 6);
    const std = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
    expect(income.std / std - 1).toBeLessThan(1e-12);
    // The summary stands for the data within its stated errors.
    const sample = income.sample();
    expect(sample.values.length).toBe(1000);
    expect(sample.rankError).toBe(0.0005);
    const w = wassersteinDistance(exactSample(values), sample).distance;
    expect(w).toBeCloseTo(income.json.summaryError, 9);
  });

  it('gives low-cardinality numeric features one bin per value', () => {
    const rooms = profile.feature('rooms') as NumericFeature;
    expect(rooms.json.binning).toBe('distinct');
    expect(rooms.json.edges).toEqual([1, 2, 3, 4]);
    expect(rooms.interiorBins).toBe(4);
    expect(rooms.distinctValues).toBe(4);
  });

  it('tracks the top categories and an other bucket; knows when the vocabulary is complete', () => {
    const city = profile.feature('city');
    const id = profile.feature('id');
    if (city?.type !== 'categorical' || id?.type !== 'categorical')
      throw new Error('expected categorical features');
    expect([...city.categories].sort()).toEqual(['lille', 'lyon', 'nice', 'paris']);
    expect(city.vocabularyComplete).toBe(true);
    expect(city.json.missing).toBe(1000);
    expect(id.categories.length).toBe(50);
    expect(id.vocabularyComplete).toBe(false);
    expect(id.json.otherCount).toBe(20_000 - id.json.categoryCounts.reduce((a, b) => a + b, 0));
  });

  it('profiles the prediction as its own feature', () => {
    expect(profile.prediction?.name).toBe('prediction');
    expect(profile.prediction?.type).toBe('numeric');
    const classes = ReferenceProfile.fromColumns({ prediction: ['a', 'b', 'a'] });
    expect(classes.prediction?.type).toBe('categorical');
  });

  it('round-trips through JSON text with the same fingerprint', () => {
    const text = JSON.stringify(profile.toJSON());
    const back = ReferenceProfile.fromJSON(text);
    expect(back.fingerprint).toBe(profile.fingerprint);
    expect(back.toJSON()).toEqual(profile.toJSON());
  });

  it('fingerprints the binning: other edges give another fingerprint', () => {
    const other = ReferenceProfile.fromColumns(columns(20_000, 2), { bins: 10, maxCategories: 50 });
    expect(other.fingerprint).not.toBe(profile.fingerprint);
  });

  describe('fromJSON validation names the field at fault', () => {
    const good = () => JSON.parse(JSON.stringify(profile.toJSON())) as ReferenceProfileJSON;
    const numeric = (j: ReferenceProfileJSON) => j.features[0] as NumericFeatureJSON;
    const cases: [string, (j: ReferenceProfileJSON) => unknown, RegExp][] = [
      ['not an object', () => 42, /at \$: expected an object/],
      ['wrong format', (j) => ({ ...j, format: 'x' }), /\$\.format/],
      ['future version', (j) => ({ ...j, version: 2 }), /\$\.version: unsupported version/],
      [
        'missing option',
        (j) => ({ ...j, options: { ...j.options, bins: undefined } }),
        /\$\.options\.bins: missing/,
      ],
      [
        'edges not increasing',
        (j) => ((numeric(j).edges[3] = numeric(j).edges[2]), j),
        /features\[0\]\.edges\[3\]: edges must be strictly increasing/,
      ],
      [
        'bin counts length',
        (j) => (numeric(j).binCounts.pop(), j),
        /features\[0\]\.binCounts: expected 10 counts/,
      ],
      ['bin counts sum', (j) => ((numeric(j).binCounts[0] += 1), j), /binCounts: counts sum to/],
      [
        'NaN mean',
        (j) => ({ ...j, features: [{ ...numeric(j), mean: 'NaN' }] }),
        /features\[0\]\.mean: expected a finite number/,
      ],
      ['unsorted summary', (j) => (numeric(j).summary.reverse(), j), /summary\[1\]: summary must be sorted/],
      ['bad type', (j) => ({ ...j, features: [{ ...numeric(j), type: 'text' }] }), /features\[0\]\.type/],
      [
        'duplicate name',
        (j) => ({ ...j, features: [j.features[0], j.features[0]] }),
        /features\[1\]\.name: duplicate feature/,
      ],
      [
        'duplicate category',
        (j) => {
          const c = j.features.find((f) => f.name === 'city')!;
          if (c.type === 'categorical') c.categories[1] = c.categories[0];
          return j;
        },
        /duplicate category/,
      ],
      ['not JSON', () => '{nope', /at \$: not valid JSON/],
    ];
    it.each(cases)('%s', (_name, mutate, message) => {
      const input = mutate(good());
      let error: unknown;
      try {
        ReferenceProfile.fromJSON(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidProfileError);
      expect((error as Error).message).toMatch(message);
    });
  });
});

describe('ReferenceProfileBuilder', () => {
  it('builds the same profile from events as fromColumns from the same data', () => {
    const cols = columns(3000, 4);
    const events = cols.prediction.map((p, i) => ({
      numeric: { income: cols.numeric.income[i], rooms: cols.numeric.rooms[i] },
      categorical: { city: cols.categorical.city[i], id: cols.categorical.id[i] },
      prediction: p,
    }));
    const fromEvents = ReferenceProfileBuilder.fromEvents(events, { maxCategories: 30 });
    const fromColumns = ReferenceProfile.fromColumns(cols, { maxCategories: 30 });
    const byName = (j: ReferenceProfileJSON) => ({
      ...j,
      features: [...j.features].sort((a, b) => (a.name < b.name ? -1 : 1)),
    });
    expect(byName(fromEvents.toJSON())).toEqual(byName(fromColumns.toJSON()));
  });

  it('bootstraps from the first maxRows events, then ignores the rest', () => {
    const b = new ReferenceProfileBuilder({ maxRows: 100 });
    for (let i = 0; i < 150; i++) b.observe({ numeric: { x: i } });
    expect(b.isFull).toBe(true);
    expect(b.rows).toBe(100);
    const p = b.build();
    expect(p.rows).toBe(100);
    expect((p.feature('x') as NumericFeature).json.max).toBe(99);
  });

  it('counts a feature absent from some events, or of the other type, as missing', () => {
    const p = ReferenceProfileBuilder.fromEvents([
      { numeric: { a: 1 } },
      { numeric: { a: 2, b: 5 } },
      { categorical: { a: 'x' } },
      { numeric: { a: NaN } },
    ]);
    const a = p.feature('a') as NumericFeature;
    expect(a.count).toBe(2);
    expect(a.json.missing).toBe(2);
    expect((p.feature('b') as NumericFeature).json.missing).toBe(3);
  });
});
