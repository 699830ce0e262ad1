import {
  type DetectorCheckpoint,
  type DetectorName,
  type DriftDetector,
  restoreDetector,
} from '@continuum/drift';
import { type Label, type LabelledExample, type Prediction, type PredictionOutput } from '@continuum/events';
import { createDetector, detectorFor, inWarning } from '../evaluation/detectors';
import {
  type LabelValue,
  type ModelTask,
  type ScoredPair,
  type TaskSource,
  addPair,
  inferTask,
  persistencePrediction,
  taskMismatch,
} from '../evaluation/task';
import { WindowState } from '../evaluation/window-state';
import { type KeyValueStore, type WriteOp } from '../state/key-value-store';
import { type EntryKind, keys, parts } from '../state/keys';
import { PendingState } from '../state/pending-state';

export interface EvaluatorSettings {
  /** Longest |label time − prediction time| that still joins, ms of event time. */
  horizonMs: number;
  /** Tumbling event-time windows over the join time, aligned to the epoch. */
  windowMs: number;
  /** A window closes when the watermark passes its end plus this. */
  allowedLatenessMs: number;
  detector: DetectorName;
  /** Task per model id (override, else registered contract), instead of inferring it from the first pair. */
  taskOverrides: TaskSource;
}

export type SourceTopic = 'predictions' | 'labels';

export interface SourceRecord<T> {
  offset: string;
  value: T;
}

/** One closed window of one model version on this partition. */
export interface ClosedWindow {
  modelId: string;
  modelVersion: string;
  windowStart: number;
  windowEnd: number;
  state: WindowState;
}

export interface BatchStats {
  fresh: number;
  /** Records below the stored next offset: already in the state (a replay after a crash). */
  replayed: number;
  joined: number;
  duplicatePredictions: number;
  duplicateLabels: number;
  latePredictions: number;
  latePairs: number;
  expiredPredictions: number;
  expiredLabelsUnmatched: number;
  detections: number;
}

export interface BatchResult {
  examples: LabelledExample[];
  /** Indexes into the batch's records and why each one is dead-lettered. */
  rejected: Array<{ index: number; reason: string }>;
  /** Windows closed by this batch, in (window, model, version) order. */
  closed: ClosedWindow[];
  /** The new "every window ending at or before this is closed", when it advanced. */
  closedThrough: number | null;
  /** The partition's progress after this batch (part of `ops`). */
  meta: PartitionMeta;
  /** The one atomic write: state changes and this topic's next offset. */
  ops: WriteOp[];
  /** Key ranges of closed windows, garbage to clear after `ops` are written. */
  garbage: Array<{ gte: string; lt: string }>;
  stats: BatchStats;
}

/** Per-partition progress, stored with every batch. */
export interface PartitionMeta {
  format: 1;
  /** Next offset to apply per source topic; records below it are already in the state. */
  next: Partial<Record<SourceTopic, string>>;
  maxPredictionTime: number | null;
  maxLabelTime: number | null;
  /** Every window ending at or before this time is closed (its partials were published). */
  closedThrough: number | null;
  waitingPredictions: number;
  waitingLabels: number;
}

interface StoredPrediction {
  t: number;
  /** Joined already: kept (without features) until the horizon so that duplicates are recognised. */
  joined?: true;
  entityId?: string | null;
  numeric?: Record<string, number | null>;
  categorical?: Record<string, string | null>;
  segments?: Record<string, string>;
  output?: PredictionOutput;
}

interface PredictionEntry {
  v: Record<string, StoredPrediction>;
}

interface LabelEntry {
  t: number;
  y: LabelValue;
  /** Predictions (versions) joined with it. */
  m: number;
}

interface PairRow {
  v: string;
  pt: number;
  lt: number;
  s: number | null;
  c: string | null;
  q: Record<string, number> | null;
  y: LabelValue;
}

interface Counts {
  /** Predictions made in the window. */
  p: number;
  /** Predictions whose horizon ended in the window without a label. */
  x: number;
}

interface VersionInfo {
  task: ModelTask;
  detector: DetectorCheckpoint;
  /** Errors the detector has seen. */
  n: number;
}

export function emptyMeta(): PartitionMeta {
  return {
    format: 1,
    next: {},
    maxPredictionTime: null,
    maxLabelTime: null,
    closedThrough: null,
    waitingPredictions: 0,
    waitingLabels: 0,
  };
}

/**
 * The evaluator's work for one partition of ct.predictions ⋈ ct.labels: the join by eventId with
 * waiting state on disk, TTL expiry by event time, and the per-window metrics computed when the
 * partition's watermark closes a window. It does no Kafka I/O: `process` returns what to publish
 * and the one atomic write the caller applies after publishing (see README, exactly-once).
 *
 * Watermark = min(latest prediction time, latest label time) seen on this partition, so neither
 * topic can close windows or expire entries while the other is behind. A pair's join time is
 * max(prediction time, label time) — when the truth became usable — and decides its window.
 * A label joins a prediction only when |label time − prediction time| < horizon, whatever the
 * order in which the two topics are read, so a replay joins exactly the same pairs.
 */
export class PartitionEvaluator {
  private meta: PartitionMeta | undefined;
  /** Whether garbage of windows closed before a crash has been cleared since this process opened the store. */
  private swept = false;

  constructor(
    readonly partition: number,
    private readonly store: KeyValueStore,
    private readonly settings: EvaluatorSettings,
  ) {}

  /** The partition's progress as last written (loads it on first use). */
  async progress(): Promise<PartitionMeta> {
    if (!this.meta) {
      const [raw] = await this.store.getMany([keys.meta(this.partition)]);
      this.meta = raw === undefined ? emptyMeta() : (JSON.parse(raw) as PartitionMeta);
    }
    return this.meta;
  }

  watermark(meta: PartitionMeta): number | null {
    if (meta.maxPredictionTime === null || meta.maxLabelTime === null) return null;
    return Math.min(meta.maxPredictionTime, meta.maxLabelTime);
  }

  windowStart(t: number): number {
    return Math.floor(t / this.settings.windowMs) * this.settings.windowMs;
  }

  /** Clears entries of windows closed before a crash that interrupted their clean-up. */
  async sweep(): Promise<void> {
    if (this.swept) return;
    const meta = await this.progress();
    if (meta.closedThrough !== null) {
      for (const kind of ['R', 'N'] as const) {
        const r = keys.windows(kind, this.partition, 0, meta.closedThrough);
        await this.store.clearRange(r.gte, r.lt);
      }
    }
    this.swept = true;
  }

  async processPredictions(records: ReadonlyArray<SourceRecord<Prediction>>): Promise<BatchResult> {
    return this.process('predictions', records);
  }

  async processLabels(records: ReadonlyArray<SourceRecord<Label>>): Promise<BatchResult> {
    return this.process('labels', records);
  }

  /**
   * Applies a batch of one topic. The returned meta is adopted only by `commit`, so a batch that
   * fails before its write leaves this object as it was.
   */
  private async process(
    topic: SourceTopic,
    records: ReadonlyArray<SourceRecord<Prediction> | SourceRecord<Label>>,
  ): Promise<BatchResult> {
    await this.sweep();
    const before = await this.progress();
    const meta: PartitionMeta = { ...before, next: { ...before.next } };
    const run = new BatchRun(this, this.store, this.settings, meta);
    const next = before.next[topic];
    const fresh: Array<{ index: number; record: SourceRecord<Prediction> | SourceRecord<Label> }> = [];
    records.forEach((record, index) => {
      if (next === undefined || BigInt(record.offset) >= BigInt(next)) fresh.push({ index, record });
    });
    run.stats.fresh = fresh.length;
    run.stats.replayed = records.length - fresh.length;
    if (fresh.length > 0) {
      if (topic === 'predictions')
        await run.predictions(fresh as Array<{ index: number; record: SourceRecord<Prediction> }>);
      else await run.labels(fresh as Array<{ index: number; record: SourceRecord<Label> }>);
      meta.next[topic] = (BigInt(fresh[fresh.length - 1].record.offset) + 1n).toString();
    }
    await run.advance();
    run.state.set(keys.meta(this.partition), meta);
    return run.result(meta);
  }

  /** Adopts a batch's progress once its write is durable. */
  committed(result: BatchResult): void {
    this.meta = result.meta;
  }

  /** Forgets cached progress (after a failed batch or a rebalance): the store is the truth. */
  reset(): void {
    this.meta = undefined;
  }
}

/** One batch's work on one partition. */
class BatchRun {
  readonly state: PendingState;
  readonly stats: BatchStats = {
    fresh: 0,
    replayed: 0,
    joined: 0,
    duplicatePredictions: 0,
    duplicateLabels: 0,
    latePredictions: 0,
    latePairs: 0,
    expiredPredictions: 0,
    expiredLabelsUnmatched: 0,
    detections: 0,
  };
  private readonly examples: LabelledExample[] = [];
  private readonly rejected: Array<{ index: number; reason: string }> = [];
  private readonly closed: ClosedWindow[] = [];
  private readonly garbage: Array<{ gte: string; lt: string }> = [];
  /** Count increments by counts key. */
  private readonly counts = new Map<string, Counts>();
  private closedThrough: number | null = null;
  private readonly p: number;

  constructor(
    private readonly owner: PartitionEvaluator,
    store: KeyValueStore,
    private readonly settings: EvaluatorSettings,
    private readonly meta: PartitionMeta,
  ) {
    this.state = new PendingState(store);
    this.p = owner.partition;
  }

  private isClosed(windowStart: number): boolean {
    return (
      this.meta.closedThrough !== null && windowStart + this.settings.windowMs <= this.meta.closedThrough
    );
  }

  private withinHorizon(predictionTime: number, labelTime: number): boolean {
    return Math.abs(labelTime - predictionTime) < this.settings.horizonMs;
  }

  async predictions(fresh: Array<{ index: number; record: SourceRecord<Prediction> }>): Promise<void> {
    const p = this.p;
    await this.state.load(
      fresh.flatMap(({ record: { value } }) => [
        keys.prediction(p, value.eventId, value.modelId),
        keys.label(p, value.eventId, value.modelId),
        keys.version(p, value.modelId, value.modelVersion),
      ]),
    );
    for (const { index, record } of fresh) {
      const x = record.value;
      this.meta.maxPredictionTime = Math.max(this.meta.maxPredictionTime ?? x.timestamp, x.timestamp);
      const pKey = keys.prediction(p, x.eventId, x.modelId);
      const entry = this.state.get<PredictionEntry>(pKey) ?? { v: {} };
      if (entry.v[x.modelVersion] !== undefined) {
        this.stats.duplicatePredictions++;
        continue;
      }
      const label = this.state.get<LabelEntry>(keys.label(p, x.eventId, x.modelId));
      if (label && this.withinHorizon(x.timestamp, label.t)) {
        const problem = this.join(x.eventId, x.modelId, x.modelVersion, storedPrediction(x), label);
        // A pair that cannot be evaluated is settled too (dead-lettered), not left waiting.
        if (problem) this.rejected.push({ index, reason: problem });
        else {
          label.m++;
          this.state.set(keys.label(p, x.eventId, x.modelId), label);
        }
        entry.v[x.modelVersion] = { t: x.timestamp, joined: true };
      } else {
        entry.v[x.modelVersion] = storedPrediction(x);
        this.meta.waitingPredictions++;
      }
      this.countPrediction(x.modelId, x.modelVersion, x.timestamp);
      if (Object.keys(entry.v).length === 1)
        this.state.set(keys.expiry(p, x.timestamp + this.settings.horizonMs, 'P', x.eventId, x.modelId), 1);
      this.state.set(pKey, entry);
    }
  }

  async labels(fresh: Array<{ index: number; record: SourceRecord<Label> }>): Promise<void> {
    const p = this.p;
    await this.state.load(
      fresh.flatMap(({ record: { value } }) => [
        keys.prediction(p, value.eventId, value.modelId),
        keys.label(p, value.eventId, value.modelId),
      ]),
    );
    // Version infos of the predictions these labels will join.
    const versionKeys: string[] = [];
    for (const { record } of fresh) {
      const entry = this.state.get<PredictionEntry>(
        keys.prediction(p, record.value.eventId, record.value.modelId),
      );
      if (entry)
        for (const v of Object.keys(entry.v)) versionKeys.push(keys.version(p, record.value.modelId, v));
    }
    await this.state.load(versionKeys);
    for (const { index, record } of fresh) {
      const y = record.value;
      this.meta.maxLabelTime = Math.max(this.meta.maxLabelTime ?? y.timestamp, y.timestamp);
      const lKey = keys.label(p, y.eventId, y.modelId);
      const existing = this.state.get<LabelEntry>(lKey);
      if (existing) {
        if (existing.y === y.label) this.stats.duplicateLabels++;
        else
          this.rejected.push({
            index,
            reason: `a different label (${JSON.stringify(existing.y)}) was already received for event ${y.eventId} of model ${y.modelId}; the first label is kept`,
          });
        continue;
      }
      const label: LabelEntry = { t: y.timestamp, y: y.label, m: 0 };
      const pKey = keys.prediction(p, y.eventId, y.modelId);
      const entry = this.state.get<PredictionEntry>(pKey);
      const problems: string[] = [];
      if (entry) {
        for (const version of Object.keys(entry.v).sort()) {
          const prediction = entry.v[version];
          if (prediction.joined || !this.withinHorizon(prediction.t, label.t)) continue;
          const problem = this.join(y.eventId, y.modelId, version, prediction, label);
          if (problem) problems.push(problem);
          else label.m++;
          entry.v[version] = { t: prediction.t, joined: true };
          this.meta.waitingPredictions--;
        }
        this.state.set(pKey, entry);
      }
      if (problems.length > 0) this.rejected.push({ index, reason: problems.join('; ') });
      this.state.set(lKey, label);
      this.state.set(keys.expiry(p, label.t + this.settings.horizonMs, 'L', y.eventId, y.modelId), 1);
      this.meta.waitingLabels++;
    }
  }

  /** Joins one prediction with its label; returns why it cannot, or undefined when joined. */
  private join(
    eventId: string,
    modelId: string,
    version: string,
    prediction: StoredPrediction,
    label: LabelEntry,
  ): string | undefined {
    const output = prediction.output as PredictionOutput;
    const info = this.versionInfo(modelId, version, output, label.y);
    if (typeof info === 'string') return info;
    const problem = taskMismatch(info.task, output, label.y);
    if (problem) {
      return `cannot evaluate event ${eventId} for model ${modelId} version ${version}: ${problem}; set EVALUATOR_MODEL_TASKS if the inferred task is wrong`;
    }
    const joinTime = Math.max(prediction.t, label.t);
    const windowStart = this.owner.windowStart(joinTime);
    if (this.isClosed(windowStart)) this.stats.latePairs++;
    else {
      const row: PairRow = {
        v: version,
        pt: prediction.t,
        lt: label.t,
        s: output.score,
        c: output.predictedClass,
        q: Object.keys(output.classProbabilities).length > 0 ? output.classProbabilities : null,
        y: label.y,
      };
      this.state.set(keys.pair(this.p, windowStart, modelId, joinTime, eventId, version), row);
    }
    this.examples.push({
      eventId,
      modelId,
      modelVersion: version,
      predictionTimestamp: prediction.t,
      labelTimestamp: label.t,
      entityId: prediction.entityId ?? null,
      numeric: prediction.numeric ?? {},
      categorical: prediction.categorical ?? {},
      segments: prediction.segments ?? {},
      output,
      label: label.y,
    });
    this.stats.joined++;
    return undefined;
  }

  /** The version's task and detector, created on its first pair. Requires the key to be loaded. */
  private versionInfo(
    modelId: string,
    version: string,
    output: PredictionOutput,
    label: LabelValue,
  ): VersionInfo | string {
    const key = keys.version(this.p, modelId, version);
    const known = this.state.get<VersionInfo>(key);
    if (known) return known;
    let task = this.settings.taskOverrides.get(modelId);
    if (task === undefined) {
      const inferred = inferTask(output, label);
      if ('problem' in inferred)
        return `cannot evaluate model ${modelId} version ${version}: ${inferred.problem}`;
      task = inferred.task;
    }
    const detector = createDetector(detectorFor(this.settings.detector, task), `${modelId}/${version}`);
    const info: VersionInfo = { task, detector: detector.toJSON(), n: 0 };
    this.state.set(key, info);
    return info;
  }

  private countPrediction(modelId: string, version: string, t: number): void {
    const ws = this.owner.windowStart(t);
    if (this.isClosed(ws)) {
      this.stats.latePredictions++;
      return;
    }
    this.bump(keys.counts(this.p, ws, modelId, version)).p++;
  }

  private bump(key: string): Counts {
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { p: 0, x: 0 }));
    return c;
  }

  /** After the records: expire by the new watermark, then close the windows it passed. */
  async advance(): Promise<void> {
    const watermark = this.owner.watermark(this.meta);
    if (watermark !== null) await this.expire(watermark);
    await this.flushCounts();
    if (watermark === null) return;
    const closable =
      Math.floor((watermark - this.settings.allowedLatenessMs) / this.settings.windowMs) *
      this.settings.windowMs;
    if (this.meta.closedThrough !== null && closable <= this.meta.closedThrough) return;
    await this.close(closable);
  }

  private async expire(watermark: number): Promise<void> {
    const p = this.p;
    const range = keys.expiredBy(p, watermark);
    let chunk: string[] = [];
    const flush = async () => {
      await this.applyExpiry(chunk, watermark);
      chunk = [];
    };
    for await (const [key] of this.state.range(range.gte, range.lt)) {
      chunk.push(key);
      if (chunk.length >= 1000) await flush();
    }
    if (chunk.length > 0) await flush();
  }

  private async applyExpiry(indexKeys: string[], watermark: number): Promise<void> {
    const p = this.p;
    const H = this.settings.horizonMs;
    const entries = indexKeys.map((k) => {
      const [, , , kind, eventId, modelId] = parts(k);
      return {
        indexKey: k,
        kind: kind as EntryKind,
        eventId,
        modelId,
        key: keys.entry(kind as EntryKind, p, eventId, modelId),
      };
    });
    await this.state.load(entries.map((e) => e.key));
    for (const e of entries) {
      this.state.delete(e.indexKey);
      if (e.kind === 'L') {
        const label = this.state.get<LabelEntry>(e.key);
        if (!label) continue;
        if (label.t + H > watermark) {
          // Defensive: an entry re-indexed later than this index key.
          this.state.set(keys.expiry(p, label.t + H, 'L', e.eventId, e.modelId), 1);
          continue;
        }
        if (label.m === 0) this.stats.expiredLabelsUnmatched++;
        this.meta.waitingLabels--;
        this.state.delete(e.key);
        continue;
      }
      const entry = this.state.get<PredictionEntry>(e.key);
      if (!entry) continue;
      let earliestLeft = Infinity;
      for (const [version, prediction] of Object.entries(entry.v)) {
        if (prediction.t + H > watermark) {
          earliestLeft = Math.min(earliestLeft, prediction.t);
          continue;
        }
        if (!prediction.joined) {
          this.stats.expiredPredictions++;
          this.meta.waitingPredictions--;
          const ws = this.owner.windowStart(prediction.t + H);
          if (!this.isClosed(ws)) this.bump(keys.counts(p, ws, e.modelId, version)).x++;
        }
        delete entry.v[version];
      }
      if (earliestLeft === Infinity) this.state.delete(e.key);
      else {
        this.state.set(e.key, entry);
        this.state.set(keys.expiry(p, earliestLeft + H, 'P', e.eventId, e.modelId), 1);
      }
    }
  }

  private async flushCounts(): Promise<void> {
    if (this.counts.size === 0) return;
    await this.state.load(this.counts.keys());
    for (const [key, inc] of this.counts) {
      const c = this.state.get<Counts>(key) ?? { p: 0, x: 0 };
      this.state.set(key, { p: c.p + inc.p, x: c.x + inc.x });
    }
    this.counts.clear();
  }

  /** Closes every window ending in (closedThrough, upTo], computing its states from the stored pairs. */
  private async close(upTo: number): Promise<void> {
    const p = this.p;
    const W = this.settings.windowMs;
    const from = this.meta.closedThrough ?? 0;
    // Counts first (small: one per model version and window).
    const counts = new Map<number, Map<string, Counts>>();
    const nRange = keys.windows('N', p, from, upTo);
    for await (const [key, c] of this.state.range<Counts>(nRange.gte, nRange.lt)) {
      const [, , ws, modelId, version] = parts(key);
      const byWindow = counts.get(Number(ws)) ?? new Map<string, Counts>();
      counts.set(Number(ws), byWindow);
      byWindow.set(`${modelId}\u0000${version}`, c);
    }
    const rRange = keys.windows('R', p, from, upTo);
    let current: { ws: number; modelId: string; states: Map<string, WindowState> } | undefined;
    let lastLabel: { value: LabelValue | undefined } = { value: undefined };
    const detectors = new Map<string, { detector: DriftDetector; info: VersionInfo; signal: WindowSignal }>();
    const finishModel = async () => {
      if (!current) return;
      await this.finishModel(
        current.ws,
        current.modelId,
        current.states,
        counts.get(current.ws),
        detectors,
        lastLabel.value,
      );
      current = undefined;
    };
    for await (const [key, row] of this.state.range<PairRow>(rRange.gte, rRange.lt)) {
      const [, , wsText, modelId] = parts(key);
      const ws = Number(wsText);
      if (!current || current.ws !== ws || current.modelId !== modelId) {
        await finishModel();
        current = { ws, modelId, states: new Map() };
        const bKey = keys.lastLabel(p, modelId);
        await this.state.load([bKey]);
        lastLabel = { value: this.state.get<{ y: LabelValue }>(bKey)?.y };
      }
      const tracked = await this.detector(modelId, row.v, detectors);
      const state = current.states.get(row.v) ?? new WindowState();
      current.states.set(row.v, state);
      const { metrics, baseline } = state.useTask(tracked.info.task);
      const pair: ScoredPair = { score: row.s, predictedClass: row.c, probabilities: row.q, label: row.y };
      const error = addPair(metrics, pair);
      state.labelledCount++;
      state.delay.add(row.lt - row.pt);
      if (lastLabel.value !== undefined) {
        const guess = persistencePrediction(tracked.info.task, lastLabel.value, row.y);
        if (guess) addPair(baseline, guess);
      }
      lastLabel.value = row.y;
      tracked.detector.update(error);
      tracked.info.n++;
      tracked.signal.observed = true;
      if (tracked.detector.driftDetected) tracked.signal.detections++;
      if (inWarning(tracked.detector)) tracked.signal.warning = true;
    }
    await finishModel();
    // Windows with predictions or expiries but no pairs for some versions.
    for (const [ws, byWindow] of counts) {
      for (const [mv, c] of byWindow) {
        const [modelId, version] = mv.split('\u0000');
        const state = new WindowState();
        state.predictionCount = c.p;
        state.expiredUnlabelled = c.x;
        const key = keys.version(p, modelId, version);
        await this.state.load([key]);
        // The detector's count may have moved on in an earlier window of this close.
        const info = detectors.get(key)?.info ?? this.state.get<VersionInfo>(key);
        if (info) {
          state.task = info.task;
          state.drift = {
            detector: info.detector.detector,
            driftDetected: false,
            warningDetected: false,
            observations: info.n,
            detections: 0,
          };
        }
        this.closed.push({ modelId, modelVersion: version, windowStart: ws, windowEnd: ws + W, state });
      }
    }
    this.closed.sort(
      (a, b) =>
        a.windowStart - b.windowStart || cmp(a.modelId, b.modelId) || cmp(a.modelVersion, b.modelVersion),
    );
    for (const { detector, info } of detectors.values()) info.detector = detector.toJSON();
    for (const [key, tracked] of detectors) this.state.set(key, tracked.info);
    this.meta.closedThrough = upTo;
    this.closedThrough = upTo;
    for (const r of [rRange, nRange]) {
      this.state.discardRange(r.gte, r.lt);
      this.garbage.push(r);
    }
  }

  private async finishModel(
    ws: number,
    modelId: string,
    states: Map<string, WindowState>,
    counts: Map<string, Counts> | undefined,
    detectors: Map<string, { detector: DriftDetector; info: VersionInfo; signal: WindowSignal }>,
    lastLabel: LabelValue | undefined,
  ): Promise<void> {
    const W = this.settings.windowMs;
    for (const [version, state] of [...states.entries()].sort((a, b) => cmp(a[0], b[0]))) {
      const mv = `${modelId}\u0000${version}`;
      const c = counts?.get(mv);
      if (c) {
        state.predictionCount = c.p;
        state.expiredUnlabelled = c.x;
        counts?.delete(mv);
      }
      const tracked = detectors.get(keys.version(this.p, modelId, version)) as {
        detector: DriftDetector;
        info: VersionInfo;
        signal: WindowSignal;
      };
      state.drift = {
        detector: tracked.detector.name,
        driftDetected: tracked.signal.detections > 0,
        warningDetected: tracked.signal.warning,
        observations: tracked.info.n,
        detections: tracked.signal.detections,
      };
      this.stats.detections += tracked.signal.detections;
      tracked.signal.detections = 0;
      tracked.signal.warning = false;
      this.closed.push({ modelId, modelVersion: version, windowStart: ws, windowEnd: ws + W, state });
    }
    if (lastLabel !== undefined) this.state.set(keys.lastLabel(this.p, modelId), { y: lastLabel });
  }

  private async detector(
    modelId: string,
    version: string,
    detectors: Map<string, { detector: DriftDetector; info: VersionInfo; signal: WindowSignal }>,
  ): Promise<{ detector: DriftDetector; info: VersionInfo; signal: WindowSignal }> {
    const key = keys.version(this.p, modelId, version);
    let tracked = detectors.get(key);
    if (!tracked) {
      await this.state.load([key]);
      const info = this.state.get<VersionInfo>(key);
      if (!info)
        throw new Error(
          `no task/detector state for model ${modelId} version ${version} on partition ${this.p}`,
        );
      tracked = {
        detector: restoreDetector(info.detector),
        info: { ...info },
        signal: { detections: 0, warning: false, observed: false },
      };
      detectors.set(key, tracked);
    }
    return tracked;
  }

  result(meta: PartitionMeta): BatchResult {
    return {
      examples: this.examples,
      rejected: this.rejected,
      closed: this.closed,
      closedThrough: this.closedThrough,
      meta,
      ops: this.state.ops(),
      garbage: this.garbage,
      stats: this.stats,
    };
  }
}

interface WindowSignal {
  detections: number;
  warning: boolean;
  observed: boolean;
}

function storedPrediction(x: Prediction): StoredPrediction {
  return {
    t: x.timestamp,
    entityId: x.entityId,
    numeric: x.numeric,
    categorical: x.categorical,
    segments: x.segments,
    output: x.output,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
