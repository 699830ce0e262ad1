import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { TestRandom } from '../../test/random';
import { evaluateDrift } from '../report/evaluate-drift';
import { WindowProfile } from '../window/window-profile';
import type { ObservedEvent, ReferenceProfileJSON } from './profile-types';
import { type NumericFeature, ReferenceProfile } from './reference-profile';
import { ReferenceProfileBuilder } from './reference-profile-builder';

/** City shares 40/25/15/10/6/4 %; the price level differs by city and never changes. */
const CITIES = ['paris', 'lyon', 'nice', 'lille', 'brest', 'metz'];
const SHARES = [0.4, 0.25, 0.15, 0.1, 0.06, 0.04];
const LEVEL: Record<string, number> = { paris: 9, lyon: 6, nice: 7, lille: 4, brest: 3, metz: 3.5 };

function sale(r: TestRandom, shift: Record<string, number> = {}): ObservedEvent {
  let u = r.next();
  let i = 0;
  while (i < CITIES.length - 1 && u >= SHARES[i]) u -= SHARES[i++];
  const city = CITIES[i];
  return {
    numeric: { price: LEVEL[city] + (shift[city] ?? 0) + r.normal(0, 1), rooms: 1 + r.int(5) },
    categorical: { kind: r.next() < 0.3 ? 'flat' : 'house' },
    segments: { city },
  };
}

function build(rows: number, seed: number): ReferenceProfile {
  const r = new TestRandom(seed);
  const b = new ReferenceProfileBuilder({ segments: { keys: ['city'], maxValues: 4 } });
  for (let i = 0; i < rows; i++) b.observe(sale(r));
  return b.build();
}

function window(profile: ReferenceProfile, city: string, n: number, seed: number, shift = 0): WindowProfile {
  const r = new TestRandom(seed);
  const w = new WindowProfile(profile);
  while (w.eventCount < n) {
    const e = sale(r, { [city]: shift });
    if (e.segments!.city === city) w.observe(e);
  }
  return w;
}

describe('per-segment references', () => {
  const profile = build(3000, 1);
  const json = profile.toJSON();

  it('keeps the most frequent values, then the rest, each on the profile’s bins and categories', () => {
    const city = json.segments![0];
    expect(city.key).toBe('city');
    expect(city.values.map((v) => v.value)).toEqual(['paris', 'lyon', 'nice', 'lille']);
    expect(city.distinctValues).toBe(6);
    expect(city.other?.value).toBeNull();
    expect(city.values.reduce((s, v) => s + v.rows, 0) + city.other!.rows).toBe(3000);
    const price = json.features.find((f) => f.name === 'price')!;
    for (const v of [...city.values, city.other!]) {
      const p = v.features.find((f) => f.name === 'price')!;
      expect(p.type === 'numeric' && price.type === 'numeric' && p.edges).toEqual(
        price.type === 'numeric' && price.edges,
      );
      expect(p.count).toBe(v.rows);
    }
    expect(profile.segmentValues('city')).toEqual(['paris', 'lyon', 'nice', 'lille']);
    expect(profile.segmentReference('city=paris')?.rows).toBe(city.values[0].rows);
    expect(profile.segmentReference('city=other')?.rows).toBe(city.other!.rows);
    expect(profile.segmentReference('city=rome')).toBeNull();
  });

  it('round-trips through JSON, and window states of profiles with and without segments merge', () => {
    const again = ReferenceProfile.fromJSON(JSON.stringify(json));
    expect(again.toJSON()).toEqual(json);
    const { segments: _segments, ...plain } = json;
    expect(ReferenceProfile.fromJSON(plain).fingerprint).toBe(profile.fingerprint);
  });

  it('is valid under the profile format’s JSON Schema', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, '../../schemas/reference-profile.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(json)))).toBe(true);
    expect(validate({ ...json, segments: [{ key: 'city' }] })).toBe(false);
  });

  it('rejects segment references off the profile’s bins, categories or feature list', () => {
    const broken = (mutate: (j: ReferenceProfileJSON) => void) => {
      const j = JSON.parse(JSON.stringify(json)) as ReferenceProfileJSON;
      mutate(j);
      return () => ReferenceProfile.fromJSON(j);
    };
    expect(
      broken((j) => {
        const f = j.segments![0].values[0].features[0];
        if (f.type === 'numeric') f.edges = f.edges.map((e) => e + 1);
      }),
    ).toThrow(/segments\[0\]\.values\[0\]\.features\[0\]/);
    expect(broken((j) => j.segments![0].values[1].features.pop())).toThrow(/profile's \d+ features/);
    expect(broken((j) => (j.segments![0].other = null))).toThrow(/other/);
    expect(broken((j) => (j.segments![0].values[0].value = 'lyon'))).toThrow(/duplicate segment value/);
  });

  it('a level that differs by city is not drift against the city’s reference; a shift in a city is', () => {
    const price = profile.feature('price') as NumericFeature;
    for (const [k, city] of ['paris', 'lyon', 'lille'].entries()) {
      const w = window(profile, city, 400, 10 + k);
      const global = evaluateDrift(profile, w).features.find((f) => f.feature === price.name)!;
      expect(global.drifted).toBe(true); // the population's level is not the city's
      const own = evaluateDrift(profile, w, { segment: `city=${city}` });
      expect(own.referenceSegment).toBe(`city=${city}`);
      expect(own.segmentFallback).toBe(false);
      expect(own.features.find((f) => f.feature === price.name)!.drifted).toBe(false);
      const shifted = evaluateDrift(profile, window(profile, city, 400, 20 + k, 0.6), {
        segment: `city=${city}`,
      });
      expect(shifted.features.find((f) => f.feature === price.name)!.drifted).toBe(true);
    }
  });

  it('a segment the reference never saw falls back to the global reference, and says so', () => {
    const w = window(profile, 'paris', 200, 30);
    const report = evaluateDrift(profile, w, { segment: 'city=rome' });
    expect(report.referenceSegment).toBeNull();
    expect(report.segmentFallback).toBe(true);
    expect(report.referenceCount).toBe(profile.rows);
    expect(evaluateDrift(profile, w).segmentFallback).toBe(false);
  });
});
