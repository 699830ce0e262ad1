import { InvalidProfileError, ReferenceProfileBuilder, type ReferenceProfileJSON } from '@continuum/drift';
import type { TimedExample } from '../example';
import { SeededRandom } from '../random';
import { productionProfileFromReference } from './reference-bins';
import { representativeSubsample } from './representative-subsample';

const rng = new SeededRandom(11);
// Training pool: x mostly small; production (the reference profile): x mostly large, 5 % missing.
const pool: TimedExample[] = Array.from({ length: 5000 }, (_, t) => {
  const x = rng.next() < 0.7 ? rng.uniform(0, 1) : rng.uniform(1, 3);
  return {
    timestamp: t,
    numeric: { x, level: t % 3 },
    categorical: { colour: t % 4 === 0 ? 'red' : 'blue' },
    label: x > 1 ? 1 : 0,
  };
});

function productionProfile(): ReferenceProfileJSON {
  const builder = new ReferenceProfileBuilder({ bins: 5, maxCategories: 1 });
  for (let i = 0; i < 4000; i++) {
    const x = rng.next() < 0.05 ? null : rng.next() < 0.2 ? rng.uniform(0, 1) : rng.uniform(1, 3);
    builder.observe({
      numeric: { x, level: i % 3 },
      categorical: { colour: i % 5 === 0 ? 'green' : i % 2 === 0 ? 'red' : 'blue' },
      prediction: 0.5,
    });
  }
  return builder.build().toJSON();
}

describe('productionProfileFromReference (libs/drift profile → bins to match)', () => {
  const json = productionProfile();
  const bins = productionProfileFromReference(json);

  it('keeps the input features, with shares over all rows (missing and other included)', () => {
    expect(bins.features.map((f) => f.feature).sort()).toEqual(['colour', 'level', 'x']);
    for (const f of bins.features) {
      const total =
        f.proportions.reduce((a, b) => a + b, 0) +
        (f.missing ?? 0) +
        (f.kind === 'categorical' ? (f.other ?? 0) : 0);
      expect(total).toBeCloseTo(1, 12);
    }
    const x = bins.features.find((f) => f.feature === 'x')!;
    expect(x.kind === 'numeric' && x.edges.length).toBe(x.proportions.length + 1);
    expect(x.missing).toBeGreaterThan(0.03);
    const colour = bins.features.find((f) => f.feature === 'colour')!;
    expect(colour.kind === 'categorical' && colour.categories).toHaveLength(1);
    expect(colour.kind === 'categorical' && colour.other).toBeGreaterThan(0.5);
  });

  it('closes the point bin of a distinct-valued feature with one more edge', () => {
    const level = bins.features.find((f) => f.feature === 'level')!;
    const source = json.features.find((f) => f.name === 'level')!;
    expect(source.type === 'numeric' && source.binning).toBe('distinct');
    expect(level.kind === 'numeric' && level.edges.length).toBe(4);
    expect(level.proportions).toHaveLength(3);
  });

  it('lets representativeSubsample take the reference profile itself, with the same result', () => {
    const fromJson = representativeSubsample(pool, {
      profile: json,
      size: 1000,
      method: 'weighted',
      seed: 4,
    });
    const fromBins = representativeSubsample(pool, {
      profile: bins,
      size: 1000,
      method: 'weighted',
      seed: 4,
    });
    expect(fromJson.examples).toEqual(fromBins.examples);
    expect(fromJson.psiAfter.x).toBeLessThan(fromJson.psiBefore.x);
  });

  it('refuses a damaged profile with libs/drift’s error naming the field', () => {
    const damaged = {
      ...json,
      features: json.features.map((f) => (f.type === 'numeric' ? { ...f, edges: [2, 1] } : f)),
    };
    expect(() => productionProfileFromReference(damaged)).toThrow(InvalidProfileError);
  });
});
