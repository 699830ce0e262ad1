import { CITIES, events, referenceProfile } from '../../test/fixtures';
import { TestRandom } from '../../test/random';
import { IncompatibleStateError, InvalidStateError } from '../errors';
import type { ObservedEvent } from '../profile/profile-types';
import { type CategoricalFeature, type NumericFeature, ReferenceProfile } from '../profile/reference-profile';
import { evaluateDrift } from '../report/evaluate-drift';
import { eventColumns } from './event-columns';
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

describe('WindowProfile.observeColumns', () => {
  /**
   * Events with every data-quality case a columnar batch can hold: nulls, absent features,
   * features sent in the other map (wrong type), non-finite numbers, unseen categories, keys
   * that are not features, and predictions that are numbers, strings, null or absent.
   */
  function messyEvents(n: number, seed: number): ObservedEvent[] {
    const r = new TestRandom(seed);
    const maybe = <T>(v: T): T | null | undefined => {
      const u = r.next();
      return u < 0.05 ? null : u < 0.1 ? undefined : v;
    };
    return Array.from({ length: n }, () => {
      const numeric: Record<string, number | null | undefined> = {
        age: maybe(r.next() < 0.02 ? (r.next() < 0.5 ? NaN : -Infinity) : r.normal(40, 12)),
        income: maybe(Math.exp(r.normal(10, 0.6))),
        rooms: maybe(r.next() < 0.03 ? -0 : r.int(7)),
      };
      const categorical: Record<string, string | null | undefined> = {
        city: maybe(r.next() < 0.1 ? `town-${r.int(40)}` : r.pick(CITIES)),
        plan: maybe(r.next() < 0.3 ? 'pro' : 'free'),
      };
      // A numeric feature sent as a string, a categorical one as a number, names of no feature.
      if (r.next() < 0.05) {
        delete numeric.rooms;
        categorical.rooms = 'three';
      }
      if (r.next() < 0.05) {
        delete categorical.plan;
        numeric.plan = 2;
      }
      if (r.next() < 0.05) numeric[`extra-${r.int(3)}`] = r.next();
      if (r.next() < 0.05) categorical.colour = r.pick(['red', 'blue']);
      const u = r.next();
      const prediction = u < 0.05 ? null : u < 0.1 ? undefined : u < 0.15 ? r.pick(['yes', 'no']) : r.next();
      return { numeric, categorical, ...(prediction === undefined ? {} : { prediction }) };
    });
  }

  const cases = [
    { name: 'numeric prediction', profile },
    {
      name: 'categorical prediction',
      profile: ReferenceProfile.fromColumns({
        numeric: { age: Array.from({ length: 500 }, (_, i) => 20 + (i % 50)) },
        categorical: { city: Array.from({ length: 500 }, (_, i) => CITIES[i % 4]) },
        prediction: Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')),
      }),
    },
  ];

  it.each(cases)(
    'gives the state observe() gives, byte for byte, for any subset of rows ($name)',
    ({ profile: p }) => {
      for (let seed = 1; seed <= 8; seed++) {
        const evts = messyEvents(1500 + 97 * seed, seed);
        const columns = eventColumns(evts);
        const r = new TestRandom(1000 + seed);
        // Rows of one pane: an increasing subset, in up to three calls (as panes are flushed).
        const rows = evts.map((_, i) => i).filter(() => r.next() < 0.7);
        const byObject = new WindowProfile(p);
        for (const row of rows) byObject.observe(evts[row]);
        const byColumns = new WindowProfile(p);
        const cut1 = r.int(rows.length);
        const cut2 = cut1 + r.int(rows.length - cut1);
        byColumns.observeColumns(columns, rows.slice(0, cut1));
        byColumns.observeColumns(columns, Int32Array.from(rows.slice(cut1, cut2)));
        byColumns.observeColumns(columns, rows.slice(cut2));
        expect(Buffer.from(byColumns.serialize())).toEqual(Buffer.from(byObject.serialize()));
        expect(byColumns.quality()).toEqual(byObject.quality());
        expect(evaluateDrift(p, byColumns)).toEqual(evaluateDrift(p, byObject));
      }
    },
  );

  // Small sketches: past their exact limit at once, their digests flushing every 64 values.
  const r0 = new TestRandom(3);
  const smallSketches = ReferenceProfile.fromColumns(
    {
      numeric: {
        age: Array.from({ length: 2000 }, () => r0.normal(40, 10)),
        income: Array.from({ length: 2000 }, () => Math.exp(r0.normal(10, 0.5))),
        rooms: Array.from({ length: 2000 }, () => 1 + r0.int(4)),
      },
      categorical: {
        city: Array.from({ length: 2000 }, () => r0.pick(CITIES)),
        plan: Array.from({ length: 2000 }, () => (r0.next() < 0.3 ? 'pro' : 'free')),
      },
      prediction: Array.from({ length: 2000 }, () => r0.next()),
    },
    { sketchCompression: 20, sketchExactLimit: 16 },
  );

  it.each([
    { name: 'default sketches', p: profile },
    { name: 'small sketches', p: smallSketches },
  ])(
    'gives every pane of one profile the state observe() gives when panes share batches and their slots ($name)',
    ({ p }) => {
      // As the monitor's streams: each row in a pane of segment '*' and in panes of its segments,
      // dense and sparse subsets, over two batches, the panes reading them in any interleaving.
      // (The profile of every feature: the two batches list unexpected keys in different column
      // orders, the documented exception of observeColumns.)
      for (let seed = 1; seed <= 6; seed++) {
        const evts = messyEvents(1200 + 53 * seed, 20 + seed);
        const r = new TestRandom(2000 + seed);
        const cut = 200 + r.int(evts.length - 400);
        const batches = [evts.slice(0, cut), evts.slice(cut)].map((part, b) => ({
          events: part,
          columns: eventColumns(part),
          first: b === 0 ? 0 : cut,
        }));
        const densities = [1, 0.5, 0.2, 0.05, 0.01];
        const paneRows = densities.map((d) =>
          batches.map((batch) => batch.events.map((_, i) => i).filter(() => d === 1 || r.next() < d)),
        );
        const byObject = paneRows.map((perBatch) => {
          const w = new WindowProfile(p);
          perBatch.forEach((rows, b) => rows.forEach((row) => w.observe(batches[b].events[row])));
          return w;
        });
        const byColumns = densities.map(() => new WindowProfile(p));
        // Each pane reads each batch in two calls; batch 0 before batch 1 per pane, panes interleaved.
        const steps = paneRows.flatMap((perBatch, pane) =>
          perBatch.flatMap((rows, b) => {
            const at = r.int(rows.length + 1);
            return [
              { pane, b, rows: rows.slice(0, at), part: 0 },
              { pane, b, rows: rows.slice(at), part: 1 },
            ];
          }),
        );
        const done = new Set<string>();
        while (done.size < steps.length) {
          const ready = steps.filter(
            (s, k) =>
              !done.has(String(k)) &&
              steps.every(
                (t, j) => done.has(String(j)) || t.pane !== s.pane || t.b * 2 + t.part >= s.b * 2 + s.part,
              ),
          );
          const step = ready[r.int(ready.length)];
          byColumns[step.pane].observeColumns(batches[step.b].columns, step.rows);
          done.add(String(steps.indexOf(step)));
        }
        byColumns.forEach((w, pane) => {
          expect(Buffer.from(w.serialize())).toEqual(Buffer.from(byObject[pane].serialize()));
        });
      }
    },
  );

  it('counts every quality case the per-event test counts', () => {
    const evts: ObservedEvent[] = [
      {
        numeric: { age: null, income: Infinity, rooms: 2 },
        categorical: { city: 'rome', plan: 'free' },
        prediction: 0.5,
      },
      {
        numeric: { income: 1, shoe: 42 },
        categorical: { city: 'rome', rooms: '3', age: 'x' },
        prediction: 'yes',
      },
      { numeric: { age: 150, income: 1e9, rooms: 0, plan: 7 }, categorical: { city: null, colour: 'red' } },
    ];
    const w = new WindowProfile(profile);
    w.observeColumns(eventColumns(evts), [0, 1, 2]);
    const q = Object.fromEntries(w.quality().map((x) => [x.feature, x]));
    expect(q.age).toMatchObject({ events: 3, nulls: 1, absent: 0, wrongType: 1, valid: 1, aboveRange: 1 });
    expect(q.income).toMatchObject({ nonFinite: 1, valid: 2, aboveRange: 1 });
    expect(q.rooms).toMatchObject({ wrongType: 1, valid: 2, belowRange: 1 });
    expect(q.city).toMatchObject({ nulls: 1, valid: 2, otherCategory: 2 });
    expect(q.plan).toMatchObject({ wrongType: 1, absent: 1, valid: 1 });
    expect(q.prediction).toMatchObject({ valid: 1, wrongType: 1, absent: 1 });
    expect(w.unexpectedFeatures().total).toBe(2);
  });
});
