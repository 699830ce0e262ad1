/**
 * Issue 13's done-when, on the monitor's pure core: a per-city stream where one feature's level
 * differs by city and never changes, and two cities shift in another feature half-way. Stage 1
 * (PartitionWindows on two source partitions, events spread over both) → partials merged in
 * partition order → the combiner's judgement (segment reference, minimum size) → evaluateDrift.
 * Guarantees: no segment is flagged on the stationary feature in 20 windows; the shifted cities are
 * flagged on the shifted feature in every window after the shift, the others never; against the
 * whole population's reference the stationary feature would be flagged in every city.
 */
import { ReferenceProfileBuilder, evaluateDrift } from '@continuum/drift';
import { type MonitorWindowPartial } from '@continuum/events';
import { VERSION_EVENT_DEFAULTS } from '@continuum/registry';
import { ReferenceIndex } from '../references/reference-index';
import { type MonitoredEvent } from '../streams/monitored-event';
import {
  PartitionWindows,
  type PartitionWindowsOptions,
  StageOneOutput,
} from '../windowing/partition-windows';
import { MINUTE, T0, rng } from '../windowing/windowing-fixtures';
import { type PendingWindow } from './combiner-state';
import { judgeSegment, mergePartials, toDriftReportEvent } from './report-mapping';

const CITIES = ['paris', 'lyon', 'nice', 'lille', 'nantes', 'brest', 'metz', 'dijon'];
const LEVEL = [9, 6, 7, 4, 5, 3, 3.5, 4.5]; // price level per city (std 1 within a city)
const SHIFTED = new Set(['lyon', 'nice']);
const WINDOWS = 20;
const SHIFT_FROM = 10;

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function sale(r: () => number, window: number): Omit<MonitoredEvent, 'eventId' | 'timestamp'> {
  const c = Math.floor(r() * CITIES.length);
  const city = CITIES[c];
  const shift = window >= SHIFT_FROM && SHIFTED.has(city) ? 0.6 : 0;
  return {
    modelId: 'houses',
    modelVersion: '1',
    // price differs by city and never changes; area drifts in two cities from window 10.
    numeric: { price: LEVEL[c] + normal(r), area: 50 + 10 * (normal(r) + shift) },
    categorical: {},
    segments: { city },
  };
}

function catalog(): ReferenceIndex {
  const r = rng(1);
  const builder = new ReferenceProfileBuilder({ segments: { keys: ['city'], maxValues: 8 } });
  for (let i = 0; i < 12_000; i++) builder.observe(sale(r, 0));
  const index = new ReferenceIndex();
  index.applyVersionEvent({
    ...VERSION_EVENT_DEFAULTS,
    eventId: 'houses-1',
    modelId: 'houses',
    version: '1',
    parentVersion: null,
    change: 'REGISTERED',
    stage: 'CHAMPION',
    strategy: 'EXTERNAL',
    trainingWindow: null,
    metrics: {},
    artifactUri: null,
    contract: null,
    referenceProfile: JSON.stringify(builder.build().toJSON()),
    occurredAt: 1,
    actor: 'test',
  });
  return index;
}

const options = (partition: number): PartitionWindowsOptions => ({
  topic: 'ct.predictions',
  partition,
  source: 'PREDICTIONS',
  window: { sizeMs: MINUTE, hopMs: MINUTE, latenessMs: 1000 },
  segmentKeys: ['city'],
  // Fewer than the 8 cities: first-seen tables would put different cities in 'other' per partition.
  maxSegmentsPerKey: 3,
  bootstrapEvents: 0,
});

describe('per-city references in the monitor (issue 13 done-when)', () => {
  const refs = catalog();
  const partitions = [0, 1].map((p) => new PartitionWindows(options(p), refs));
  const outputs = partitions.map(() => new StageOneOutput());
  const r = rng(2);
  const perWindow = 8 * 450;
  for (let i = 0; i < (WINDOWS + 1) * perWindow; i++) {
    const w = Math.floor(i / perWindow);
    const event = { ...sale(r, w), eventId: `e${i}`, timestamp: T0 + w * MINUTE + (i % perWindow) * 15 };
    partitions[i % 2].observe(Math.floor(i / 2), event, outputs[i % 2]);
  }

  // Stage 2: the partials of each (segment, window), merged in source-partition order.
  const windows = new Map<string, PendingWindow>();
  outputs.forEach((out, partition) =>
    out.partials.forEach((partial: MonitorWindowPartial) => {
      const key = `${partial.stream.segment}@${partial.windowStart}`;
      let w = windows.get(key);
      if (!w) {
        w = {
          key,
          partialsPartition: 0,
          stream: partial.stream,
          start: partial.windowStart,
          end: partial.windowEnd,
          parts: new Map(),
        };
        windows.set(key, w);
      }
      w.parts.set(partition, { partial, recordKey: key });
    }),
  );
  const reference = refs.referenceFor({ modelId: 'houses', source: 'PREDICTIONS', modelVersion: '1' })!;
  const reports = [...windows.values()].map((w) => {
    const merged = mergePartials(reference.profile, w, reference.id);
    const judgement = judgeSegment(w.stream, merged.eventCount, 300);
    const report = evaluateDrift(reference.profile, merged, judgement.options);
    const event = toDriftReportEvent(report, {
      stream: w.stream,
      start: w.start,
      end: w.end,
      reference,
      producedAt: 0,
      lateEvents: 0,
      tooSmallToJudge: judgement.tooSmallToJudge,
    });
    const drifted = (f: string) => event.features.find((x) => x.feature === f)!.drifted;
    return {
      w,
      merged,
      event,
      window: (w.start - T0) / MINUTE,
      price: drifted('price'),
      area: drifted('area'),
    };
  });
  const cities = reports.filter((x) => x.w.stream.segment !== '*');

  it('every city is its own segment on both partitions (the reference’s values), with its own reference', () => {
    expect(new Set(cities.map((x) => x.w.stream.segment))).toEqual(new Set(CITIES.map((c) => `city=${c}`)));
    expect(cities.length).toBe(WINDOWS * CITIES.length);
    for (const x of cities) {
      expect(x.w.parts.size).toBe(2);
      expect(x.event.referenceSegment).toBe(x.w.stream.segment);
      expect(x.event.segmentFallback).toBe(false);
      expect(x.event.tooSmallToJudge).toBe(false);
    }
  });

  it('no segment is flagged on the feature whose level differs by city, over 20 windows', () => {
    expect(cities.filter((x) => x.price).map((x) => `${x.w.stream.segment}@${x.window}`)).toEqual([]);
  });

  it('the shifted cities are flagged after the shift, and only they', () => {
    const flagged = cities.filter((x) => x.area).map((x) => `${x.w.stream.segment}@${x.window}`);
    const expected = cities
      .filter((x) => x.window >= SHIFT_FROM && SHIFTED.has(x.w.stream.segment.slice(5)))
      .map((x) => `${x.w.stream.segment}@${x.window}`);
    expect(flagged.sort()).toEqual(expected.sort());
    expect(expected.length).toBe(2 * (WINDOWS - SHIFT_FROM));
  });

  it('the model-level report counts every event once, whatever the segments', () => {
    const all = reports.filter((x) => x.w.stream.segment === '*');
    expect(all.length).toBe(WINDOWS);
    for (const x of all) {
      const inCities = cities
        .filter((c) => c.w.start === x.w.start)
        .reduce((n, c) => n + c.event.eventCount, 0);
      expect(x.event.eventCount).toBe(perWindow);
      expect(inCities).toBe(perWindow);
    }
  });

  it('against the whole population’s reference the level difference is flagged in every city', () => {
    const flagged = cities.filter(
      (x) => evaluateDrift(reference.profile, x.merged).features.find((f) => f.feature === 'price')!.drifted,
    );
    expect(flagged.length).toBe(cities.length);
  });

  it('a small segment is reported as too small to judge; an unknown one falls back to the global reference', () => {
    const x = cities[0];
    const small = judgeSegment(x.w.stream, 299, 300);
    expect(small.tooSmallToJudge).toBe(true);
    const report = evaluateDrift(reference.profile, x.merged, small.options);
    expect(report.features.every((f) => f.status === 'insufficient-data' && !f.drifted)).toBe(true);
    const unknown = evaluateDrift(reference.profile, x.merged, { segment: 'city=rome' });
    expect(unknown.segmentFallback).toBe(true);
    expect(judgeSegment({ ...x.w.stream, segment: '*' }, 10, 300)).toEqual({
      options: {},
      tooSmallToJudge: false,
    });
  });
});
