import {
  type MonitorPartial,
  type MonitorPartitionProgress,
  type MonitorWindowPartial,
} from '@continuum/events';
import { type Stream } from '../streams/stream-identity';
import {
  closedRecordKey,
  partialRecordKey,
  progressRecordKey,
  samplesRecordKey,
} from '../windowing/partial-keys';
import { CombinerState } from './combiner-state';

const TOPIC = 'ct.predictions';
const stream: Stream = { subject: { modelId: 'm', source: 'PREDICTIONS', modelVersion: '1' }, segment: '*' };
const N = 3;
const K = 2; // the model's partials partition

function state(): CombinerState {
  return new CombinerState({
    sourceTopics: { PREDICTIONS: TOPIC, FEATURES: 'ct.features' },
    closedWindowsKept: 3,
  });
}

function partial(sourcePartition: number, start = 0, eventCount = 10): MonitorWindowPartial {
  return {
    stream,
    windowStart: start,
    windowEnd: start + 100,
    sourceTopic: TOPIC,
    sourcePartition,
    referenceId: 'ref',
    eventCount,
    droppedLateEvents: 0,
    earlierEventCount: 0,
    foldedValues: null,
    state: Buffer.from([sourcePartition]),
  };
}

const none = { window: null, progress: null, closed: null, samples: null };

function addPartial(s: CombinerState, p: MonitorWindowPartial, partition = K): string {
  const key = partialRecordKey(p);
  s.apply(partition, key, { ...none, window: p });
  return key;
}

function progress(
  s: CombinerState,
  sourcePartition: number,
  watermark: number,
  extra: Partial<MonitorPartitionProgress> = {},
  partition = K,
) {
  const value: MonitorPartial = {
    ...none,
    progress: {
      sourceTopic: TOPIC,
      sourcePartition,
      watermark,
      maxEventTime: watermark,
      idle: false,
      nextOffset: 1000,
      publishedAt: 1000 + watermark,
      ...extra,
    },
  };
  s.apply(partition, progressRecordKey(TOPIC, sourcePartition), value);
}

const IDLE_WAIT = 30;
const closable = (s: CombinerState, now = 0) =>
  s.closable(() => N, now, IDLE_WAIT).map((c) => `${c.window.start}-${c.window.end}`);

describe('CombinerState close rule', () => {
  it('closes a window once every source partition has progress past its end', () => {
    const s = state();
    addPartial(s, partial(0));
    addPartial(s, partial(2));
    progress(s, 0, 100);
    progress(s, 1, 100);
    expect(closable(s)).toEqual([]); // partition 2 has published no progress
    progress(s, 2, 99);
    expect(closable(s)).toEqual([]); // partition 2 is not past the end (windows are [start, end))
    progress(s, 2, 100);
    expect(closable(s)).toEqual(['0-100']);
  });

  it('an idle partition does not hold back a window another partition has passed, once the window waited for it', () => {
    const s = state();
    addPartial(s, partial(0, 0));
    addPartial(s, partial(2, 100)); // partition 2's open window, published when it went idle
    progress(s, 0, 500);
    progress(s, 1, 500);
    progress(s, 2, 50, { idle: true, maxEventTime: 150, nextOffset: 40 });
    expect(closable(s, 1000)).toEqual([]); // the wait starts now
    expect(closable(s, 1000 + IDLE_WAIT - 1)).toEqual([]);
    const due = s.closable(() => N, 1000 + IDLE_WAIT, IDLE_WAIT);
    expect(due.map((c) => c.window.start)).toEqual([0, 100]);
    // The caller must still have the broker confirm that partition 2 has nothing after offset 40.
    expect(due[0].idle).toEqual([{ topic: TOPIC, partition: 2, nextOffset: 40 }]);
  });

  it('a partition that turns active again blocks again, and its next idle period restarts the wait', () => {
    const s = state();
    addPartial(s, partial(0, 0));
    progress(s, 0, 500);
    progress(s, 1, 500);
    progress(s, 2, 50, { idle: true, nextOffset: 40 });
    expect(closable(s, 0)).toEqual([]);
    progress(s, 2, 60, { idle: false, nextOffset: 45 });
    expect(closable(s, 100)).toEqual([]);
    progress(s, 2, 60, { idle: true, nextOffset: 45 });
    expect(closable(s, 100)).toEqual([]);
    expect(closable(s, 100 + IDLE_WAIT - 1)).toEqual([]);
    expect(closable(s, 100 + IDLE_WAIT)).toEqual(['0-100']);
  });

  it('nothing closes while no partition has passed the end (every partition idle), nor on an idle claim without an offset', () => {
    const s = state();
    addPartial(s, partial(0, 0));
    for (const p of [0, 1, 2]) progress(s, p, 50, { idle: true, nextOffset: 7 });
    expect(closable(s, 0)).toEqual([]);
    expect(closable(s, 10 * IDLE_WAIT)).toEqual([]);
    progress(s, 0, 100);
    progress(s, 1, 50, { idle: true, nextOffset: -1 }); // written by a monitor that did not say
    expect(closable(s, 20 * IDLE_WAIT)).toEqual([]);
  });

  it("judges a window only by the progress read on the window's own partials partition", () => {
    const s = state();
    addPartial(s, partial(0));
    for (const p of [0, 1, 2]) progress(s, p, 1000, {}, 5); // another partials partition, read further
    expect(closable(s)).toEqual([]);
    for (const p of [0, 1, 2]) progress(s, p, 1000);
    expect(closable(s)).toEqual(['0-100']);
  });

  it('a closed window stays closed: its later partials are late, an older closed record does not reopen it', () => {
    const s = state();
    const first = addPartial(s, partial(0));
    const w = s.pending.values().next().value!;
    const closedNow = s.markClosed(w);
    expect(s.removeWindow(w)).toEqual([first]);
    const older = { ...closedNow, windowEnds: [] };
    s.apply(K, closedRecordKey(stream), { ...none, closed: older });
    const lateKey = addPartial(s, partial(1));
    expect(s.carryLatePartials().map((x) => [x.window.start, x.events])).toEqual([[0, 10]]);
    expect(s.pending.size).toBe(0);
    expect(closable(s)).toEqual([]);
    s.apply(K, closedRecordKey(stream), { ...none, closed: closedNow });
    expect(s.isClosed(stream, 100)).toBe(true);
    expect(s.lateCarry(stream)).toEqual({ events: 10, recordKeys: [lateKey] });
  });

  it("late partials count only the events no report had, and wait for the stream's next report", () => {
    const s = state();
    addPartial(s, { ...partial(0), eventCount: 10 });
    const w = s.pending.values().next().value!;
    s.markClosed(w);
    s.removeWindow(w);
    // Partition 0 published 10 events provisionally (idle), then got 5 more; stage 1 also dropped 2.
    const grown = addPartial(s, {
      ...partial(0),
      eventCount: 15,
      earlierEventCount: 10,
      droppedLateEvents: 2,
    });
    const other = addPartial(s, { ...partial(1), eventCount: 4 });
    expect(s.carryLatePartials().map((x) => x.events)).toEqual([11]);
    expect(s.lateCarry(stream)).toEqual({ events: 11, recordKeys: [grown, other] });
    expect(s.carryLatePartials()).toEqual([]);
    s.clearLateCarry(stream);
    expect(s.lateCarry(stream)).toEqual({ events: 0, recordKeys: [] });
  });

  it('remembers a bounded number of closed windows; older ones fall under the floor', () => {
    const s = state();
    for (const start of [0, 100, 200, 300, 400]) {
      addPartial(s, partial(0, start));
      const w = [...s.pending.values()].find((x) => x.start === start)!;
      s.markClosed(w);
      s.removeWindow(w);
    }
    const record = s.markClosed({
      key: 'x',
      partialsPartition: K,
      stream,
      start: 500,
      end: 600,
      parts: new Map(),
    });
    expect(record.windowEnds).toEqual([400, 500, 600]);
    expect(record.floor).toBe(300);
    expect(s.isClosed(stream, 100)).toBe(true);
    expect(s.isClosed(stream, 700)).toBe(false);
  });

  it('a tombstone forgets one partial; the window disappears with its last', () => {
    const s = state();
    const a = addPartial(s, partial(0));
    const b = addPartial(s, partial(1));
    s.apply(K, a, null);
    expect([...s.pending.values()][0].parts.size).toBe(1);
    s.apply(K, b, null);
    expect(s.pending.size).toBe(0);
    // A partial re-published after a crash (same key) replaces itself.
    addPartial(s, partial(0, 0, 10));
    addPartial(s, partial(0, 0, 10));
    expect([...s.pending.values()][0].parts.size).toBe(1);
  });

  it('reports when the last partition passed the end, from the progress history', () => {
    const s = state();
    addPartial(s, partial(0));
    progress(s, 0, 50);
    progress(s, 0, 120); // publishedAt 1120
    progress(s, 1, 300); // publishedAt 1300
    progress(s, 2, 110); // publishedAt 1110
    progress(s, 2, 400); // later records do not move the crossing time
    const w = [...s.pending.values()][0];
    expect(s.closableSince(w, N)).toBe(1300);
  });
});

describe('CombinerState bootstrap samples', () => {
  const subject = stream.subject;
  const sample = (offset: number) => ({
    offset,
    eventId: `e${offset}`,
    timestamp: offset,
    numeric: { x: offset },
    categorical: {},
    prediction: null,
  });

  it('keeps samples by source partition and offset (replays are not counted twice) and forgets tombstoned records', () => {
    const s = state();
    const k1 = samplesRecordKey('s', TOPIC, 0, 0);
    const k2 = samplesRecordKey('s', TOPIC, 0, 1);
    const samples = (events: ReturnType<typeof sample>[]) => ({
      ...none,
      samples: { subject, sourceTopic: TOPIC, sourcePartition: 0, events },
    });
    s.apply(K, k1, samples([sample(0), sample(1)]));
    s.apply(K, k2, samples([sample(1), sample(2)])); // a replay cut the batch differently
    const set = [...s.samples.values()][0];
    expect(set.events.size).toBe(3);
    s.apply(K, k1, null);
    expect([...set.events.keys()].sort()).toEqual(['0:1', '0:2']);
    s.apply(K, k2, null);
    expect(s.samples.size).toBe(0);
  });
});
