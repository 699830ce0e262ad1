import type { TimedExample } from '../example';
import { LogisticRegression } from '../models/linear-models';
import { SeededRandom } from '../random';
import { selectDynamicWindow } from './dynamic-window';
import { ExampleBuffer } from './example-buffer';
import { fixedWindow } from './fixed-window';
import { windowMetadata } from './window';
import {
  profileFromExamples,
  representativeSubsample,
  type ProductionProfile,
} from './representative-subsample';

const at = (t: number, label = 0, x = t): TimedExample => ({ timestamp: t, numeric: { x }, label });

describe('ExampleBuffer', () => {
  it('keeps the newest examples by event time, inserting late ones in order', () => {
    const b = new ExampleBuffer({ capacity: 4 });
    [1, 2, 5, 3, 4, 6].forEach((t) => b.add(at(t)));
    expect(b.toArray().map((e) => e.timestamp)).toEqual([3, 4, 5, 6]);
    expect(b.evicted).toBe(2);
    expect(b.lastN(2).map((e) => e.timestamp)).toEqual([5, 6]);
    expect(b.between(4, 6).map((e) => e.timestamp)).toEqual([4, 5]);
    expect([b.oldestTimestamp, b.newestTimestamp]).toEqual([3, 6]);
  });

  it('evicts by age and compacts without losing order', () => {
    const b = new ExampleBuffer({ capacity: 100_000, maxAgeMs: 1000 });
    for (let t = 0; t < 5000; t++) b.add(at(t));
    expect(b.size).toBe(1001);
    expect(b.oldestTimestamp).toBe(3999);
    expect(b.toArray().every((e, i, a) => i === 0 || a[i - 1].timestamp <= e.timestamp)).toBe(true);
  });

  it('refuses an example without a finite timestamp', () => {
    const b = new ExampleBuffer({ capacity: 2 });
    expect(() => b.add({ label: 1 } as TimedExample)).toThrow(/timestamp/);
    expect(() => new ExampleBuffer({ capacity: 0 })).toThrow(/capacity/);
  });
});

describe('fixedWindow', () => {
  const shuffled = new SeededRandom(1).shuffle(Array.from({ length: 100 }, (_, t) => at(t * 10)));

  it('selects the last N by event time from an unordered source', () => {
    const w = fixedWindow(shuffled, { lastN: 5 });
    expect(w.examples.map((e) => e.timestamp)).toEqual([950, 960, 970, 980, 990]);
    expect(w).toMatchObject({ strategy: 'fixed', count: 5, start: 950, end: 990 });
  });

  it('selects the last T of event time, relative to the newest example or to an explicit end', () => {
    expect(fixedWindow(shuffled, { durationMs: 30 }).examples.map((e) => e.timestamp)).toEqual([
      970, 980, 990,
    ]);
    expect(fixedWindow(shuffled, { durationMs: 30 }, { end: 500 }).examples.map((e) => e.timestamp)).toEqual([
      470, 480, 490,
    ]);
    expect(fixedWindow(shuffled, { lastN: 2 }, { end: 500 }).examples.map((e) => e.timestamp)).toEqual([
      480, 490,
    ]);
  });

  it('describes itself for model-version metadata, without the examples', () => {
    const meta = windowMetadata(fixedWindow(shuffled, { lastN: 5 }));
    expect(meta).toEqual({ strategy: 'fixed', count: 5, start: 950, end: 990, size: { lastN: 5 } });
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
  });

  it('refuses bad sizes', () => {
    expect(() => fixedWindow([], { lastN: 0 })).toThrow(/lastN/);
    expect(() => fixedWindow([], {} as never)).toThrow(/lastN.*durationMs/);
  });
});

describe('selectDynamicWindow', () => {
  // Concept flips at t = 8000: the label is x > 0 before, x < 0 after. Only windows
  // that mostly hold post-flip data predict the hold-out well.
  const rng = new SeededRandom(5);
  const stream: TimedExample[] = Array.from({ length: 10_000 }, (_, t) => {
    const x = rng.normal();
    const label = (t < 8000 ? x > 0 : x < 0) ? 1 : 0;
    return { timestamp: t, numeric: { x }, label };
  });
  const train = (examples: TimedExample[]) => {
    const m = new LogisticRegression({ features: { features: [{ name: 'x', type: 'numeric' }] }, l2: 1e-3 });
    m.fit(examples);
    return m;
  };

  it('holds out the newest slice, scores every candidate on it, and picks the best', () => {
    const result = selectDynamicWindow(stream, {
      candidates: [{ lastN: 1000 }, { lastN: 4000 }, { lastN: 9000 }],
      holdout: { lastN: 500 },
      train,
      metric: 'accuracy',
    });
    expect(result.candidates.map((c) => c.count)).toEqual([1000, 4000, 9000]);
    expect(result.holdout).toEqual({ count: 500, start: 9500, end: 9999 });
    expect(result.chosen.size).toEqual({ lastN: 1000 });
    expect(result.candidates[0].score).toBeGreaterThan(0.95);
    expect(result.candidates[2].score).toBeLessThan(0.5);
    // Refit on the newest 1000 (hold-out included).
    expect(result.selection).toMatchObject({ strategy: 'dynamic', count: 1000, start: 9000, end: 9999 });
    expect(result.model.examplesSeen).toBe(1000);
  });

  it('without refit returns the candidate model trained before the hold-out; durations work too', () => {
    const result = selectDynamicWindow(stream, {
      candidates: [{ durationMs: 500 }, { durationMs: 6000 }],
      holdout: { durationMs: 1000 },
      train,
      refit: false,
    });
    expect(result.metric).toBe('logLoss');
    expect(result.holdout.count).toBe(1000);
    expect(result.chosen.size).toEqual({ durationMs: 500 });
    expect(result.selection).toMatchObject({ count: 500, start: 8500, end: 8999 });
  });

  it('refuses a source too small for a hold-out and a window', () => {
    expect(() =>
      selectDynamicWindow(stream.slice(0, 10), { candidates: [{ lastN: 5 }], holdout: { lastN: 10 }, train }),
    ).toThrow(/too few examples/);
  });
});

describe('representativeSubsample', () => {
  // Pool: mostly small x (50% in [0,1), 30% in [1,2), 20% in [2,3)); production: mostly large x.
  const rng = new SeededRandom(9);
  const pool: TimedExample[] = Array.from({ length: 6000 }, (_, t) => {
    const u = rng.next();
    const x = u < 0.5 ? rng.uniform(0, 1) : u < 0.8 ? rng.uniform(1, 2) : rng.uniform(2, 3);
    const colour = rng.next() < 0.5 ? 'red' : 'blue';
    return { timestamp: t, numeric: { x }, categorical: { colour }, label: x > 1.5 ? 1 : 0 };
  });
  const profile: ProductionProfile = {
    features: [
      { feature: 'x', kind: 'numeric', edges: [0, 1, 2, 3], proportions: [0.1, 0.2, 0.7] },
      { feature: 'colour', kind: 'categorical', categories: ['red', 'blue'], proportions: [0.8, 0.2] },
    ],
  };

  it('stratified: matches the production shares of the stratifying feature exactly', () => {
    const s = representativeSubsample(pool, { profile, size: 1000, seed: 1 });
    expect(s.count).toBe(1000);
    const share = (lo: number, hi: number) =>
      s.examples.filter((e) => e.numeric!.x! >= lo && e.numeric!.x! < hi).length;
    expect([share(0, 1), share(1, 2), share(2, 3)]).toEqual([100, 200, 700]);
    expect(s.psiAfter.x).toBeLessThan(0.001);
    expect(s.psiBefore.x).toBeGreaterThan(0.5);
    // Sorted by time, drawn without replacement.
    expect(new Set(s.examples).size).toBe(1000);
    expect(s.examples.every((e, i, a) => i === 0 || a[i - 1].timestamp < e.timestamp)).toBe(true);
  });

  it('stratified: a stratum that runs short gives all it has and its quota goes to the others', () => {
    const inTop = pool.filter((e) => e.numeric!.x! >= 2).length;
    const s = representativeSubsample(pool, { profile, size: 2000, seed: 1 });
    const share = (lo: number, hi: number) =>
      s.examples.filter((e) => e.numeric!.x! >= lo && e.numeric!.x! < hi).length;
    expect(share(2, 3)).toBe(inTop);
    const rest = 2000 - inTop;
    expect(share(0, 1)).toBe(Math.round(rest / 3));
    expect(share(1, 2)).toBe(rest - Math.round(rest / 3));
  });

  it('stratified on two features (joint strata)', () => {
    const s = representativeSubsample(pool, { profile, size: 2000, stratifyBy: ['x', 'colour'], seed: 2 });
    expect(s.count).toBe(2000);
    expect(s.psiAfter.x).toBeLessThan(s.psiBefore.x);
    expect(s.psiAfter.colour).toBeLessThan(s.psiBefore.colour);
  });

  it('weighted sampling and importance weights bring every profile feature closer to production', () => {
    const w = representativeSubsample(pool, { profile, size: 1500, method: 'weighted', seed: 3 });
    expect(w.count).toBe(1500);
    expect(w.psiAfter.x).toBeLessThan(w.psiBefore.x / 4);
    expect(w.psiAfter.colour).toBeLessThan(w.psiBefore.colour / 4);
    const weights = representativeSubsample(pool, { profile, method: 'weights' });
    expect(weights.count).toBe(pool.length);
    const mean = weights.examples.reduce((s, e) => s + (e.weight as number), 0) / pool.length;
    expect(mean).toBeCloseTo(1, 10);
    expect(weights.psiAfter.x).toBeLessThan(0.01);
  });

  it('leaves out excluded (drifted) periods', () => {
    const s = representativeSubsample(pool, {
      profile,
      size: 500,
      exclude: [{ start: 1000, end: 3000, reason: 'drift' }],
      seed: 4,
    });
    expect(s.excluded).toBe(2000);
    expect(s.examples.some((e) => e.timestamp >= 1000 && e.timestamp < 3000)).toBe(false);
  });

  it('is deterministic for a seed', () => {
    const a = representativeSubsample(pool, { profile, size: 300, method: 'weighted', seed: 7 });
    const b = representativeSubsample(pool, { profile, size: 300, method: 'weighted', seed: 7 });
    expect(a.examples).toEqual(b.examples);
  });

  it('builds a profile from recent examples with libs/drift (quantile bins, observed categories)', () => {
    const p = profileFromExamples(pool, [
      { feature: 'x', kind: 'numeric', bins: 4 },
      { feature: 'colour', kind: 'categorical' },
    ]);
    const x = p.features[0];
    expect(x.kind === 'numeric' && x.proportions.length).toBe(4);
    x.proportions.forEach((q) => expect(q).toBeCloseTo(0.25, 2));
    const colour = p.features[1];
    // Categories most frequent first (libs/drift's order), with their shares.
    expect(colour.kind === 'categorical' && [...colour.categories].sort()).toEqual(['blue', 'red']);
    colour.proportions.forEach((q) => expect(q).toBeCloseTo(0.5, 1));
  });

  it('refuses a malformed profile', () => {
    const bad = {
      features: [{ feature: 'x', kind: 'numeric', edges: [0, 1], proportions: [0.5, 0.5] }],
    } as ProductionProfile;
    expect(() => representativeSubsample(pool, { profile: bad, size: 10 })).toThrow(/edges/);
    expect(() => representativeSubsample(pool, { profile, size: 10, stratifyBy: ['nope'] })).toThrow(/nope/);
  });
});
