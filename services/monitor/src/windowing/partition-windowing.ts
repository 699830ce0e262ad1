import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Gauge, type Histogram } from 'prom-client';
import {
  EventCodecs,
  type FeatureObservation,
  type MonitorPartial,
  MonitorPartialContract,
  type MonitorPartitionProgress,
  type Prediction,
  topicName,
  validateFeatureObservation,
  validatePrediction,
} from '@continuum/events';
import {
  BatchConsumer,
  type BatchContext,
  BatchHandler,
  type ConsumedRecord,
  KAFKA_CLIENT,
  type KafkaClient,
} from '@continuum/kafka';
import { LOGGER, type Logger, Metrics } from '@continuum/observability';
import { type EventProducer, type OutgoingEvent } from '@continuum/kafka';
import { keyPartition } from '../kafka/model-partition';
import { Mutex } from '../kafka/mutex';
import { type MonitorConfig } from '../monitor.config';
import { PredictionCounter } from '../prediction-counts/prediction-counter';
import { ReferenceCatalog } from '../references/reference-catalog';
import { type MonitoredEvent, fromFeatureObservation, fromPrediction } from '../streams/monitored-event';
import { type Source, subjectKey } from '../streams/stream-identity';
import { ASSIGNMENT_RELAY, MONITOR_CONFIG } from '../tokens';
import { type Assignment, type AssignmentRelay } from './assignment-relay';
import { CheckpointStore, type SourcePartition, manifestKey } from './checkpoint-store';
import { partialRecordKey, progressRecordKey, samplesRecordKey } from './partial-keys';
import {
  PartitionWindows,
  type PartitionWindowsOptions,
  StageOneOutput,
  UnknownReferenceError,
} from './partition-windows';

interface PartitionContext {
  readonly source: SourcePartition;
  readonly kind: Source;
  readonly generation: number;
  readonly state: PartitionWindows;
  readonly lock: Mutex;
  readyAt: number;
  lastBatchAt: number;
  /** High watermark of the last batch (undefined before the first batch of this assignment). */
  highWatermark?: number;
  lastCheckpointAt: number;
  checkpointedOffset: number;
  /** What the last published progress said. */
  published?: { watermark: number; idle: boolean };
  idle: boolean;
}

/**
 * Stage 1: windows each source partition of ct.predictions and ct.features on its own (see
 * PartitionWindows), publishes each closed window's state and the partition's progress to
 * ct.monitor-partials, and checkpoints the partition state to ct.monitor-checkpoints before
 * committing the offset it covers. A restart, or a new owner after a rebalance, restores the
 * checkpoint and skips what it covers, so nothing is counted twice.
 */
@Injectable()
export class PartitionWindowing {
  private writer!: EventProducer;
  private store!: CheckpointStore;
  private partialsPartitions = 1;
  private readonly contexts = new Map<string, PartitionContext>();
  private generation = 0;
  private loading: Promise<void> = Promise.resolve();
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private readonly predictionsTopic = topicName('predictions');
  private readonly featuresTopic = topicName('features');
  private readonly partialsTopic = topicName('monitorPartials');

  private readonly events: Counter<'source' | 'outcome'>;
  private readonly lateEvents: Counter<'source' | 'kind'>;
  private readonly partialsOut: Counter;
  private readonly checkpoints: Histogram;
  private readonly watermarkGauge: Gauge<'topic' | 'partition'>;
  private readonly idleGauge: Gauge<'topic' | 'partition'>;
  private readonly streamsGauge: Gauge<'topic' | 'partition'>;
  private readonly assignedGauge: Gauge<'stage'>;

  constructor(
    @Inject(MONITOR_CONFIG) private readonly config: MonitorConfig,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    @Inject(ASSIGNMENT_RELAY) private readonly relay: AssignmentRelay,
    private readonly catalog: ReferenceCatalog,
    private readonly consumer: BatchConsumer,
    private readonly counter: PredictionCounter,
    private readonly codecs: EventCodecs,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.events = metrics.counter(
      'continuum_monitor_events_total',
      'Events seen by stage 1, by outcome: windowed; awaiting_reference (no reference profile yet, or before a bootstrap profile takes effect); unattributed (feature observations without modelId).',
      ['source', 'outcome'],
    );
    this.lateEvents = metrics.counter(
      'continuum_monitor_late_events_total',
      'Events after their window closed on their partition: late (missed some windows, still in later ones) or dropped (missed every window).',
      ['source', 'kind'],
    );
    this.partialsOut = metrics.counter(
      'continuum_monitor_partials_published_total',
      'Window partials published by stage 1.',
    );
    this.checkpoints = metrics.histogram(
      'continuum_monitor_checkpoint_bytes',
      'Size of stage 1 partition checkpoints.',
      [],
      [1e3, 1e4, 1e5, 1e6, 1e7, 1e8],
    );
    this.watermarkGauge = metrics.gauge(
      'continuum_monitor_partition_watermark_seconds',
      'Event-time watermark of each source partition owned by this instance (epoch seconds).',
      ['topic', 'partition'],
    );
    this.idleGauge = metrics.gauge(
      'continuum_monitor_partition_idle',
      '1 when the source partition is idle (caught up and no record for MONITOR_IDLE_TIMEOUT).',
      ['topic', 'partition'],
    );
    this.assignedGauge = metrics.gauge(
      'continuum_monitor_assigned_partitions',
      'Partitions assigned to this instance: source partitions (stage 1, windowing) or ct.monitor-partials partitions (stage 2, combiner).',
      ['stage'],
    );
    this.streamsGauge = metrics.gauge(
      'continuum_monitor_open_streams',
      'Streams (subject × segment) with open windows per source partition.',
      ['topic', 'partition'],
    );
  }

  /** Called by the runtime before the stage 1 consumer starts. */
  async start(writer: EventProducer): Promise<void> {
    this.writer = writer;
    const admin = this.client.admin();
    await admin.connect();
    let checkpointPartitions: number;
    try {
      const metadata = await admin.fetchTopicMetadata({
        topics: [this.partialsTopic, topicName('monitorCheckpoints')],
      });
      // The response's topic order is the broker's, not the request's.
      const count = (name: string) => metadata.topics.find((t) => t.name === name)?.partitions.length ?? 0;
      this.partialsPartitions = count(this.partialsTopic);
      checkpointPartitions = count(topicName('monitorCheckpoints'));
      if (this.partialsPartitions === 0 || checkpointPartitions === 0)
        throw new Error('ct.monitor-partials and ct.monitor-checkpoints must exist before stage 1 starts');
    } finally {
      await admin.disconnect();
    }
    this.store = new CheckpointStore(
      this.client,
      this.codecs,
      writer,
      topicName('monitorCheckpoints'),
      this.config.groupId,
      checkpointPartitions,
      this.config.sessionTimeoutMs,
    );
    this.relay.listen((assignment) => this.assign(assignment));
    this.consumer.beforeStop(() => this.flushForShutdown());
    const tick = Math.min(1000, Math.max(50, Math.floor(this.config.checkpointIntervalMs / 2)));
    this.timer = setInterval(() => void this.onTick(), tick);
    this.timer.unref();
  }

  @BatchHandler('predictions', { validate: validatePrediction, manualCommit: true })
  async onPredictions(records: Array<ConsumedRecord<Prediction>>, context: BatchContext): Promise<void> {
    const counted: Prediction[] = [];
    await this.handle(context, 'PREDICTIONS', records, (r) => {
      counted.push(r.value);
      return fromPrediction(r.value);
    });
    this.counter.count(counted);
  }

  @BatchHandler('features', { validate: validateFeatureObservation, manualCommit: true })
  async onFeatures(records: Array<ConsumedRecord<FeatureObservation>>, context: BatchContext): Promise<void> {
    await this.handle(context, 'FEATURES', records, (r) => fromFeatureObservation(r.value));
  }

  private async handle<T>(
    context: BatchContext,
    kind: Source,
    records: Array<ConsumedRecord<T>>,
    convert: (record: ConsumedRecord<T>) => MonitoredEvent | undefined,
  ): Promise<void> {
    const pc = await this.contextFor(context.topic, context.partition, kind);
    await pc.lock.run(async () => {
      if (this.stopping || pc.generation !== this.generation) return;
      if (pc.lastBatchAt === 0) {
        this.logger.info(
          {
            topic: pc.source.topic,
            partition: pc.source.partition,
            firstOffset: records[0]?.offset ?? context.lastOffset,
            nextOffset: pc.state.nextOffset,
          },
          'first batch after assignment',
        );
      }
      const out = new StageOneOutput();
      let unattributed = 0;
      pc.state.beginBatch();
      for (const record of records) {
        const offset = Number(record.offset);
        // Covered by the checkpoint this state was restored from.
        if (offset < pc.state.nextOffset) continue;
        const event = convert(record);
        if (event) pc.state.observe(offset, event, out);
        else {
          unattributed++;
          pc.state.skipTo(offset + 1);
        }
      }
      pc.state.skipTo(Number(context.lastOffset) + 1);
      const now = Date.now();
      pc.lastBatchAt = now;
      pc.highWatermark = Number(context.highWatermark);
      pc.idle = false;
      this.count(kind, out, unattributed);
      await this.publish(pc, out);
      if (now - pc.lastCheckpointAt >= this.config.checkpointIntervalMs) await this.checkpoint(pc);
    });
  }

  private count(kind: Source, out: StageOneOutput, unattributed: number): void {
    const source = kind === 'PREDICTIONS' ? 'predictions' : 'features';
    if (out.windowed) this.events.inc({ source, outcome: 'windowed' }, out.windowed);
    if (out.awaitingReference)
      this.events.inc({ source, outcome: 'awaiting_reference' }, out.awaitingReference);
    if (unattributed) this.events.inc({ source, outcome: 'unattributed' }, unattributed);
    if (out.late) this.lateEvents.inc({ source, kind: 'late' }, out.late);
    if (out.dropped) this.lateEvents.inc({ source, kind: 'dropped' }, out.dropped);
  }

  /** Partials and samples first, then progress: a progress record never announces a window not yet published. */
  private async publish(pc: PartitionContext, out: StageOneOutput, forceProgress = false): Promise<void> {
    const records: Array<OutgoingEvent<MonitorPartial>> = [];
    for (const window of out.partials) {
      records.push({
        key: partialRecordKey(window),
        partition: keyPartition(window.stream.subject.modelId, this.partialsPartitions),
        value: { window, progress: null, closed: null, samples: null },
      });
    }
    for (const { subject, events } of out.samples.values()) {
      records.push({
        key: samplesRecordKey(subjectKey(subject), pc.source.topic, pc.source.partition, events[0].offset),
        partition: keyPartition(subject.modelId, this.partialsPartitions),
        value: {
          window: null,
          progress: null,
          closed: null,
          samples: { subject, sourceTopic: pc.source.topic, sourcePartition: pc.source.partition, events },
        },
      });
    }
    await this.writer.send(this.partialsTopic, MonitorPartialContract, records);
    this.partialsOut.inc(out.partials.length);
    const changed =
      !pc.published || pc.published.idle !== pc.idle || pc.published.watermark !== pc.state.watermark;
    if (out.crossedBoundary || (forceProgress && changed) || (pc.published?.idle === true && !pc.idle)) {
      await this.publishProgress(pc);
    }
  }

  private async publishProgress(pc: PartitionContext): Promise<void> {
    const progress: MonitorPartitionProgress = {
      sourceTopic: pc.source.topic,
      sourcePartition: pc.source.partition,
      watermark: pc.state.watermark,
      maxEventTime: pc.state.maxEventTime,
      idle: pc.idle,
      publishedAt: Date.now(),
    };
    const key = progressRecordKey(pc.source.topic, pc.source.partition);
    const records: Array<OutgoingEvent<MonitorPartial>> = [];
    for (let partition = 0; partition < this.partialsPartitions; partition++) {
      records.push({ key, partition, value: { window: null, progress, closed: null, samples: null } });
    }
    await this.writer.send(this.partialsTopic, MonitorPartialContract, records);
    pc.published = { watermark: progress.watermark, idle: progress.idle };
    const labels = { topic: pc.source.topic, partition: String(pc.source.partition) };
    if (Number.isFinite(progress.watermark)) this.watermarkGauge.set(labels, progress.watermark / 1000);
    this.idleGauge.set(labels, pc.idle ? 1 : 0);
    this.streamsGauge.set(labels, pc.state.streamCount);
  }

  /** Progress, then the checkpoint, then the group offset: the offset never runs ahead of a checkpoint. */
  private async checkpoint(pc: PartitionContext): Promise<void> {
    await this.publish(pc, new StageOneOutput(), true);
    const nextOffset = pc.state.nextOffset;
    if (nextOffset !== pc.checkpointedOffset) {
      const body = pc.state.checkpoint();
      await this.store.save(pc.source, body, nextOffset);
      this.checkpoints.observe(body.length);
      await this.consumer.commit(pc.source.topic, pc.source.partition, String(nextOffset));
      pc.checkpointedOffset = nextOffset;
      this.logger.debug(
        { topic: pc.source.topic, partition: pc.source.partition, nextOffset, bytes: body.length },
        'checkpointed and committed',
      );
    }
    pc.lastCheckpointAt = Date.now();
  }

  private key(topic: string, partition: number): string {
    return `${topic}:${partition}`;
  }

  private assign(assignment: Assignment): void {
    const generation = ++this.generation;
    this.contexts.clear();
    const sources: Array<SourcePartition & { kind: Source }> = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      const kind: Source | undefined =
        topic === this.predictionsTopic
          ? 'PREDICTIONS'
          : topic === this.featuresTopic
            ? 'FEATURES'
            : undefined;
      if (!kind) continue;
      for (const partition of partitions) sources.push({ topic, partition, kind });
    }
    this.assignedGauge.set({ stage: 'windowing' }, sources.length);
    this.logger.info(
      { generation, sources: sources.map((s) => `${s.topic}/${s.partition}`) },
      'stage 1 assignment',
    );
    this.loading = this.load(generation, sources);
    this.loading.catch((error: unknown) =>
      this.logger.error({ err: error, generation }, 'loading checkpoints failed; retried on the next batch'),
    );
  }

  private options(source: SourcePartition, kind: Source): PartitionWindowsOptions {
    return {
      topic: source.topic,
      partition: source.partition,
      source: kind,
      window: {
        sizeMs: this.config.windowMs,
        hopMs: this.config.windowHopMs,
        latenessMs: this.config.allowedLatenessMs,
      },
      segmentKeys: this.config.segmentKeys,
      maxSegmentsPerKey: this.config.maxSegmentsPerKey,
      bootstrapEvents: this.config.bootstrapEvents,
    };
  }

  /** Loads the latest checkpoint of every assigned partition (the topic read to its end now). */
  private async load(generation: number, sources: Array<SourcePartition & { kind: Source }>): Promise<void> {
    if (sources.length === 0) return;
    const stored = await this.store.load(sources);
    for (const source of sources) {
      const checkpoint = stored.get(manifestKey(this.config.groupId, source));
      const options = this.options(source, source.kind);
      const state = checkpoint
        ? await this.restore(options, checkpoint.body)
        : new PartitionWindows(options, this.catalog);
      if (generation !== this.generation) return;
      const now = Date.now();
      this.contexts.set(this.key(source.topic, source.partition), {
        source,
        kind: source.kind,
        generation,
        state,
        lock: new Mutex(),
        readyAt: now,
        lastBatchAt: 0,
        lastCheckpointAt: now,
        checkpointedOffset: state.nextOffset,
        idle: false,
      });
      this.logger.info(
        {
          topic: source.topic,
          partition: source.partition,
          nextOffset: state.nextOffset,
          restored: !!checkpoint,
        },
        'stage 1 partition ready',
      );
    }
  }

  /** A checkpoint may name a reference this instance's catalog has not read yet: wait for it. */
  private async restore(options: PartitionWindowsOptions, body: Buffer): Promise<PartitionWindows> {
    for (let attempt = 0; ; attempt++) {
      try {
        return PartitionWindows.restore(options, this.catalog, body);
      } catch (error) {
        if (!(error instanceof UnknownReferenceError) || attempt >= 20) throw error;
        this.logger.info(
          { referenceId: error.referenceId },
          'waiting for the catalog to know a checkpoint reference',
        );
        await this.catalog.syncToEnd();
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async contextFor(topic: string, partition: number, kind: Source): Promise<PartitionContext> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.loading;
      } catch (error) {
        if (attempt >= 3) throw error;
        // Retry the load of this generation.
        const generation = this.generation;
        this.loading = this.load(generation, [{ topic, partition, kind }]);
        continue;
      }
      const pc = this.contexts.get(this.key(topic, partition));
      if (pc) return pc;
      if (attempt >= 3) throw new Error(`no stage 1 state for ${topic}/${partition} after reloading`);
      // A batch of a partition the last assignment did not list (should not happen): load it.
      this.loading = this.load(this.generation, [{ topic, partition, kind }]);
    }
  }

  private ticking = false;

  /** Periodic checkpoints of partitions with unsaved progress, and idle detection. */
  private async onTick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      const now = Date.now();
      let ends: Map<string, number> | undefined;
      for (const pc of [...this.contexts.values()]) {
        if (pc.generation !== this.generation || this.stopping) break;
        if (
          pc.state.nextOffset !== pc.checkpointedOffset &&
          now - pc.lastCheckpointAt >= this.config.checkpointIntervalMs
        ) {
          await pc.lock.run(async () => {
            if (!this.stopping && pc.generation === this.generation) await this.checkpoint(pc);
          });
        }
        const quietSince = Math.max(pc.lastBatchAt, pc.readyAt);
        if (pc.idle || now - quietSince < this.config.idleTimeoutMs) continue;
        let end = pc.highWatermark;
        if (end === undefined) {
          ends ??= await this.endOffsets();
          end = ends.get(this.key(pc.source.topic, pc.source.partition));
        }
        if (end === undefined || pc.state.nextOffset < end) continue;
        await pc.lock.run(async () => {
          if (this.stopping || pc.generation !== this.generation || pc.lastBatchAt > quietSince) return;
          pc.idle = true;
          await this.publishProgress(pc);
          this.logger.info(
            { topic: pc.source.topic, partition: pc.source.partition, maxEventTime: pc.state.maxEventTime },
            'source partition idle',
          );
        });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'stage 1 periodic work failed; retried on the next tick');
    } finally {
      this.ticking = false;
    }
  }

  private async endOffsets(): Promise<Map<string, number>> {
    const admin = this.client.admin();
    await admin.connect();
    const out = new Map<string, number>();
    try {
      for (const topic of [this.predictionsTopic, this.featuresTopic]) {
        for (const p of await admin.fetchTopicOffsets(topic))
          out.set(this.key(topic, p.partition), Number(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    return out;
  }

  /** Stop hook: checkpoint every partition and commit while the group membership is still valid. */
  private async flushForShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    try {
      await this.loading;
    } catch {
      return;
    }
    for (const pc of this.contexts.values()) {
      await pc.lock.run(async () => {
        try {
          await this.checkpoint(pc);
        } catch (error) {
          this.logger.warn(
            { err: error, topic: pc.source.topic, partition: pc.source.partition },
            'final checkpoint failed; a restart replays from the previous one',
          );
        }
      });
    }
    this.logger.info({ partitions: this.contexts.size }, 'stage 1 checkpointed for shutdown');
  }
}
