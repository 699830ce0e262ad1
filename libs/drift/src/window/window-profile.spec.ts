import { events, referenceProfile } from '../../test/fixtures';
import { TestRandom } from '../../test/random';
import { IncompatibleStateError, InvalidStateError } from '../errors';
import type { CategoricalFeature, NumericFeature } from '../profile/reference-profile';
import { evaluateDrift } from '../report/evaluate-drift';
import { WindowProfile } from './window-profile';

const profile = referenceProfile();
const age = profile.feature('age') as NumericFeature;
const city = profile.feature('city') as CategoricalFeature;

function observeAll(evts: ReturnType<typeof events>): WindowProfile {
  const w = new WindowProfile(profile);
  evts.forEach((e) => w.observe(e));
  return w;
}

describe('WindowProfile.observe', () => {
  it('counts values into the frozen bins and categories, with moments', () => {
    const evts = events(2000, 3, 0.5);
    const w = observeAll(evts);
    const ages = evts.map((e) => e.numeric!.age as number);
    const expectedBins = new Float64Array(age.interiorBins + 2);
    ages.forEach((x) => expectedBins[age.bin(x)]++);
    expect(w.numericBinCounts(age)).toEqual(expectedBins);
    const m = w.numericMoments(age);
    const mean = ages.reduce((s, x) => s + x, 0) / ages.length;
    expect(m.count).toBe(2000);
    expect(m.mean).toBeCloseTo(mean, 10);
    expect(m.min).toBe(Math.min(...ages));
    const cities = w.categoryCounts(city);
    expect(cities.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(cities[city.index.get('paris')!]).toBe(evts.filter((e) => e.categorical!.city === 'paris').length);
  });

  it('records data quality: nulls, absent features, wrong types, non-finite numbers, unseen categories, unexpected features', () => {
    const w = new WindowProfile(profile);
    w.observe({
      numeric: { age: null, income: Infinity, rooms: 2 },
      categorical: { city: 'rome', plan: 'free' },
      prediction: 0.5,
    });
    w.observe({
      numeric: { income: 1, rooms: '3' as never, shoe: 42 },
      categorical: { city: 'rome', plan: 7 as never, age: 'x' },
      prediction: 'yes',
    });
    w.observe({
      numeric: { age: 150, income: 1e9, rooms: 0 },
      categorical: { city: null, plan: 'pro', colour: 'red' },
    });
    const q = Object.fromEntries(w.quality().map((x) => [x.feature, x]));
    expect(q.age).toMatchObject({ events: 3, nulls: 1, absent: 0, wrongType: 1, valid: 1, aboveRange: 1 });
    expect(q.income).toMatchObject({ nonFinite: 1, valid: 2, aboveRange: 1 });
    expect(q.rooms).toMatchObject({ wrongType: 1, valid: 2, belowRange: 1 });
    expect(q.city).toMatchObject({ nulls: 1, valid: 2, otherCategory: 2 });
    expect(q.plan).toMatchObject({ wrongType: 1, valid: 2 });
    expect(q.prediction).toMatchObject({ valid: 1, wrongType: 1, absent: 1 });
    expect(w.unseenCategories(city)).toEqual([{ value: 'rome', count: 2, error: 0 }]);
    expect(w.unexpectedFeatures()).toEqual({
      total: 2,
      top: [
        { value: 'colour', count: 1, error: 0 },
        { value: 'shoe', count: 1, error: 0 },
      ],
    });
  });
});

describe('WindowProfile.merge', () => {
  const evts = events(6000, 5, 0.3);
  const single = observeAll(evts);

  /** Splits events between three "instances" at random, like partitions of a topic. */
  function partials(seed: number): WindowProfile[] {
    const r = new TestRandom(seed);
    const parts = [new WindowProfile(profile), new WindowProfile(profile), new WindowProfile(profile)];
    evts.forEach((e) => parts[r.int(3)].observe(e));
    return parts;
  }

  it('is exact for counts: any split and merge order gives the single-instance counts', () => {
    const [a, b, c] = partials(1);
    const [d, e, f] = partials(2);
    const left = new WindowProfile(profile).merge(a).merge(b).merge(c); // ((a b) c)
    const right = new WindowProfile(profile).merge(f).merge(new WindowProfile(profile).merge(e).merge(d)); // (f (e d))
    for (const merged of [left, right]) {
      expect(merged.eventCount).toBe(6000);
      for (const f of profile.numeric) expect(merged.numericBinCounts(f)).toEqual(single.numericBinCounts(f));
      for (const f of profile.categorical) expect(merged.categoryCounts(f)).toEqual(single.categoryCounts(f));
      expect(merged.quality()).toEqual(single.quality());
      const m = merged.numericMoments(age);
      const s = single.numericMoments(age);
      expect(m.count).toBe(s.count);
      expect(Math.abs(m.mean - s.mean)).toBeLessThan(1e-12 * Math.abs(s.mean));
      expect(Math.abs(m.std - s.std)).toBeLessThan(1e-12 * s.std);
    }
  });

  it('gives the single-instance report exactly for binned statistics, within stated error for sketched ones', () => {
    const merged = partials(3).reduce((acc, p) => acc.merge(p), new WindowProfile(profile));
    const options = {
      features: { age: 'PSI', income: 'JENSEN_SHANNON', rooms: 'CHI_SQUARE', plan: 'Z_TEST' } as const,
    };
    const one = evaluateDrift(profile, single, options);
    const many = evaluateDrift(profile, merged, options);
    expect(many.features).toEqual(one.features);
    const sketched = evaluateDrift(profile, merged, { features: { age: 'KS', income: 'WASSERSTEIN' } });
    const exact = evaluateDrift(profile, single, { features: { age: 'KS', income: 'WASSERSTEIN' } });
    for (const i of [0, 1]) {
      const a = sketched.features[i];
      const b = exact.features[i];
      expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(a.maxError + b.maxError);
    }
  });

  it('refuses states of another profile', () => {
    const other = new WindowProfile(referenceProfile(5000, 2));
    expect(() => single.clone().merge(other)).toThrow(IncompatibleStateError);
  });
});

describe('WindowProfile serialization', () => {
  const w = observeAll(events(3000, 8, 0.2));

  it('round-trips exactly and continues identically', () => {
    const copy = WindowProfile.deserialize(profile, w.serialize());
    expect(copy.serialize()).toEqual(w.serialize());
    const more = events(2000, 9);
    const a = w.clone();
    more.forEach((e) => {
      a.observe(e);
      copy.observe(e);
    });
    expect(copy.serialize()).toEqual(a.serialize());
    expect(evaluateDrift(profile, copy)).toEqual(evaluateDrift(profile, a));
  });

  it('does not grow with the number of events (bounded by bins, categories, grid slots and sketch capacity)', () => {
    const small = observeAll(events(50_000, 10)).serialize().length;
    const big = observeAll(events(400_000, 11)).serialize().length;
    // Counts are varints: the grid's ~50 → ~400 values per slot take one more byte each, no more slots.
    const gridSlots = profile.numeric.reduce((n, f) => n + 2 * f.ksGrid.length + 1, 0);
    expect(big).toBeLessThan(small * 1.1 + gridSlots);
  });

  it('rejects corrupt, truncated, foreign or future-version bytes', () => {
    const bytes = w.serialize();
    const flipped = bytes.slice();
    flipped[40] ^= 0xff;
    expect(() => WindowProfile.deserialize(profile, flipped)).toThrow(/checksum mismatch/);
    expect(() => WindowProfile.deserialize(profile, bytes.slice(0, 6))).toThrow(InvalidStateError);
    const future = bytes.slice();
    future[4] = 9;
    expect(() => WindowProfile.deserialize(profile, future)).toThrow(/format version 9/);
    expect(() => WindowProfile.deserialize(referenceProfile(5000, 2), bytes)).toThrow(
      /belongs to reference profile/,
    );
    expect(() => WindowProfile.deserialize(profile, new Uint8Array(20))).toThrow(/bad magic/);
  });
});
