import { events, referenceProfile } from '../../test/fixtures';
import { TestRandom } from '../../test/random';
import type { ObservedEvent } from '../profile/profile-types';
import { eventColumns } from './event-columns';
import { WindowProfile } from './window-profile';
import { type ClosedWindow, type TimedEvent, type WindowSpec, WindowedProfiles } from './windowing';

const profile = referenceProfile(2000);

function feed(w: WindowedProfiles, evts: TimedEvent[]): ClosedWindow[] {
  const out: ClosedWindow[] = [];
  for (const e of evts) out.push(...w.observe(e));
  return out;
}

function timed(
  n: number,
  seed: number,
  stepMs: number,
  jitterMs: number,
  start = 1_700_000_000_000,
): TimedEvent[] {
  const r = new TestRandom(seed);
  const base = events(n, seed);
  return base.map((e, i) => ({ ...e, timestamp: start + i * stepMs - Math.floor(r.next() * jitterMs) }));
}

/** Straightforward model of event-time windows with a watermark, to check the pane implementation. */
function naiveEventTime(evts: TimedEvent[], size: number, hop: number, lateness: number) {
  const counts = new Map<number, number>();
  let maxTime = -Infinity;
  let dropped = 0;
  for (const e of evts) {
    const t = e.timestamp!;
    const watermark = maxTime - lateness;
    let accepted = false;
    for (let start = Math.floor(t / hop) * hop; start > t - size; start -= hop) {
      if (start + size > watermark) {
        counts.set(start, (counts.get(start) ?? 0) + 1);
        accepted = true;
      }
    }
    if (!accepted) dropped++;
    maxTime = Math.max(maxTime, t);
  }
  return { counts, dropped, watermark: maxTime - lateness };
}

describe('count windows', () => {
  it('tumbling: every `size` events, the rest on flush (marked incomplete)', () => {
    const w = new WindowedProfiles(profile, { type: 'count', size: 100 });
    const closed = feed(w, events(250, 1));
    expect(closed.map((c) => [c.id, c.state.eventCount, c.complete])).toEqual([
      ['0-100', 100, true],
      ['100-200', 100, true],
    ]);
    expect(w.flush().map((c) => [c.id, c.state.eventCount, c.complete])).toEqual([['200-300', 50, false]]);
  });

  it('hopping: full windows of `size` events every `hop` events, each event observed once', () => {
    const w = new WindowedProfiles(profile, { type: 'count', size: 100, hop: 25 });
    const evts = events(200, 2);
    const closed = feed(w, evts);
    expect(closed.map((c) => c.id)).toEqual(['0-100', '25-125', '50-150', '75-175', '100-200']);
    for (const c of closed) {
      expect(c.state.eventCount).toBe(100);
      const direct = new WindowProfile(profile);
      evts.slice(c.start, c.end).forEach((e) => direct.observe(e));
      for (const f of profile.numeric)
        expect(c.state.numericBinCounts(f)).toEqual(direct.numericBinCounts(f));
    }
    expect(w.openPanes).toBeLessThanOrEqual(4);
  });
});

describe('event-time windows', () => {
  it('tumbling windows aligned to epoch multiples of the size', () => {
    const w = new WindowedProfiles(profile, { type: 'event-time', size: 60_000 });
    const closed = feed(w, timed(600, 3, 1000, 0, 1_700_000_010_000));
    expect(closed[0].start % 60_000).toBe(0);
    expect(closed.map((c) => c.end - c.start)).toEqual(closed.map(() => 60_000));
    expect(closed.slice(1).every((c) => c.state.eventCount === 60)).toBe(true);
  });

  it.each([
    [60_000, 60_000, 0],
    [60_000, 20_000, 5_000],
    [60_000, 10_000, 30_000],
    [30_000, 30_000, 120_000],
  ])(
    'size %i hop %i lateness %i: same windows as a naive model, late events counted',
    (size, hop, lateness) => {
      const spec: WindowSpec = { type: 'event-time', size, hop, allowedLateness: lateness };
      const w = new WindowedProfiles(profile, spec);
      // Out-of-order arrivals: jitter up to 45 s, so some events are late and some beyond lateness.
      const evts = timed(3000, 4, 200, 45_000);
      const closed = feed(w, evts);
      const naive = naiveEventTime(evts, size, hop, lateness);
      const flushed = w.flush();
      const got = new Map([...closed, ...flushed].map((c) => [c.start, c.state.eventCount]));
      expect(got).toEqual(naive.counts);
      expect(w.droppedEvents).toBe(naive.dropped);
      expect(closed.every((c) => c.complete && c.end <= naive.watermark)).toBe(true);
      expect(closed.reduce((s, c) => s + c.droppedLateEvents, 0) + (flushed[0]?.droppedLateEvents ?? 0)).toBe(
        naive.dropped,
      );
      expect(w.lateEvents).toBeGreaterThanOrEqual(w.droppedEvents);
    },
  );

  it.each([
    [60_000, 60_000],
    [60_000, 20_000],
  ])(
    'size %i hop %i: openWindows() shows the open windows as flush() would, and changes nothing',
    (size, hop) => {
      const spec: WindowSpec = { type: 'event-time', size, hop, allowedLateness: 5_000 };
      const w = new WindowedProfiles(profile, spec);
      const copy = new WindowedProfiles(profile, spec);
      const evts = timed(900, 6, 200, 3_000);
      feed(w, evts);
      feed(copy, evts);
      const open = w.openWindows();
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((c) => !c.complete && c.droppedLateEvents === 0 && c.end > w.watermark)).toBe(true);
      const snapshot = open.map((c) => [c.id, Array.from(c.state.serialize())]);
      expect(Array.from(w.checkpoint())).toEqual(Array.from(copy.checkpoint()));
      const flushed = w.flush().map((c) => [c.id, Array.from(c.state.serialize())]);
      expect(snapshot).toEqual(flushed);
      expect(new WindowedProfiles(profile, spec).openWindows()).toEqual([]);
    },
  );

  it('partial states of two instances merge by window id into the single-instance state', () => {
    const spec: WindowSpec = { type: 'event-time', size: 60_000, hop: 30_000, allowedLateness: 10_000 };
    const evts = timed(4000, 5, 100, 2_000);
    const single = [...feed(new WindowedProfiles(profile, spec), evts)];
    const a = new WindowedProfiles(profile, spec);
    const b = new WindowedProfiles(profile, spec);
    const partial = new Map<string, WindowProfile>();
    const collect = (cs: readonly ClosedWindow[]) =>
      cs.forEach((c) => partial.set(c.id, partial.has(c.id) ? partial.get(c.id)!.merge(c.state) : c.state));
    evts.forEach((e, i) => collect((i % 3 === 0 ? a : b).observe(e)));
    for (const c of single) {
      const merged = partial.get(c.id)!;
      expect(merged.eventCount).toBe(c.state.eventCount);
      for (const f of profile.numeric)
        expect(merged.numericBinCounts(f)).toEqual(c.state.numericBinCounts(f));
      for (const f of profile.categorical)
        expect(merged.categoryCounts(f)).toEqual(c.state.categoryCounts(f));
      expect(merged.bounds).toEqual({ start: c.start, end: c.end });
    }
  });

  it('closes windows on an idle stream when the watermark is advanced, and skips empty windows', () => {
    const w = new WindowedProfiles(profile, { type: 'event-time', size: 1000 });
    expect(w.observe({ ...events(1, 6)[0], timestamp: 5_500 })).toEqual([]);
    const closed = w.advanceWatermark(10_000);
    expect(closed.map((c) => c.id)).toEqual(['5000-6000']);
    // A long gap: nothing is emitted for the empty windows in between.
    w.observe({ ...events(1, 7)[0], timestamp: 1_000_000_500 });
    expect(w.advanceWatermark(1_000_002_000).map((c) => c.id)).toEqual(['1000000000-1000001000']);
    expect(w.observe({ ...events(1, 8)[0], timestamp: 900 })).toEqual([]);
    expect(w.droppedEvents).toBe(1);
  });

  it('checkpoints and restores without changing any output', () => {
    const spec: WindowSpec = { type: 'event-time', size: 60_000, hop: 20_000, allowedLateness: 5_000 };
    const evts = timed(3000, 9, 150, 20_000);
    const straight = new WindowedProfiles(profile, spec);
    const expected = [...feed(straight, evts), ...straight.flush()].map((c) => [
      c.id,
      Array.from(c.state.serialize()),
    ]);
    let w = new WindowedProfiles(profile, spec);
    const got: (string | number[])[][] = [];
    evts.forEach((e, i) => {
      if (i % 700 === 699) w = WindowedProfiles.restore(profile, spec, w.checkpoint());
      w.observe(e).forEach((c) => got.push([c.id, Array.from(c.state.serialize())]));
    });
    w.flush().forEach((c) => got.push([c.id, Array.from(c.state.serialize())]));
    expect(got).toEqual(expected);
    expect(() => WindowedProfiles.restore(profile, { type: 'count', size: 5 }, w.checkpoint())).toThrow(
      /another window spec/,
    );
  });

  it('requires timestamps and validates the spec', () => {
    const w = new WindowedProfiles(profile, { type: 'event-time', size: 10 });
    expect(() => w.observe({} as ObservedEvent)).toThrow(/finite numeric timestamp/);
    expect(() => new WindowedProfiles(profile, { type: 'count', size: 10, hop: 3 })).toThrow(
      /multiple of hop/,
    );
    expect(() => new WindowedProfiles(profile, { type: 'event-time', size: 0 })).toThrow(/positive integer/);
    expect(
      () => new WindowedProfiles(profile, { type: 'event-time', size: 10, allowedLateness: -1 }),
    ).toThrow(/allowedLateness/);
  });
});

describe('observeRow (columns)', () => {
  const serialized = (closed: readonly ClosedWindow[]) =>
    closed.map((c) => [
      c.id,
      c.complete,
      c.droppedLateEvents,
      Buffer.from(c.state.serialize()).toString('hex'),
    ]);

  it.each<[string, WindowSpec]>([
    [
      'hopping event-time windows with lateness',
      { type: 'event-time', size: 60_000, hop: 20_000, allowedLateness: 5_000 },
    ],
    ['tumbling event-time windows, no lateness', { type: 'event-time', size: 30_000 }],
    ['hopping count windows', { type: 'count', size: 300, hop: 100 }],
  ])('closes the windows observe() closes, with the same states and counters (%s)', (_, spec) => {
    for (const seed of [1, 2]) {
      // Out-of-order events, some beyond the lateness: late and dropped events included.
      const evts = timed(2500, seed, 40, 15_000);
      const byObject = new WindowedProfiles(profile, spec);
      const byRow = new WindowedProfiles(profile, spec);
      const expected: ClosedWindow[] = [];
      const got: ClosedWindow[] = [];
      // Batches of varying size, each its own columns, with open windows and checkpoints read between.
      const r = new TestRandom(seed);
      for (let at = 0; at < evts.length;) {
        const batch = evts.slice(at, (at += 1 + r.int(700)));
        const columns = eventColumns(batch);
        batch.forEach((e, row) => {
          expected.push(...byObject.observe(e));
          got.push(...byRow.observeRow(columns, row, e.timestamp));
        });
        if (r.next() < 0.3)
          expect(serialized(byRow.openWindows())).toEqual(serialized(byObject.openWindows()));
        if (r.next() < 0.3)
          expect(Buffer.from(byRow.checkpoint())).toEqual(Buffer.from(byObject.checkpoint()));
      }
      expected.push(...byObject.flush());
      got.push(...byRow.flush());
      expect(serialized(got)).toEqual(serialized(expected));
      expect([byRow.lateEvents, byRow.droppedEvents]).toEqual([byObject.lateEvents, byObject.droppedEvents]);
    }
  });

  it.each<[string, WindowSpec]>([
    [
      'hopping event-time windows with lateness',
      { type: 'event-time', size: 60_000, hop: 20_000, allowedLateness: 5_000 },
    ],
    ['hopping count windows', { type: 'count', size: 300, hop: 100 }],
  ])('checkpoints reusing unchanged panes equal a checkpoint serialising every pane (%s)', (_, spec) => {
    for (const seed of [3, 4]) {
      // Out-of-order events (late and dropped ones too), by objects or by rows, checkpointed often.
      const evts = timed(1500, seed, 40, 15_000);
      const w = new WindowedProfiles(profile, spec);
      const r = new TestRandom(seed);
      let checkpoints = 0;
      for (let at = 0; at < evts.length;) {
        const batch = evts.slice(at, (at += 1 + r.int(250)));
        if (r.next() < 0.5) batch.forEach((e) => w.observe(e));
        else {
          const columns = eventColumns(batch);
          batch.forEach((e, row) => w.observeRow(columns, row, e.timestamp));
        }
        if (r.next() < 0.6) {
          checkpoints++;
          // A fresh state of the same events has never serialised a pane.
          const fresh = new WindowedProfiles(profile, spec);
          feed(fresh, evts.slice(0, at));
          expect(Buffer.from(w.checkpoint())).toEqual(Buffer.from(fresh.checkpoint()));
        }
      }
      expect(checkpoints).toBeGreaterThan(3);
    }
  });
});
