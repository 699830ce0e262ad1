import { type Label, type Prediction } from '@continuum/events';
import { type KeyValueStore } from '../state/key-value-store';
import { keys } from '../state/keys';
import { type FreshRecords, joinLabels, joinPredictions } from './event-join';
import { PartitionBatch } from './partition-batch';
import {
  type BatchResult,
  type EvaluatorSettings,
  type PartitionMeta,
  type SourceRecord,
  type SourceTopic,
  closableThrough,
  emptyMeta,
  partitionWatermark,
  windowStartOf,
} from './partition-progress';
import { closeWindows } from './window-close';
import { expireWaiting } from './waiting-expiry';

export {
  type BatchResult,
  type BatchStats,
  type ClosedWindow,
  type EvaluatorSettings,
  type PartitionMeta,
  type SourceRecord,
  type SourceTopic,
  emptyMeta,
} from './partition-progress';

/**
 * The evaluator's work for one partition of ct.predictions ⋈ ct.labels, in three parts applied to
 * one `PartitionBatch`: the join by eventId with waiting state on disk (`event-join.ts`), TTL
 * expiry by event time (`waiting-expiry.ts`), and the per-window metrics computed when the
 * partition's watermark closes a window (`window-close.ts`). It does no Kafka I/O: `process`
 * returns what to publish and the one atomic write the caller applies after publishing (see
 * README, exactly-once).
 *
 * Watermark = min(latest prediction time, latest label time) seen on this partition, so neither
 * topic can close windows or expire entries while the other is behind.
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
    return partitionWatermark(meta);
  }

  windowStart(t: number): number {
    return windowStartOf(t, this.settings.windowMs);
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

  async processPredictions(
    records: ReadonlyArray<SourceRecord<Prediction>>,
    elsewhere?: HandledElsewhere,
  ): Promise<BatchResult> {
    return this.process('predictions', records, elsewhere);
  }

  async processLabels(
    records: ReadonlyArray<SourceRecord<Label>>,
    elsewhere?: HandledElsewhere,
  ): Promise<BatchResult> {
    return this.process('labels', records, elsewhere);
  }

  /** A batch of ct.evaluator-repartition: predictions and labels re-routed to this partition. */
  async processRepartitioned(
    records: ReadonlyArray<SourceRecord<Prediction | Label>>,
    elsewhere?: HandledElsewhere,
  ): Promise<BatchResult> {
    return this.process(
      'repartition',
      records as ReadonlyArray<SourceRecord<Prediction> | SourceRecord<Label>>,
      elsewhere,
    );
  }

  /**
   * Applies a batch of one topic. The returned meta is adopted only by `commit`, so a batch that
   * fails before its write leaves this object as it was.
   */
  private async process(
    topic: SourceTopic,
    records: ReadonlyArray<SourceRecord<Prediction> | SourceRecord<Label>>,
    elsewhere: HandledElsewhere = {},
  ): Promise<BatchResult> {
    await this.sweep();
    const before = await this.progress();
    const meta: PartitionMeta = { ...before, next: { ...before.next } };
    const batch = new PartitionBatch(this.partition, this.store, this.settings, meta);
    const next = before.next[topic] === undefined ? undefined : BigInt(before.next[topic]);
    const fresh: FreshRecords<Prediction | Label> = [];
    records.forEach((record, index) => {
      if (next === undefined || BigInt(record.offset) >= next) fresh.push({ index, record });
    });
    batch.stats.fresh = fresh.length;
    batch.stats.replayed = records.length - fresh.length;
    if (fresh.length > 0) {
      // Re-routed records' event time was counted where they were read (reroutedTimes below).
      const ownSource = topic !== 'repartition';
      const predictions = fresh.filter((f) => isPrediction(topic, f.record.value));
      const labels = fresh.filter((f) => !isPrediction(topic, f.record.value));
      if (predictions.length > 0)
        await joinPredictions(batch, predictions as FreshRecords<Prediction>, ownSource);
      if (labels.length > 0) await joinLabels(batch, labels as FreshRecords<Label>, ownSource);
      meta.next[topic] = (BigInt(fresh[fresh.length - 1].record.offset) + 1n).toString();
    }
    const { through, reroutedTimes = [] } = elsewhere;
    const reached = meta.next[topic];
    if (through !== undefined && (reached === undefined || BigInt(through) > BigInt(reached))) {
      meta.next[topic] = through;
    }
    // Re-routed records were read here: this topic's event time has reached them (max: idempotent on replay).
    for (const t of reroutedTimes) {
      if (topic === 'predictions') meta.maxPredictionTime = Math.max(meta.maxPredictionTime ?? t, t);
      if (topic === 'labels') meta.maxLabelTime = Math.max(meta.maxLabelTime ?? t, t);
    }
    await this.advance(batch);
    batch.state.set(keys.meta(this.partition), meta);
    return batch.result();
  }

  /** After the records: expire by the new watermark, then close the windows it passed. */
  private async advance(batch: PartitionBatch): Promise<void> {
    const watermark = partitionWatermark(batch.meta);
    if (watermark !== null) await expireWaiting(batch, watermark);
    await batch.flushCounts();
    if (watermark === null) return;
    const closable = closableThrough(watermark, this.settings);
    if (batch.meta.closedThrough !== null && closable <= batch.meta.closedThrough) return;
    await closeWindows(batch, closable);
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

/** Records of a batch not given to `process`: dead-lettered, or re-routed to their murmur2 partition. */
export interface HandledElsewhere {
  /** The offset after the batch's last record (the batch is done up to there). */
  through?: string;
  /** Event times of the records re-routed through ct.evaluator-repartition. */
  reroutedTimes?: readonly number[];
}

/** ct.predictions holds predictions, ct.labels labels; a re-routed record is a prediction when it has an output. */
function isPrediction(topic: SourceTopic, value: Prediction | Label): boolean {
  return topic === 'repartition' ? 'output' in value : topic === 'predictions';
}
