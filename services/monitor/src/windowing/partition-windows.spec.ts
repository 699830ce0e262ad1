import { ReferenceProfile } from '@continuum/drift';
import { VERSION_EVENT_DEFAULTS } from '@continuum/registry';
import { type MonitorWindowPartial } from '@continuum/events';
import { ReferenceIndex } from '../references/reference-index';
import { PartitionWindows, type PartitionWindowsOptions, StageOneOutput } from './partition-windows';
import { MINUTE, T0, catalog, events, options, rng } from './windowing-fixtures';

function identity(p: MonitorWindowPartial): string {
  return `${JSON.stringify(p.stream)} ${p.windowStart} ${p.eventCount} ${p.droppedLateEvents} ${p.state.toString('base64')} ${p.foldedValues?.toString('base64') ?? '-'}`;
}

describe('PartitionWindows', () => {
  const input = events(6000, 11);
  const refs = catalog();

  function straight(opts = options): string[] {
    const state = new PartitionWindows(opts, refs);
    const out = new StageOneOutput();
    input.forEach((e, i) => state.observe(i, e, out));
    return out.partials.map(identity);
  }

  it('emits each window of each stream once, segments bounded to 2·K candidates per key and window plus other', () => {
    // K = 2: 4 candidates per pane (a window here) and partition, the fifth country in 'other'.
    const state = new PartitionWindows({ ...options, maxSegmentsPerKey: 2 }, refs);
    const out = new StageOneOutput();
    input.forEach((e, i) => state.observe(i, e, out));
    const ids = out.partials.map((p) => `${JSON.stringify(p.stream)}@${p.windowStart}`);
    expect(new Set(ids).size).toBe(ids.length);
    const perWindow = new Map<string, string[]>();
    for (const p of out.partials.filter((x) => x.stream.segment.startsWith('country='))) {
      const id = `${p.stream.subject.modelId}@${p.windowStart}`;
      perWindow.set(id, [...(perWindow.get(id) ?? []), p.stream.segment]);
      // Only 'other' carries the values it folded.
      expect(p.foldedValues !== null).toBe(p.stream.segment === 'country=other');
    }
    for (const segments of perWindow.values()) {
      expect(segments.filter((s) => s !== 'country=other').length).toBeLessThanOrEqual(4);
    }
    expect([...perWindow.values()].some((s) => s.includes('country=other'))).toBe(true);
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
    // Each event is counted once: windowed, awaiting a reference, or dropped (not also windowed).
    expect(out.windowed + out.awaitingReference + out.dropped).toBe(input.length);
  });

  it('does not count again the events a previous owner of the partition announced (a replay after a rebalance)', () => {
    const replayed = 2500;
    const state = new PartitionWindows(options, refs);
    state.markAnnounced({ watermark: -Infinity, nextOffset: replayed });
    const out = new StageOneOutput();
    input.forEach((e, i) => state.observe(i, e, out));
    expect(out.events).toBe(input.length);
    expect(out.windowed + out.awaitingReference + out.dropped).toBe(input.length - replayed);
  });

  it('restored from a checkpoint after any record, continues exactly as if never stopped', () => {
    // K = 2 folds the fifth country into 'other' and its sketch: restored identically too.
    for (const opts of [options, { ...options, maxSegmentsPerKey: 2 }]) {
      const expected = straight(opts);
      for (const cut of [1, 777, 2500, 4999]) {
        let state = new PartitionWindows(opts, refs);
        const out = new StageOneOutput();
        input.forEach((e, i) => {
          state.observe(i, e, out);
          if (i === cut) state = PartitionWindows.restore(opts, refs, state.checkpoint());
        });
        expect(out.partials.map(identity)).toEqual(expected);
      }
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

describe('PartitionWindows publishing the open windows of an idle partition', () => {
  const input = events(6000, 11);
  const refs = catalog();
  const windowId = (p: MonitorWindowPartial) => `${JSON.stringify(p.stream)}@${p.windowStart}`;
  const content = (p: MonitorWindowPartial) => `${p.eventCount} ${p.state.toString('base64')}`;

  it('stage 2 sees the same final state of every window whether or not a partition went idle mid-stream', () => {
    const straight = new PartitionWindows(options, refs);
    const all = new StageOneOutput();
    input.forEach((e, i) => straight.observe(i, e, all));
    for (const cut of [1000, 3333]) {
      let state = new PartitionWindows(options, refs);
      const before = new StageOneOutput();
      input.slice(0, cut).forEach((e, i) => state.observe(i, e, before));
      const idle = new StageOneOutput();
      state.publishOpenWindows(idle);
      expect(idle.partials.length).toBeGreaterThan(0);
      expect(idle.partials.every((p) => p.earlierEventCount === 0 && p.droppedLateEvents === 0)).toBe(true);
      // Idle twice without a record in between: nothing new to publish.
      const again = new StageOneOutput();
      state.publishOpenWindows(again);
      expect(again.partials).toHaveLength(0);
      state = PartitionWindows.restore(options, refs, state.checkpoint());
      const after = new StageOneOutput();
      input.slice(cut).forEach((e, i) => state.observe(cut + i, e, after));
      // What stage 2 keeps: the latest partial of each window and source partition.
      const latest = new Map<string, MonitorWindowPartial>();
      for (const p of [...before.partials, ...idle.partials, ...after.partials]) latest.set(windowId(p), p);
      const expected = new Map(all.partials.map((p) => [windowId(p), content(p)]));
      const got = new Map([...latest].filter(([id]) => expected.has(id)).map(([id, p]) => [id, content(p)]));
      expect(got).toEqual(expected);
      const provisional = new Map(idle.partials.map((p) => [windowId(p), p.eventCount]));
      for (const p of after.partials) {
        expect(p.earlierEventCount).toBe(provisional.get(windowId(p)) ?? 0);
        if (provisional.has(windowId(p))) expect(p.eventCount).toBeGreaterThan(p.earlierEventCount);
      }
    }
  });

  it('a window that did not grow after it was published provisionally is not published again', () => {
    const state = new PartitionWindows(options, refs);
    const out = new StageOneOutput();
    input.slice(0, 2000).forEach((e, i) => state.observe(i, e, out));
    const idle = new StageOneOutput();
    state.publishOpenWindows(idle);
    const later = new StageOneOutput();
    // One event an hour later closes every open window.
    state.observe(2000, { ...input[0], timestamp: T0 + 60 * MINUTE }, later);
    const provisional = new Set(idle.partials.map(windowId));
    expect(later.partials.filter((p) => provisional.has(windowId(p)))).toEqual(
      later.partials.filter((p) => provisional.has(windowId(p)) && p.droppedLateEvents > 0),
    );
    expect(later.partials.every((p) => p.earlierEventCount === 0 || p.droppedLateEvents > 0)).toBe(true);
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
    const refs = new ReferenceIndex();
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
    expect(after.windowed + after.dropped).toBe(input.length - 500 - before);
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
      ...VERSION_EVENT_DEFAULTS,
      eventId: 're',
      modelId: 'a',
      version: '1',
      parentVersion: null,
      // The version's reference profile replaced (re-registering a version is refused).
      change: 'METRICS_UPDATED',
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
