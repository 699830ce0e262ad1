import { PerformanceEstimation } from '@continuum/drift';
import { type Label, type LabelledExample, type Prediction } from '@continuum/events';
import { type CbpeWindow } from '@continuum/stats';
import { type EstimationSource } from '../evaluation/estimation';
import { WindowState } from '../evaluation/window-state';
import { ChangelogStore } from '../state/changelog-store';
import { type KeyValueStore, MemoryStore } from '../state/key-value-store';
import { keys } from '../state/keys';
import { MemoryChangelog } from '../state/memory-changelog';
import {
  type BatchResult,
  type ClosedWindow,
  type EvaluatorSettings,
  PartitionEvaluator,
  type SourceRecord,
} from './partition-evaluator';
import { rebuildLocalIndexes } from './waiting-expiry';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 0, 1);

const settings: EvaluatorSettings = {
  horizonMs: 7 * DAY,
  windowMs: H,
  allowedLatenessMs: 0,
  detector: 'ADWIN',
  taskOverrides: new Map(),
};

function prediction(eventId: string, t: number, score = 0.8, version = '1', modelId = 'm'): Prediction {
  return {
    eventId,
    modelId,
    modelVersion: version,
    timestamp: t,
    entityId: null,
    numeric: { x: 1 },
    categorical: {},
    segments: {},
    output: { score, predictedClass: null, classProbabilities: {} },
  };
}

function label(eventId: string, t: number, y: number | string = 1, modelId = 'm'): Label {
  return { eventId, modelId, timestamp: t, label: y };
}

/** Plays the service's part: applies each batch's write and garbage collection, numbering offsets per topic. */
class Harness {
  readonly examples: LabelledExample[] = [];
  readonly closed: ClosedWindow[] = [];
  readonly rejected: string[] = [];
  private readonly offsets = { predictions: 0, labels: 0 };
  evaluator: PartitionEvaluator;

  constructor(
    readonly store = new MemoryStore(),
    readonly config = settings,
  ) {
    this.evaluator = new PartitionEvaluator(0, store, config);
  }

  records<T>(topic: 'predictions' | 'labels', values: T[]): Array<SourceRecord<T>> {
    return values.map((value) => ({ offset: String(this.offsets[topic]++), value }));
  }

  async predictions(...values: Prediction[]): Promise<BatchResult> {
    return this.apply(await this.evaluator.processPredictions(this.records('predictions', values)));
  }

  async labels(...values: Label[]): Promise<BatchResult> {
    return this.apply(await this.evaluator.processLabels(this.records('labels', values)));
  }

  async apply(result: BatchResult): Promise<BatchResult> {
    this.examples.push(...result.examples);
    this.closed.push(...result.closed);
    this.rejected.push(...result.rejected.map((r) => r.reason));
    await this.store.write(result.ops);
    this.evaluator.committed(result);
    for (const g of result.garbage) await this.store.clearRange(g.gte, g.lt);
    return result;
  }

  /** A prediction and a label at `t` for another model: moves the watermark to t. */
  async tick(t: number): Promise<void> {
    await this.predictions(prediction(`tick-${t}`, t, 0.5, '1', 'tick'));
    await this.labels(label(`tick-${t}`, t, 1, 'tick'));
  }

  windows(
    modelId = 'm',
  ): Array<{ version: string; start: number; state: ReturnType<ClosedWindow['state']['toJSON']> }> {
    return this.closed
      .filter((c) => c.modelId === modelId)
      .map((c) => ({ version: c.modelVersion, start: c.windowStart, state: c.state.toJSON() }));
  }
}

describe('PartitionEvaluator join', () => {
  it('joins a label that comes after its prediction and one that comes before it', async () => {
    const h = new Harness();
    await h.predictions(prediction('a', T0 + 1000, 0.9));
    await h.labels(label('a', T0 + 2 * DAY, 1), label('b', T0 + 5000, 0));
    await h.predictions(prediction('b', T0 + 3 * DAY, 0.2));
    expect(h.examples.map((e) => [e.eventId, e.predictionTimestamp, e.labelTimestamp, e.label])).toEqual([
      ['a', T0 + 1000, T0 + 2 * DAY, 1],
      ['b', T0 + 3 * DAY, T0 + 5000, 0],
    ]);
    expect(h.examples[0]).toMatchObject({
      modelId: 'm',
      modelVersion: '1',
      numeric: { x: 1 },
      output: { score: 0.9 },
    });
    const meta = await h.evaluator.progress();
    expect(meta.waitingPredictions).toBe(0);
    expect(meta.waitingLabels).toBe(2); // labels stay until their horizon: a later version's prediction joins them too
  });

  it('joins one label with every version that predicted the event, whenever each prediction comes', async () => {
    const h = new Harness();
    await h.predictions(prediction('e', T0, 0.7, 'champion'));
    await h.labels(label('e', T0 + H, 1));
    await h.predictions(prediction('e', T0 + 10, 0.4, 'shadow'));
    expect(h.examples.map((e) => e.modelVersion)).toEqual(['champion', 'shadow']);
  });

  it('never joins pairs further apart than the horizon, in either order', async () => {
    const h = new Harness();
    await h.predictions(prediction('late', T0));
    await h.labels(label('late', T0 + 7 * DAY, 1), label('early', T0 + 7 * DAY + 1, 1));
    await h.predictions(prediction('early', T0 + 14 * DAY + 1));
    expect(h.examples).toHaveLength(0);
  });

  it('ignores duplicate predictions and labels, and dead-letters a conflicting second label', async () => {
    const h = new Harness();
    const first = await h.predictions(prediction('d', T0), prediction('d', T0));
    expect(first.stats.duplicatePredictions).toBe(1);
    const labels = await h.labels(label('d', T0 + 5, 1), label('d', T0 + 6, 1), label('d', T0 + 7, 0));
    expect(labels.stats.duplicateLabels).toBe(1);
    expect(labels.rejected).toEqual([
      { index: 2, reason: expect.stringMatching(/different label \(1\).*first label is kept/) },
    ]);
    const again = await h.predictions(prediction('d', T0));
    expect(again.stats.duplicatePredictions).toBe(1);
    expect(h.examples).toHaveLength(1);
  });

  it("dead-letters a label whose type cannot match the version's task, naming the override", async () => {
    const h = new Harness();
    await h.predictions(prediction('x', T0, 0.3), prediction('y', T0, 0.3));
    await h.labels(label('x', T0 + 1, 1));
    const result = await h.labels(label('y', T0 + 2, 'spam'));
    expect(result.rejected[0].reason).toMatch(
      /label "spam" is not 0 or 1 \(task BINARY_CLASSIFICATION\).*EVALUATOR_MODEL_TASKS/,
    );
    expect(h.examples).toHaveLength(1);
    // The prediction is settled (dead-lettered pair), not left to expire as unlabelled; it still counts as made.
    expect((await h.evaluator.progress()).waitingPredictions).toBe(0);
    const other = await h.labels(label('z', T0 + 3, 'spam'));
    expect(other.rejected).toHaveLength(0); // no prediction yet: it waits
    const late = await h.predictions(prediction('z', T0 + 4, 0.5));
    expect(late.rejected[0].reason).toMatch(/label "spam"/);
    await h.tick(T0 + 2 * H);
    expect(h.windows()[0].state).toMatchObject({
      predictionCount: 3,
      labelledCount: 1,
      expiredUnlabelled: 0,
    });
  });

  it('takes the task from EVALUATOR_MODEL_TASKS when given', async () => {
    const h = new Harness(new MemoryStore(), {
      ...settings,
      taskOverrides: new Map([['m', 'REGRESSION' as const]]),
    });
    await h.predictions(prediction('r1', T0, 0.5), prediction('r2', T0, 3.5));
    await h.labels(label('r1', T0 + 1, 1), label('r2', T0 + 1, 2.5));
    await h.tick(T0 + 2 * H);
    const [w] = h.windows();
    expect(w.state.task).toBe('REGRESSION');
    expect(w.state.metrics).toMatchObject({ kind: 'regression', n: 2, absSum: 1.5 });
  });
});

describe('PartitionEvaluator expiry and windows', () => {
  it('expires by the event-time watermark: unlabelled predictions count in the window of their expiry', async () => {
    const h = new Harness(new MemoryStore(), { ...settings, horizonMs: 2 * H });
    await h.predictions(prediction('p', T0 + 10));
    await h.labels(label('orphan', T0 + 20, 1));
    await h.tick(T0 + 2 * H + 9); // before both horizons
    expect((await h.evaluator.progress()).waitingPredictions).toBe(1);
    const result = await h.predictions(prediction('z', T0 + 3 * H));
    expect(result.stats.expiredPredictions).toBe(0); // labels are behind: the watermark is still T0 + 2h + 9
    const labels = await h.labels(label('zz', T0 + 3 * H, 1, 'tick'));
    expect(labels.stats.expiredPredictions).toBe(1);
    expect(labels.stats.expiredLabelsUnmatched).toBe(1);
    await h.tick(T0 + 4 * H);
    const windows = h.windows();
    const expiredIn = windows.find((w) => w.start === T0 + 2 * H);
    expect(expiredIn?.state.expiredUnlabelled).toBe(1);
    expect(windows.find((w) => w.start === T0)?.state.predictionCount).toBe(1);
    // TTL index and entries are gone.
    const left = [...h.store.entries.keys()].filter((k) => k.startsWith('P') || k.startsWith('X'));
    expect(left.every((k) => !k.includes('\u0000p\u0000'))).toBe(true);
  });

  it('closes a window only when both topics passed its end, by the join time max(prediction, label)', async () => {
    const h = new Harness();
    await h.predictions(prediction('a', T0 + 10, 0.9), prediction('b', T0 + 20, 0.1));
    await h.labels(label('a', T0 + 30, 1));
    await h.predictions(prediction('c', T0 + 5 * H, 0.5, '1', 'tick'));
    expect(h.closed).toHaveLength(0); // predictions are ahead, labels are not
    await h.labels(label('b', T0 + H + 5, 0)); // b joins in the second window
    expect(h.windows().map((w) => [w.start, w.state.labelledCount, w.state.predictionCount])).toEqual([
      [T0, 1, 2],
    ]);
    await h.labels(label('c', T0 + 5 * H, 1, 'tick'));
    expect(h.windows().map((w) => [w.start, w.state.labelledCount, w.state.predictionCount])).toEqual([
      [T0, 1, 2],
      [T0 + H, 1, 0],
    ]);
    const [, second] = h.windows();
    expect(second.state.delay.n).toBe(1);
    expect(second.state.drift).toMatchObject({ detector: 'ADWIN', observations: 2, detections: 0 });
    // Pairs and counts of closed windows are cleared from the store (the tick's window is still open).
    const open = [...h.store.entries.keys()].filter((k) => k.startsWith('R') || k.startsWith('N'));
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((k) => k.includes('\u0000tick\u0000'))).toBe(true);
  });

  it('waits for the allowed lateness before closing', async () => {
    const h = new Harness(new MemoryStore(), { ...settings, allowedLatenessMs: 30 * 60_000 });
    await h.predictions(prediction('a', T0 + 10));
    await h.labels(label('a', T0 + 20));
    await h.tick(T0 + H + 29 * 60_000);
    expect(h.windows()).toHaveLength(0);
    await h.tick(T0 + H + 30 * 60_000);
    expect(h.windows()).toHaveLength(1);
  });

  it('re-routed records are joined here but do not move this partition’s watermark (their source partition’s did)', async () => {
    const h = new Harness();
    await h.predictions(prediction('a', T0 + 10));
    // A tick re-routed from another partition, hours ahead of this partition's own label stream.
    const rerouted = [prediction('t', T0 + 5 * H, 0.5, '1', 'tick'), label('t', T0 + 5 * H, 1, 'tick')];
    await h.apply(
      await h.evaluator.processRepartitioned(rerouted.map((value, i) => ({ offset: String(i), value }))),
    );
    expect(h.closed).toHaveLength(0);
    expect(h.examples.map((e) => e.eventId)).toEqual(['t']);
    // The partition's own label arrives after the re-routed records: still in time, joined and windowed.
    await h.labels(label('a', T0 + 20));
    await h.tick(T0 + 2 * H);
    expect(h.windows().map((w) => [w.start, w.state.labelledCount])).toEqual([[T0, 1]]);
  });

  it('computes the persistence baseline from the previous label of the model, in join-time order', async () => {
    const h = new Harness();
    await h.predictions(
      prediction('1', T0 + 1, 0.9),
      prediction('2', T0 + 2, 0.9),
      prediction('3', T0 + 3, 0.9),
    );
    await h.labels(label('1', T0 + 10, 1), label('2', T0 + 11, 0), label('3', T0 + 12, 0));
    await h.tick(T0 + 2 * H);
    const [w] = h.windows();
    // Baseline predicts 1 then 0 for the 2nd and 3rd pairs (labels 0, 0): one hit of two.
    expect(w.state.baseline).toMatchObject({ kind: 'binary', confusion: [1, 1, 0, 0] });
  });
});

describe('PartitionEvaluator exactly-once', () => {
  it('skips records below the stored next offset: a replayed batch changes nothing', async () => {
    const h = new Harness();
    const records = h.records('predictions', [prediction('a', T0), prediction('b', T0 + 1)]);
    await h.apply(await h.evaluator.processPredictions(records));
    const before = new Map(h.store.entries);
    const replay = await h.evaluator.processPredictions(records);
    expect(replay.stats).toMatchObject({ fresh: 0, replayed: 2 });
    expect(replay.examples).toHaveLength(0);
    await h.store.write(replay.ops);
    expect(new Map(h.store.entries)).toEqual(before);
  });

  it('a batch processed but not written (crash) gives the same result when processed again after a restart', async () => {
    const h = new Harness();
    await h.predictions(prediction('a', T0), prediction('b', T0 + 1));
    const records = h.records('labels', [label('a', T0 + 2, 1), label('b', T0 + 3, 0)]);
    const lost = await h.evaluator.processLabels(records);
    const restarted = new PartitionEvaluator(0, h.store, settings);
    const again = await restarted.processLabels(records);
    expect(again.examples).toEqual(lost.examples);
    expect(again.ops).toEqual(lost.ops);
  });

  it('closes the same windows with the same states whatever the batching, interleaving and restarts', async () => {
    // A stream of predictions and labels (up to 3 days late, some early), each topic in time order.
    const preds: Prediction[] = [];
    const labs: Label[] = [];
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const pt = T0 + i * 60_000;
      const s = rnd();
      preds.push(prediction(`e${i}`, pt, s, i % 3 === 0 ? '2' : '1'));
      const delay = i % 7 === 0 ? -Math.floor(rnd() * H) : Math.floor(rnd() * 3 * DAY);
      labs.push(label(`e${i}`, pt + delay, rnd() < s ? 1 : 0));
    }
    preds.sort((a, b) => a.timestamp - b.timestamp);
    labs.sort((a, b) => a.timestamp - b.timestamp);
    const end = T0 + 10 * DAY;
    preds.push(prediction('tick', end, 0.5, '1', 'tick'));
    labs.push(label('tick', end, 1, 'tick'));

    async function run(batch: number, seedOrder: number, restartEvery: number): Promise<string> {
      const store = new MemoryStore();
      let h = new Harness(store);
      const pr = h.records('predictions', preds);
      const lr = h.records('labels', labs);
      let i = 0;
      let j = 0;
      let n = 0;
      let order = seedOrder;
      const closed: ClosedWindow[] = [];
      while (i < pr.length || j < lr.length) {
        order = (order * 48271) % 2147483647;
        const takePredictions = j >= lr.length || (i < pr.length && order % 2 === 0);
        // Keep each topic in time order but let one run ahead of the other by up to a batch.
        const result = takePredictions
          ? await h.evaluator.processPredictions(pr.slice(i, (i += batch)))
          : await h.evaluator.processLabels(lr.slice(j, (j += batch)));
        await h.apply(result);
        closed.push(...result.closed);
        if (++n % restartEvery === 0) {
          // Restart: a new process on the same disk; sometimes the last batch is replayed too.
          h = Object.assign(new Harness(store), { evaluator: new PartitionEvaluator(0, store, settings) });
        }
      }
      return JSON.stringify(
        closed.filter((c) => c.modelId === 'm').map((c) => [c.modelVersion, c.windowStart, c.state.toJSON()]),
      );
    }

    const reference = await run(1000, 1, 1_000_000);
    expect(JSON.parse(reference).length).toBeGreaterThan(50);
    for (const [batch, order, restart] of [
      [7, 3, 5],
      [50, 11, 2],
      [13, 17, 1],
    ]) {
      expect(await run(batch, order, restart)).toBe(reference);
    }
    // And the labelled total is every pair: 400 labels, each joining its one prediction.
    const total = (JSON.parse(reference) as Array<[string, number, { labelledCount: number }]>).reduce(
      (s, [, , st]) => s + st.labelledCount,
      0,
    );
    expect(total).toBe(400);
  });

  it('clears entries of windows whose clean-up a crash interrupted', async () => {
    const h = new Harness();
    await h.predictions(prediction('a', T0));
    await h.labels(label('a', T0 + 1));
    const pairKey = [...h.store.entries.keys()].find((k) => k.startsWith('R')) as string;
    const row = h.store.entries.get(pairKey) as string;
    await h.tick(T0 + 2 * H);
    // Simulate the crash between the atomic write and the range clear.
    h.store.entries.set(pairKey, row);
    const restarted = new PartitionEvaluator(0, h.store, settings);
    await restarted.sweep();
    expect(h.store.entries.has(pairKey)).toBe(false);
    expect(h.store.entries.has(keys.meta(0))).toBe(true);
  });
});

describe('PartitionEvaluator over the changelog (TTL index and pair rows local only)', () => {
  // A short horizon so that entries expire: unlabelled predictions, unmatched labels, versions of
  // one event read out of time order (by less than the allowed lateness).
  const short: EvaluatorSettings = { ...settings, horizonMs: 2 * H, allowedLatenessMs: 5 * 60_000 };

  function stream() {
    const preds: Prediction[] = [];
    const labs: Label[] = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const pt = T0 + i * 120_000;
      const s = rnd();
      preds.push(prediction(`e${i}`, pt, s, '1'));
      // A shadow version stamped up to a minute earlier, read after the champion.
      if (i % 4 === 0) preds.push(prediction(`e${i}`, pt - Math.floor(rnd() * 60_000) - 1, s, '2'));
      if (i % 9 === 0) continue; // never labelled: expires unlabelled
      const delay = i % 7 === 0 ? -Math.floor(rnd() * 30 * 60_000) : Math.floor(rnd() * 90 * 60_000);
      labs.push(label(`e${i}`, pt + delay, rnd() < s ? 1 : 0));
      if (i % 11 === 0) labs.push(label(`orphan${i}`, pt + delay, 1)); // expires unmatched
    }
    // Each topic in time order but for the shadow versions' minute.
    const readAt = (p: Prediction) => p.timestamp + (p.modelVersion === '2' ? 60_001 : 0);
    preds.sort((a, b) => readAt(a) - readAt(b));
    labs.sort((a, b) => a.timestamp - b.timestamp);
    preds.push(prediction('tick', T0 + 2 * DAY, 0.5, '1', 'tick'));
    labs.push(label('tick', T0 + 2 * DAY, 1, 'tick'));
    return { preds, labs };
  }

  const instance = (changelog: MemoryChangelog, local = new MemoryStore()) => {
    const store = new ChangelogStore(local, changelog, {
      rebuildLocalIndex: (p, s, beat) => rebuildLocalIndexes(s, p, short, beat),
    });
    return { local, store, evaluator: new PartitionEvaluator(0, store, short) };
  };

  /** The partition's TTL index and pair rows as `store` holds them. */
  async function indexOf(store: KeyValueStore): Promise<Array<[string, string]>> {
    const out: Array<[string, string]> = [];
    for (const kind of ['X', 'R']) {
      const r = keys.partition(kind, 0);
      for await (const entry of store.range(r.gte, r.lt)) out.push(entry);
    }
    return out;
  }

  /** The TTL index and pair rows rebuilt from the P, L and M entries alone. */
  async function derivedIndex(local: MemoryStore): Promise<Array<[string, string]>> {
    const copy = local.snapshot();
    for (const kind of ['X', 'R']) {
      const r = keys.partition(kind, 0);
      await copy.clearRange(r.gte, r.lt);
    }
    await rebuildLocalIndexes(copy, 0, short);
    return indexOf(copy);
  }

  it('the same windows, expiries included, whatever the batching, restarts and moves to an instance restored from the changelog; the indexes are always the ones derived from P, L and M', async () => {
    const { preds, labs } = stream();
    async function run(batch: number, seedOrder: number, moveEvery: number) {
      const changelog = new MemoryChangelog();
      let i = instance(changelog);
      const pr = preds.map((value, k) => ({ offset: String(k), value }));
      const lr = labs.map((value, k) => ({ offset: String(k), value }));
      let [a, b, n, order, unmatched] = [0, 0, 0, seedOrder, 0];
      const closed: ClosedWindow[] = [];
      while (a < pr.length || b < lr.length) {
        order = (order * 48271) % 2147483647;
        const result =
          b >= lr.length || (a < pr.length && order % 2 === 0)
            ? await i.evaluator.processPredictions(pr.slice(a, (a += batch)))
            : await i.evaluator.processLabels(lr.slice(b, (b += batch)));
        await i.store.write(result.ops);
        i.evaluator.committed(result);
        for (const g of result.garbage) await i.store.clearRange(g.gte, g.lt);
        closed.push(...result.closed);
        unmatched += result.stats.expiredLabelsUnmatched;
        if (++n % 4 === 0) expect(await indexOf(i.local)).toEqual(await derivedIndex(i.local));
        if (n % moveEvery === 0) i = instance(changelog); // a new instance, nothing on its disk
      }
      const mirrored = [...changelog.partitions.values()].flat();
      expect(mirrored.filter((e) => e.key.startsWith('X') || e.key.startsWith('R'))).toEqual([]);
      return {
        windows: JSON.stringify(
          closed
            .filter((c) => c.modelId === 'm')
            .map((c) => [c.modelVersion, c.windowStart, c.state.toJSON()]),
        ),
        unmatched,
      };
    }
    const reference = await run(1000, 1, 1_000_000);
    const windows = JSON.parse(reference.windows) as Array<[string, number, { expiredUnlabelled: number }]>;
    // The stream exercises expiry: every prediction of the 34 events never labelled.
    expect(windows.reduce((s, [, , st]) => s + st.expiredUnlabelled, 0)).toBe(34 + 9);
    expect(reference.unmatched).toBeGreaterThan(0);
    for (const [batch, order, move] of [
      [7, 3, 5],
      [29, 11, 2],
      [13, 17, 1],
    ]) {
      expect(await run(batch, order, move)).toEqual(reference);
    }
  });
});

describe('PartitionEvaluator label-free estimation', () => {
  // A version with a CBPE reference (P(y = 1 | s) = s² on the reference, so the calibrator matters).
  const u = (
    (seed) => () =>
      (seed = (seed * 48271) % 2147483647) / 2147483647
  )(7);
  const refScores = Array.from({ length: 2000 }, () => u());
  const cbpe = PerformanceEstimation.fitBinary(
    refScores,
    refScores.map((s) => (u() < s * s ? 1 : 0)),
  );
  const estimation: EstimationSource = {
    prepare: async () => undefined,
    get: (modelId, version) => (modelId === 'm' && version === '1' ? cbpe : null),
  };
  const withEstimation: EvaluatorSettings = { ...settings, estimation };

  /** 300 predictions over 5 h (version 2 has no reference), their labels 2 days later, then a tick far ahead. */
  function stream() {
    const preds: Prediction[] = [];
    const labs: Label[] = [];
    for (let i = 0; i < 300; i++) {
      const pt = T0 + i * 60_000;
      preds.push(prediction(`e${i}`, pt, u(), i % 4 === 0 ? '2' : '1'));
      labs.push(label(`e${i}`, pt + 2 * DAY, i % 2));
    }
    preds.push(prediction('tick', T0 + 4 * DAY, 0.5, '1', 'tick'));
    labs.push(label('tick', T0 + 4 * DAY, 1, 'tick'));
    return { preds, labs };
  }

  /** Counts exact, sums of probabilities to 1e-9 (batches add them in another grouping). */
  const rounded = (json: object) =>
    JSON.stringify(json, (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(9)) : v));

  /** What each window's estimator state must be: every prediction of version 1 in the window, once. */
  function expected(preds: Prediction[]): Map<number, string> {
    const out = new Map<number, CbpeWindow>();
    for (const p of preds) {
      if (p.modelId !== 'm' || p.modelVersion !== '1') continue;
      const ws = Math.floor(p.timestamp / H) * H;
      const w = out.get(ws) ?? (cbpe.newWindow() as CbpeWindow);
      out.set(ws, w);
      cbpe.observe(w, { score: p.output.score });
    }
    return new Map([...out].map(([ws, w]) => [ws, rounded(w.toJSON())]));
  }

  it('every prediction is in its window’s estimate exactly once, before any label: whatever the batching, replays and restarts', async () => {
    const { preds, labs } = stream();
    const want = expected(preds);
    for (const [batch, replayEvery, restartEvery] of [
      [1000, 1_000_000, 1_000_000],
      [7, 3, 5],
      [31, 2, 1],
    ]) {
      const store = new MemoryStore();
      let h = new Harness(store, withEstimation);
      const pr = h.records('predictions', preds);
      const lr = h.records('labels', labs);
      let n = 0;
      const closed: ClosedWindow[] = [];
      // Predictions first (labels arrive two days later), then the labels.
      for (const [topic, records] of [
        ['predictions', pr],
        ['labels', lr],
      ] as const) {
        for (let i = 0; i < records.length; i += batch) {
          const slice = records.slice(i, i + batch);
          const process = (e: PartitionEvaluator) =>
            topic === 'predictions'
              ? e.processPredictions(slice as Array<SourceRecord<Prediction>>)
              : e.processLabels(slice as Array<SourceRecord<Label>>);
          if (++n % replayEvery === 0) await process(h.evaluator); // processed, never written: a crash
          closed.push(...(await h.apply(await process(h.evaluator))).closed);
          if (n % replayEvery === 0) closed.push(...(await h.apply(await process(h.evaluator))).closed); // redelivered after the write
          if (n % restartEvery === 0)
            h = Object.assign(new Harness(store, withEstimation), {
              evaluator: new PartitionEvaluator(0, store, withEstimation),
            });
        }
      }
      const v1 = closed.filter((c) => c.modelId === 'm' && c.modelVersion === '1');
      const got = new Map(
        v1
          .filter((c) => c.state.estimation !== null)
          .map((c) => [c.windowStart, rounded(c.state.estimation!.window.toJSON())]),
      );
      // The windows the labels land in (two days later) hold pairs but no prediction to estimate.
      expect(v1.filter((c) => c.state.estimation === null).every((c) => c.state.labelledCount > 0)).toBe(
        true,
      );
      expect(got).toEqual(want);
      // The prediction windows closed without a label (their labels join two days later) yet estimate.
      for (const c of v1.filter((c) => want.has(c.windowStart))) {
        expect(c.state.labelledCount).toBe(0);
        expect(c.state.estimation?.method).toBe('CBPE');
      }
      // A version without a reference carries no estimator state.
      expect(closed.filter((c) => c.modelVersion === '2').every((c) => c.state.estimation === null)).toBe(
        true,
      );
    }
  });

  it('the estimator state survives the partials’ JSON and merges across partitions into the estimate of the union', async () => {
    const { preds } = stream();
    const window = preds.filter((p) => p.modelId === 'm' && p.modelVersion === '1' && p.timestamp < T0 + H);
    const parts = [0, 1, 2].map(() => new WindowState());
    const whole = cbpe.newWindow();
    window.forEach((p, i) => {
      const part = parts[i % 3];
      part.estimation ??= { method: 'CBPE', window: cbpe.newWindow() };
      cbpe.observe(part.estimation.window, { score: p.output.score });
      cbpe.observe(whole, { score: p.output.score });
    });
    const merged = new WindowState();
    for (const part of [parts[2], parts[0], parts[1]])
      merged.merge(WindowState.fromJSON(JSON.parse(JSON.stringify(part.toJSON()))));
    const ids = { modelId: 'm', modelVersion: '1', windowStart: T0, windowEnd: T0 + H, producedAt: 0 };
    const report = merged.toReport(ids, cbpe);
    expect(report.labelledCount).toBe(0);
    expect(report.estimationMethod).toBe('CBPE');
    const want = cbpe.estimate(whole);
    for (const metric of ['accuracy', 'f1', 'roc_auc']) {
      expect(report.estimatedMetrics[metric].value).toBeCloseTo(want[metric].value, 12);
      expect(report.estimatedMetrics[metric].lower).toBeCloseTo(want[metric].lower, 12);
    }
    // Without the reference (not registered any more) the report says nothing estimated.
    expect(merged.toReport(ids, null)).toMatchObject({ estimationMethod: null, estimatedMetrics: {} });
  });

  it('a regression version with a DLE reference estimates MAE and RMSE from its predictions’ features', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ score: i % 50, numeric: { x: (i % 10) / 10 } }));
    // The error grows with x: the loss model learns it from the feature.
    const dle = PerformanceEstimation.fitRegression(
      rows,
      rows.map((r, i) => r.score + (i % 2 === 0 ? 1 : -1) * 10 * r.numeric.x),
    );
    const h = new Harness(new MemoryStore(), {
      ...settings,
      taskOverrides: new Map([['m', 'REGRESSION']]),
      estimation: { prepare: async () => undefined, get: () => dle },
    });
    const at = (x: number, i: number, t: number) => ({
      ...prediction(`r${t}-${i}`, t + i, 0.5),
      numeric: { x },
    });
    await h.predictions(...Array.from({ length: 40 }, (_, i) => at(0.1, i, T0)));
    await h.predictions(...Array.from({ length: 40 }, (_, i) => at(0.9, i, T0 + H)));
    await h.tick(T0 + 3 * H);
    const [calm, noisy] = h.closed.filter((c) => c.modelId === 'm');
    expect([calm.state.estimation?.method, calm.state.estimation?.window.count]).toEqual(['DLE', 40]);
    const ids = { modelId: 'm', modelVersion: '1', windowEnd: 0, producedAt: 0 };
    const mae = (c: ClosedWindow) =>
      c.state.toReport({ ...ids, windowStart: c.windowStart }, dle).estimatedMetrics.mae.value;
    expect(mae(calm)).toBeGreaterThan(0);
    expect(mae(noisy)).toBeGreaterThan(3 * mae(calm));
  });
});
