/**
 * Segment keys whose values the reference profile does not give: stage 1 windows candidates and
 * folds the rest into `key=other` per source partition; stage 2 (chooseSegments) reports the K most
 * frequent values of the window. Guarantees, as properties over seeded random streams split over
 * 1–4 source partitions in random ways:
 *
 * - every report holds exactly the window's events of what its segment names (value V; `other`:
 *   every value not reported on its own), whatever the partitioning — its counts and statistics
 *   equal those of one WindowProfile that saw exactly those events (one process seeing everything);
 * - the values reported, plus those some partition folded (reported within `other`), are the K most
 *   frequent of the window by true count (ties by value);
 * - a value tracked on some partitions and folded on others is never reported with part of its
 *   events: it is reported within `other`, which then holds all of them.
 */
import {
  type CategoricalFeature,
  type NumericFeature,
  type ReferenceProfile,
  WindowProfile,
  evaluateDrift,
} from '@continuum/drift';
import { type MonitorWindowPartial } from '@continuum/events';
import { type MonitoredEvent } from '../streams/monitored-event';
import {
  PartitionWindows,
  type PartitionWindowsOptions,
  StageOneOutput,
} from '../windowing/partition-windows';
import { MINUTE, T0, catalog, rng } from '../windowing/windowing-fixtures';
import { type PendingWindow } from './combiner-state';
import { chooseSegments, mergeStates, segmentGroups } from './segment-choice';

const K = 3;
const CITIES = Array.from({ length: 15 }, (_, i) => `c${String(i).padStart(2, '0')}`);
const BOUNDS = { start: T0, end: T0 + MINUTE };

const options = (partition: number): PartitionWindowsOptions => ({
  topic: 'ct.predictions',
  partition,
  source: 'PREDICTIONS',
  window: { sizeMs: MINUTE, hopMs: MINUTE, latenessMs: 0 },
  segmentKeys: ['city'],
  maxSegmentsPerKey: K,
  bootstrapEvents: 0,
});

function event(i: number, city: string, r: () => number): MonitoredEvent {
  return {
    modelId: 'a',
    modelVersion: '1',
    eventId: `e${i}`,
    timestamp: T0 + (i % 50_000),
    numeric: { x: CITIES.indexOf(city) / 3 + 10 * r(), y: r() },
    categorical: { c: ['FR', 'DE', 'US'][Math.floor(r() * 3)] },
    prediction: r(),
    segments: { city },
  };
}

/** Stage 1 on each partition (events in the given order), then the city partials of the first window. */
function stageOne(perPartition: MonitoredEvent[][]): MonitorWindowPartial[] {
  const refs = catalog();
  const partials: MonitorWindowPartial[] = [];
  perPartition.forEach((events, partition) => {
    const windows = new PartitionWindows(options(partition), refs);
    const out = new StageOneOutput();
    events.forEach((e, offset) => windows.observe(offset, e, out));
    // A later event closes the window on this partition.
    windows.observe(
      events.length,
      { ...events[0], eventId: 'closer', timestamp: T0 + MINUTE, segments: {} },
      out,
    );
    partials.push(...out.partials.filter((p) => p.stream.segment.startsWith('city=')));
  });
  return partials;
}

/** What one process holding every event would compute for a segment: a state of exactly its events. */
function truth(profile: ReferenceProfile, events: readonly MonitoredEvent[]): WindowProfile {
  const state = new WindowProfile(profile, BOUNDS);
  for (const e of events) state.observe(e);
  return state;
}

function expectSameReport(profile: ReferenceProfile, merged: WindowProfile, expected: WindowProfile): void {
  expect(merged.eventCount).toBe(expected.eventCount);
  const x = profile.feature('x') as NumericFeature;
  const c = profile.feature('c') as CategoricalFeature;
  expect([...merged.numericBinCounts(x)]).toEqual([...expected.numericBinCounts(x)]);
  expect([...merged.numericGridCounts(x)]).toEqual([...expected.numericGridCounts(x)]);
  expect([...merged.categoryCounts(c)]).toEqual([...expected.categoryCounts(c)]);
  const a = evaluateDrift(profile, merged);
  const b = evaluateDrift(profile, expected);
  expect(a.features.map((f) => f.feature)).toEqual(b.features.map((f) => f.feature));
  // NaN (a statistic without enough data) equals NaN; numbers to 1e-9.
  const same = (u: number | null, v: number | null) =>
    u === null || v === null || Number.isNaN(u) || Number.isNaN(v)
      ? String(u) === String(v)
      : Math.abs(u - v) <= 1e-9;
  a.features.forEach((f, i) => {
    const g = b.features[i];
    expect({ feature: f.feature, value: same(f.value, g.value), pValue: same(f.pValue, g.pValue) }).toEqual({
      feature: f.feature,
      value: true,
      pValue: true,
    });
    expect(f.drifted).toBe(g.drifted);
  });
}

/** The K most frequent values by true count, ties by value. */
function trueTop(events: readonly MonitoredEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.segments.city, (counts.get(e.segments.city) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, K)
    .map(([v]) => v);
}

function checkWindow(perPartition: MonitoredEvent[][]) {
  const profile = catalog().referenceFor({ modelId: 'a', source: 'PREDICTIONS', modelVersion: '1' })!.profile;
  const all = perPartition.flat();
  const choice = chooseSegments('city', stageOne(perPartition), K);
  const reported = choice.segments.filter((s) => s.segment !== 'city=other').map((s) => s.segment.slice(5));
  expect([...reported, ...choice.foldedTopValues].sort()).toEqual(trueTop(all).sort());
  for (const s of choice.segments) {
    const value = s.segment.slice(5);
    const events =
      s.segment === 'city=other'
        ? all.filter((e) => !reported.includes(e.segments.city))
        : all.filter((e) => e.segments.city === value);
    expectSameReport(profile, mergeStates(profile, BOUNDS, s.partials), truth(profile, events));
  }
  // Every event is in exactly one reported segment.
  expect(choice.segments.reduce((n, s) => n + s.partials.reduce((m, p) => m + p.eventCount, 0), 0)).toBe(
    all.length,
  );
  return { choice, reported };
}

describe('chooseSegments: the K most frequent values over every source partition', () => {
  it('property: reports equal one process over all events, and the top K are the true top K (24 seeded splits)', () => {
    let folded = 0;
    let withOther = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const r = rng(seed);
      const partitions = 1 + Math.floor(r() * 4);
      const n = 150 + Math.floor(r() * 600);
      // Zipf-like city frequencies, with a random order of first appearance.
      const weights = CITIES.map((_, i) => 1 / (i + 1) ** (0.5 + r()));
      const total = weights.reduce((a, b) => a + b, 0);
      const perPartition: MonitoredEvent[][] = Array.from({ length: partitions }, () => []);
      const weightOf = (e: MonitoredEvent) => weights[CITIES.indexOf(e.segments.city)];
      for (let i = 0; i < n; i++) {
        let u = r() * total;
        let c = 0;
        while (u > weights[c] && c < CITIES.length - 1) u -= weights[c++];
        perPartition[Math.floor(r() * partitions)].push(event(i, CITIES[c], r));
      }
      // Half the splits meet the rarest cities first: the heavy ones are then folded on some partitions.
      if (seed % 2 === 0) for (const events of perPartition) events.sort((a, b) => weightOf(a) - weightOf(b));
      const { choice } = checkWindow(perPartition.filter((p) => p.length > 0));
      folded += choice.foldedTopValues.length;
      if (choice.segments.some((s) => s.segment === 'city=other')) withOther++;
    }
    // The property is exercised on both branches: values folded somewhere, and an 'other' segment.
    expect(folded).toBeGreaterThan(0);
    expect(withOther).toBe(24);
  });

  it('a value tracked on one partition and folded on another is reported within other, with all its events', () => {
    const r = rng(7);
    // Partition 0 meets six rare cities first (its 2·K candidates), then paris: folded there.
    const p0 = [
      ...CITIES.slice(1, 7).map((c, i) => event(i, c, r)),
      ...Array.from({ length: 40 }, (_, i) => event(100 + i, 'paris', r)),
    ];
    // Partition 1 meets paris first: a candidate there.
    const p1 = Array.from({ length: 60 }, (_, i) => event(200 + i, 'paris', r));
    const { choice, reported } = checkWindow([p0, p1]);
    expect(choice.foldedTopValues).toContain('paris');
    expect(reported).not.toContain('paris');
    expect(choice.counts[0]).toEqual({ value: 'paris', count: 100, error: 0 });
  });

  it('values folded on some partitions but outside the top K leave the top K reported on their own', () => {
    const r = rng(8);
    const heavy = ['c00', 'c01', 'c02'];
    const p0 = [...heavy, ...heavy, ...CITIES.slice(3)].map((c, i) => event(i, c, r));
    // Partition 1 meets the light cities in the opposite order: c03–c05 are candidates on partition
    // 0 and folded on 1, c12–c14 the reverse.
    const p1 = [...heavy, ...heavy, ...heavy, ...CITIES.slice(3).reverse()].map((c, i) =>
      event(100 + i, c, r),
    );
    const { choice, reported } = checkWindow([p0, p1]);
    expect(reported).toEqual(heavy);
    expect(choice.foldedTopValues).toEqual([]);
  });

  it('a key-other partial without a folded-values sketch (an older monitor) may hold anything: nothing is reported on its own', () => {
    const r = rng(9);
    const p0 = CITIES.map((c, i) => event(i, c, r));
    const partials = stageOne([p0]).map((p) =>
      p.stream.segment === 'city=other' ? { ...p, foldedValues: null } : p,
    );
    const choice = chooseSegments('city', partials, K);
    expect(choice.segments.map((s) => s.segment)).toEqual(['city=other']);
    expect(choice.segments[0].partials).toHaveLength(partials.length);
  });

  it("groups a window's segments of one key, and '*' alone", () => {
    const subject = { modelId: 'a', source: 'PREDICTIONS' as const, modelVersion: '1' };
    const w = (segment: string, start: number): PendingWindow => ({
      key: `${segment}@${start}`,
      partialsPartition: 0,
      stream: { subject, segment },
      start,
      end: start + MINUTE,
      parts: new Map(),
    });
    const windows = [w('*', 0), w('city=a', 0), w('city=other', 0), w('channel=web', 0), w('city=a', MINUTE)];
    expect(segmentGroups(windows).map((g) => g.map((x) => x.key))).toEqual([
      ['*@0'],
      ['city=a@0', 'city=other@0'],
      ['channel=web@0'],
      [`city=a@${MINUTE}`],
    ]);
    // A pending window of a closing group joins it; one of no closing group does not.
    const pending = [...windows, w('city=b', 0), w('city=b', 2 * MINUTE), w('*', MINUTE)];
    expect(segmentGroups(windows.slice(0, 2), pending).map((g) => g.map((x) => x.key))).toEqual([
      ['*@0'],
      ['city=a@0', 'city=other@0', 'city=b@0'],
    ]);
  });
});
