import { ReferenceProfile } from '@continuum/drift';
import { type MonitorWindowPartial } from '@continuum/events';
import { CatalogState } from '../references/catalog-state';
import { type MonitoredEvent } from '../streams/monitored-event';
import { PartitionWindows, type PartitionWindowsOptions, StageOneOutput } from './partition-windows';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function events(n: number, seed: number): MonitoredEvent[] {
  const r = rng(seed);
  const countries = ['FR', 'DE', 'US', 'ES', 'IT'];
  const out: MonitoredEvent[] = [];
  for (let i = 0; i < n; i++) {
    const late = i % 97 === 0 ? 3 * MINUTE : 0;
    out.push({
      modelId: i % 3 === 0 ? 'b' : 'a',
      modelVersion: '1',
      eventId: `e${i}`,
      timestamp: Math.max(T0, T0 + i * 100 + Math.round((r() - 0.5) * 8000) - late),
      numeric: { x: r() * 10, y: r() },
      categorical: { c: countries[Math.floor(r() * 3)] },
      prediction: r(),
      segments: { country: countries[Math.floor(r() * 5)], channel: r() < 0.5 ? 'web' : 'app' },
    });
  }
  return out;
}

function catalog(): CatalogState {
  const r = rng(5);
  const x = Array.from({ length: 500 }, () => r() * 10);
  const y = Array.from({ length: 500 }, () => r());
  const c = Array.from({ length: 500 }, () => ['FR', 'DE', 'US'][Math.floor(r() * 3)]);
  const p = Array.from({ length: 500 }, () => r());
  const profile = ReferenceProfile.fromColumns({ numeric: { x, y }, categorical: { c }, prediction: p });
  const state = new CatalogState();
  for (const modelId of ['a', 'b']) {
    state.applyVersionEvent({
      eventId: modelId,
      modelId,
      version: '1',
      parentVersion: null,
      change: 'REGISTERED',
      stage: 'CHAMPION',
      strategy: 'EXTERNAL',
      trainingWindow: null,
      metrics: {},
      artifactUri: null,
      contract: null,
      referenceProfile: JSON.stringify(profile.toJSON()),
      occurredAt: 1,
      actor: 'test',
    });
  }
  return state;
}

const options: PartitionWindowsOptions = {
  topic: 'ct.predictions',
  partition: 3,
  source: 'PREDICTIONS',
  window: { sizeMs: MINUTE, hopMs: MINUTE, latenessMs: 5000 },
  segmentKeys: ['country', 'channel'],
  maxSegmentsPerKey: 3,
  bootstrapEvents: 100,
};

function identity(p: MonitorWindowPartial): string {
  return `${JSON.stringify(p.stream)} ${p.windowStart} ${p.eventCount} ${p.droppedLateEvents} ${p.state.toString('base64')}`;
}

describe('PartitionWindows', () => {
  const input = events(6000, 11);
  const refs = catalog();

  function straight(): string[] {
    const state = new PartitionWindows(options, refs);
    const out = new StageOneOutput();
    input.forEach((e, i) => state.observe(i, e, out));
    return out.partials.map(identity);
  }

  it('emits each window of each stream once, segments bounded to 3 values per key plus other', () => {
    const state = new PartitionWindows(options, refs);
    const out = new StageOneOutput();
    input.forEach((e, i) => state.observe(i, e, out));
    const ids = out.partials.map((p) => `${JSON.stringify(p.stream)}@${p.windowStart}`);
    expect(new Set(ids).size).toBe(ids.length);
    const countries = new Set(
      out.partials.map((p) => p.stream.segment).filter((s) => s.startsWith('country=')),
    );
    expect(countries.size).toBe(4);
    expect(countries.has('country=other')).toBe(true);
    // Every event before a model's last closed window end is in exactly one all-traffic partial,
    // or was dropped (late beyond the allowed lateness: counted, not windowed).
    let expected = 0;
    let windowed = 0;
    for (const modelId of ['a', 'b']) {
      const all = out.partials.filter(
        (p) => p.stream.segment === '*' && p.stream.subject.modelId === modelId,
      );
      const closedEnd = Math.max(...all.map((p) => p.windowEnd));
      windowed += all.reduce((n, p) => n + p.eventCount, 0);
      expected += input.filter((e) => e.modelId === modelId && e.timestamp < closedEnd).length;
    }
    expect(out.dropped).toBeGreaterThan(0);
    expect(windowed + out.dropped).toBe(expected);
  });

  it('restored from a checkpoint after any record, continues exactly as if never stopped', () => {
    const expected = straight();
    for (const cut of [1, 777, 2500, 4999]) {
      let state = new PartitionWindows(options, refs);
      const out = new StageOneOutput();
      input.forEach((e, i) => {
        state.observe(i, e, out);
        if (i === cut) state = PartitionWindows.restore(options, refs, state.checkpoint());
      });
      expect(out.partials.map(identity)).toEqual(expected);
    }
  });

  it('replaying records below the restored offset is the caller’s to skip; the offset is kept', () => {
    const state = new PartitionWindows(options, refs);
    const out = new StageOneOutput();
    input.slice(0, 100).forEach((e, i) => state.observe(i, e, out));
    state.skipTo(105);
    expect(PartitionWindows.restore(options, refs, state.checkpoint()).nextOffset).toBe(105);
  });
});

describe('PartitionWindows without a reference profile', () => {
  const input = events(3000, 3).filter((e) => e.modelId === 'a');
  const bootstrapProfile = catalog().referenceFor({
    modelId: 'a',
    source: 'PREDICTIONS',
    modelVersion: '1',
  })!.profile;

  it('forwards the first N events as bootstrap samples, then windows from effectiveFrom once the catalog has a profile', () => {
    const refs = new CatalogState();
    const state = new PartitionWindows({ ...options, segmentKeys: [] }, refs);
    const out = new StageOneOutput();
    input.slice(0, 500).forEach((e, i) => state.observe(i, e, out));
    const samples = [...out.samples.values()];
    expect(samples).toHaveLength(1);
    expect(samples[0].subject).toEqual({ modelId: 'a', source: 'PREDICTIONS', modelVersion: '1' });
    expect(samples[0].events.map((s) => s.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(samples[0].events[0]).toMatchObject({ eventId: input[0].eventId, timestamp: input[0].timestamp });
    expect(out.awaitingReference).toBe(500);
    expect(out.partials).toHaveLength(0);

    const effectiveFrom = T0 + 2 * MINUTE;
    refs.applyBootstrap({
      subject: { modelId: 'a', source: 'PREDICTIONS', modelVersion: '1' },
      referenceProfile: JSON.stringify(bootstrapProfile.toJSON()),
      effectiveFrom,
      sampleCount: 100,
      builtAt: 1,
    });
    const after = new StageOneOutput();
    state.beginBatch();
    input.slice(500).forEach((e, i) => state.observe(500 + i, e, after));
    expect(after.samples.size).toBe(0);
    expect(after.partials.length).toBeGreaterThan(0);
    expect(Math.min(...after.partials.map((p) => p.windowStart))).toBe(effectiveFrom);
    const before = input.slice(500).filter((e) => e.timestamp < effectiveFrom).length;
    expect(after.awaitingReference).toBe(before);
    expect(after.windowed).toBe(input.length - 500 - before);
  });
});

describe('PartitionWindows of feature observations', () => {
  it("windows a model's observations against the inputs of its champion's profile", () => {
    const refs = catalog();
    const state = new PartitionWindows({ ...options, source: 'FEATURES', segmentKeys: [] }, refs);
    const out = new StageOneOutput();
    events(2000, 8).forEach((e, i) =>
      state.observe(i, { ...e, modelVersion: '', prediction: undefined }, out),
    );
    expect(out.partials.length).toBeGreaterThan(0);
    for (const p of out.partials) {
      expect(p.stream.subject).toMatchObject({ source: 'FEATURES', modelVersion: '' });
      expect(p.referenceId).toBe(refs.referenceFor({ ...p.stream.subject })!.id);
    }
    expect(
      refs.referenceFor({ modelId: 'a', source: 'FEATURES', modelVersion: '' })!.profile.prediction,
    ).toBeNull();
  });
});

describe('PartitionWindows with hopping windows and a reference change', () => {
  const hopping: PartitionWindowsOptions = {
    ...options,
    segmentKeys: [],
    window: { sizeMs: 3 * MINUTE, hopMs: MINUTE, latenessMs: 5000 },
  };
  const input = events(9000, 21).filter((e) => e.modelId === 'a');

  it('emits every hopping window once per stream, identically after a restore', () => {
    const refs = catalog();
    const run = (cut?: number) => {
      let state = new PartitionWindows(hopping, refs);
      const out = new StageOneOutput();
      input.forEach((e, i) => {
        state.observe(i, e, out);
        if (i === cut) state = PartitionWindows.restore(hopping, refs, state.checkpoint());
      });
      return out.partials;
    };
    const partials = run();
    const starts = partials.map((p) => p.windowStart);
    expect(new Set(starts).size).toBe(starts.length);
    expect(
      partials.every((p) => p.windowEnd - p.windowStart === 3 * MINUTE && p.windowStart % MINUTE === 0),
    ).toBe(true);
    // A window holds the events of its three panes.
    const middle = partials[Math.floor(partials.length / 2)];
    expect(middle.eventCount).toBeGreaterThan(2 * (input.length / 15));
    expect(run(4321).map(identity)).toEqual(partials.map(identity));
  });

  it('a new reference takes over at the first boundary after the largest event time; no window mixes references', () => {
    const refs = catalog();
    const state = new PartitionWindows(hopping, refs);
    const out = new StageOneOutput();
    const half = Math.floor(input.length / 2);
    input.slice(0, half).forEach((e, i) => state.observe(i, e, out));
    const before = state.maxEventTime;
    const oldRef = refs.referenceFor({ modelId: 'a', source: 'PREDICTIONS', modelVersion: '1' })!.id;
    const r = rng(77);
    const profile = ReferenceProfile.fromColumns({
      numeric: { x: Array.from({ length: 300 }, () => r() * 12), y: Array.from({ length: 300 }, () => r()) },
      categorical: { c: Array.from({ length: 300 }, () => 'FR') },
      prediction: Array.from({ length: 300 }, () => r()),
    });
    refs.applyVersionEvent({
      eventId: 're',
      modelId: 'a',
      version: '1',
      parentVersion: null,
      change: 'REGISTERED',
      stage: 'CHAMPION',
      strategy: 'FULL',
      trainingWindow: null,
      metrics: {},
      artifactUri: null,
      contract: null,
      referenceProfile: JSON.stringify(profile.toJSON()),
      occurredAt: 2,
      actor: 'test',
    });
    const newRef = refs.referenceFor({ modelId: 'a', source: 'PREDICTIONS', modelVersion: '1' })!.id;
    expect(newRef).not.toBe(oldRef);
    state.beginBatch();
    input.slice(half).forEach((e, i) => state.observe(half + i, e, out));
    const switchAt = Math.floor(before / MINUTE) * MINUTE + MINUTE;
    const starts = out.partials.map((p) => p.windowStart);
    expect(new Set(starts).size).toBe(starts.length);
    for (const p of out.partials) expect(p.referenceId).toBe(p.windowStart < switchAt ? oldRef : newRef);
    expect(out.partials.some((p) => p.referenceId === newRef)).toBe(true);
    // Windows overlapping the switch on the old reference still hold their later panes' events.
    const overlapping = out.partials.find((p) => p.windowStart === switchAt - MINUTE);
    expect(overlapping?.eventCount).toBeGreaterThan(2 * (input.length / 15));
  });
});
