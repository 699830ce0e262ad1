/**
 * libs/drift/schemas/reference-profile.schema.json documents the profile format for producers in
 * other languages. Guarantees: every profile ReferenceProfileBuilder builds (numeric and categorical
 * inputs and predictions, quantile and distinct binning, missing values, an empty reference) is
 * valid; a profile broken in any of the ways below is rejected, naming where.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the mutations reach into untyped JSON on purpose */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ReferenceProfileBuilder } from '../src/profile/reference-profile-builder';
import type { ObservedEvent, ReferenceProfileJSON } from '../src/profile/profile-types';
import { CITIES, events } from './fixtures';
import { TestRandom } from './random';

const schema = JSON.parse(
  readFileSync(join(__dirname, '../schemas/reference-profile.schema.json'), 'utf8'),
) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function problems(profile: unknown): string[] {
  return validate(profile) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function built(rows: Iterable<ObservedEvent>, options = {}): ReferenceProfileJSON {
  return ReferenceProfileBuilder.fromEvents(rows, options).toJSON();
}

/** A JSON copy, so a mutation never touches the original. */
function copy(profile: ReferenceProfileJSON): Record<string, any> {
  return JSON.parse(JSON.stringify(profile)) as Record<string, any>;
}

describe('reference-profile.schema.json', () => {
  const r = new TestRandom(7);
  const mixed = built(events(3000, 3, 0.2));
  const withGaps = built(
    Array.from({ length: 500 }, (_, i) => ({
      numeric: {
        rooms: i % 7 === 0 ? null : 1 + r.int(4),
        price: i % 3 === 0 ? Number.NaN : r.normal(300, 40),
      },
      categorical: { city: i % 5 === 0 ? undefined : r.pick(CITIES) },
      prediction: r.pick(['cheap', 'fair', 'dear']),
    })),
    { bins: 5, maxCategories: 2 },
  );

  it.each([
    ['numeric and categorical inputs, numeric prediction (quantile bins, summary of 1000 points)', mixed],
    ['missing values, distinct binning, categories beyond maxCategories, class prediction', withGaps],
    ['a single row', built([{ numeric: { x: 1 }, categorical: { c: 'a' } }])],
    ['no row at all', built([])],
  ])('accepts what the builder makes: %s', (_, profile) => {
    expect(problems(profile)).toEqual([]);
  });

  it('the fixtures cover both binnings, both prediction types, a summary and an other bucket', () => {
    const numeric = [...mixed.features, ...withGaps.features].filter((f) => f.type === 'numeric');
    expect(new Set(numeric.map((f) => f.binning))).toEqual(new Set(['quantile', 'distinct']));
    expect(mixed.features.at(-1)).toMatchObject({ role: 'prediction', type: 'numeric' });
    expect(withGaps.features.at(-1)).toMatchObject({ role: 'prediction', type: 'categorical' });
    expect(withGaps.features.find((f) => f.name === 'city')).toMatchObject({
      otherCount: expect.any(Number),
    });
    expect(
      (withGaps.features.find((f) => f.name === 'city') as { otherCount: number }).otherCount,
    ).toBeGreaterThan(0);
  });

  const broken: Array<[string, (p: Record<string, any>) => void, string]> = [
    ['another format', (p) => (p.format = 'evidently/report'), '/format'],
    ['a later version', (p) => (p.version = 2), '/version'],
    ['rows missing', (p) => delete p.rows, "must have required property 'rows'"],
    ['negative rows', (p) => (p.rows = -1), '/rows'],
    ['fractional count', (p) => (p.features[0].count = 1.5), '/features/0'],
    ['an option missing', (p) => delete p.options.bins, "/options must have required property 'bins'"],
    ['zero bins', (p) => (p.options.bins = 0), '/options/bins'],
    ['an unknown top-level key', (p) => (p.model = 'churn'), 'must NOT have additional properties'],
    ['an unknown feature type', (p) => (p.features[0].type = 'text'), '/features/0'],
    ['an unknown role', (p) => (p.features[0].role = 'label'), '/features/0'],
    ['an edge that is a string', (p) => (p.features[0].edges[1] = '3.5'), '/features/0'],
    ['a negative m2', (p) => (p.features[0].m2 = -1), '/features/0'],
    ['an unknown binning', (p) => (p.features[0].binning = 'uniform'), '/features/0'],
    ['an empty name', (p) => (p.features[0].name = ''), '/features/0'],
    [
      'a categorical feature without categories',
      (p) => delete p.features.find((f: any) => f.type === 'categorical').categories,
      '/features/',
    ],
    [
      'repeated categories',
      (p) => {
        const c = p.features.find((f: any) => f.type === 'categorical');
        c.categories[1] = c.categories[0];
      },
      '/features/',
    ],
    ['features not an array', (p) => (p.features = {}), '/features'],
  ];

  it.each(broken)('rejects %s', (_, mutate, where) => {
    const p = copy(mixed);
    mutate(p);
    const found = problems(p);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(where);
  });
});
