import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Gauge, type Histogram } from 'prom-client';
import {
  EventCodecs,
  type FeatureObservation,
  MonitorPartialContract,
  type Prediction,
  topicName,
} from '@continuum/events';
import {
  type Assignment,
  BatchConsumer,
  type BatchContext,
  type ColumnarBatch,
  ConsumerAssignments,
  type EventProducer,
  KAFKA_CLIENT,
  type KafkaClient,
  KeyedSerialQueue,
} from '@continuum/kafka';
import { LOGGER, type Logger, Metrics, labelProduct } from '@continuum/observability';
import { LATE_EVENTS_METRIC } from '../combining/drift-metrics';
import { type MonitorConfig } from '../monitor.config';
import { PredictionCounter } from '../prediction-counts/prediction-counter';
import { ReferenceCatalog } from '../references/reference-catalog';
import { SourceColumns } from '../streams/columnar-events';
import { type MonitoredEvent } from '../streams/monitored-event';
import { type Source } from '../streams/stream-identity';
import { MONITOR_CONFIG } from '../tokens';
import { readAnnouncedProgress } from './announced-progress';
import { CheckpointStore, type SourcePartition, manifestKey } from './checkpoint-store';
import { progressRecordKey } from './partial-keys';
import { type BatchRecord, PartitionRuntime, type PartitionPorts } from './partition-runtime';
import {
  PartitionWindows,
  type PartitionWindowsOptions,
  type StageOneOutput,
  UnknownReferenceError,
} from './partition-windows';

interface PartitionContext {
  readonly kind: Source;
  readonly generation: number;
  readonly runtime: PartitionRuntime;
}

/**
 * Stage 1's NestJS shell: receives the batches of ct.predictions and ct.features, keeps one
 * PartitionRuntime (the I/O order around a PartitionWindows) per assigned source partition,
 * restores their checkpoints on assignment, checkpoints periodically, and declares a partition
 * idle only when the broker says it has nothing left to read. A restart, or a new owner after a
 * rebalance, restores the checkpoint and skips what it covers, so nothing is counted twice.
 */
@Injectable()
export class PartitionWindowing {
  private writer!: EventProducer;
  private store!: CheckpointStore;
  private admin?: ReturnType<KafkaClient['admin']>;
  private partialsPartitions = 1;
  private readonly contexts = new Map<string, PartitionContext>();
  /** One job at a time per source partition: batches, periodic checkpoints and idle checks. */
  private readonly queue = new KeyedSerialQueue();
  private generation = 0;
  private loading: Promise<void> = Promise.resolve();
  private stopping = false;
  private ticking = false;
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
    private readonly assignments: ConsumerAssignments,
    private readonly catalog: ReferenceCatalog,
    private readonly consumer: BatchConsumer,
    private readonly counter: PredictionCounter,
    private readonly codecs: EventCodecs,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.events = metrics.counter(
      'continuum_monitor_events_total',
      'Events seen by stage 1, by outcome: windowed; awaiting_reference (no reference profile yet, or before a bootstrap profile takes effect); unattributed (feature observations without modelId). Dropped late events are counted in continuum_monitor_late_events_total{kind="dropped"} only; events replayed after a rebalance, which the previous owner counted, are not counted again.',
      ['source', 'outcome'],
      labelProduct({
        source: ['predictions', 'features'],
        outcome: ['windowed', 'awaiting_reference', 'unattributed'],
      }),
    );
    this.lateEvents = metrics.counter(
      LATE_EVENTS_METRIC.name,
      LATE_EVENTS_METRIC.help,
      ['source', 'kind'],
      labelProduct({ source: ['predictions', 'features'], kind: ['late', 'dropped', 'after_report'] }),
    );
    this.partialsOut = metrics.counter(
      'continuum_monitor_partials_published_total',
      'Window partials published by stage 1 (provisional ones of idle partitions included).',
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
      "1 when the source partition is idle: no record for MONITOR_IDLE_TIMEOUT and its position at the broker's log end.",
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
    this.assignments.onChange((assignment) => this.assign(assignment));
    this.consumer.beforeStop(() => this.flushForShutdown());
    const tick = Math.min(1000, Math.max(50, Math.floor(this.config.checkpointIntervalMs / 2)));
    this.timer = setInterval(() => void this.onTick(), tick);
    this.timer.unref();
  }

  /** A batch of ct.predictions (see SourceBatches for how it is consumed). */
  async onPredictions(batch: ColumnarBatch<Prediction>, context: BatchContext): Promise<void> {
    const counted: MonitoredEvent[] = [];
    const columns = SourceColumns.ofPredictions(batch.records);
    await this.handle(context, 'PREDICTIONS', batch, (row) => {
      const event = columns.event(row);
      if (event) counted.push(event);
      return event;
    });
    this.counter.count(counted);
  }

  /** A batch of ct.features. */
  async onFeatures(batch: ColumnarBatch<FeatureObservation>, context: BatchContext): Promise<void> {
    const columns = SourceColumns.ofFeatures(batch.records);
    await this.handle(context, 'FEATURES', batch, (row) => columns.event(row));
  }

  /** `eventOf(row)`: the row as stage 1's event, undefined when it belongs to no model. */
  private async handle<T>(
    context: BatchContext,
    kind: Source,
    batch: ColumnarBatch<T>,
    eventOf: (row: number) => MonitoredEvent | undefined,
  ): Promise<void> {
    const pc = await this.contextFor(context.topic, context.partition, kind);
    await this.queue.run(this.key(context.topic, context.partition), async () => {
      if (this.stopping || pc.generation !== this.generation) return;
      const { runtime } = pc;
      if (!runtime.started) {
        this.logger.info(
          {
            topic: runtime.source.topic,
            partition: runtime.source.partition,
            firstOffset: batch.size > 0 ? batch.offset(0) : context.lastOffset,
            nextOffset: runtime.state.nextOffset,
          },
          'first batch after assignment',
        );
      }
      // Records below the restored offset were counted before the restart: not converted again.
      const records: BatchRecord[] = [];
      for (let row = 0; row < batch.size; row++) {
        const offset = Number(batch.offset(row));
        if (offset >= runtime.state.nextOffset) records.push({ offset, event: eventOf(row) });
      }
      const unattributed = records.filter((r) => !r.event).length;
      const out = await runtime.handleBatch(records, Number(context.lastOffset), Date.now());
      this.count(kind, out, unattributed);
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

  private ports(): PartitionPorts {
    return {
      publish: async (records) => {
        await this.writer.send(this.partialsTopic, MonitorPartialContract, records);
        this.partialsOut.inc(records.filter((r) => r.value?.window).length);
      },
      saveCheckpoint: (source, body, nextOffset) => this.store.save(source, body, nextOffset),
      commit: (source, nextOffset) =>
        this.consumer.commit(source.topic, source.partition, String(nextOffset)),
      progressPublished: (progress, openStreams) => {
        const labels = { topic: progress.sourceTopic, partition: String(progress.sourcePartition) };
        if (Number.isFinite(progress.watermark)) this.watermarkGauge.set(labels, progress.watermark / 1000);
        this.idleGauge.set(labels, progress.idle ? 1 : 0);
        this.streamsGauge.set(labels, openStreams);
      },
      checkpointSaved: (bytes) => this.checkpoints.observe(bytes),
    };
  }

  private key(topic: string, partition: number): string {
    return `${topic}:${partition}`;
  }

  private assign(assignment: Assignment): void {
    const generation = ++this.generation;
    for (const pc of this.contexts.values()) pc.runtime.retire();
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
    const [stored, announced] = await Promise.all([
      this.store.load(sources),
      readAnnouncedProgress(this.client, this.codecs, {
        partialsTopic: this.partialsTopic,
        sources,
        groupIdPrefix: `${this.config.groupId}-progress-reader`,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
      }),
    ]);
    for (const source of sources) {
      const checkpoint = stored.get(manifestKey(this.config.groupId, source));
      const options = this.options(source, source.kind);
      const state = checkpoint
        ? await this.restore(options, checkpoint.body)
        : new PartitionWindows(options, this.catalog);
      if (generation !== this.generation) return;
      // What was published beyond the checkpoint is not published or counted again by the replay.
      const previous = announced.get(progressRecordKey(source.topic, source.partition));
      if (previous) state.markAnnounced(previous);
      const runtime = new PartitionRuntime(
        { topic: source.topic, partition: source.partition },
        state,
        this.ports(),
        {
          partialsPartitions: this.partialsPartitions,
          checkpointIntervalMs: this.config.checkpointIntervalMs,
          idleTimeoutMs: this.config.idleTimeoutMs,
        },
        Date.now(),
      );
      this.contexts.set(this.key(source.topic, source.partition), { kind: source.kind, generation, runtime });
      this.logger.info(
        {
          topic: source.topic,
          partition: source.partition,
          nextOffset: state.nextOffset,
          restored: !!checkpoint,
          announcedNextOffset: state.announcedProgress.nextOffset,
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

  /** Periodic checkpoints of partitions with unsaved progress, and idle checks. */
  private async onTick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const current = [...this.contexts.values()].filter((pc) => pc.generation === this.generation);
      for (const pc of current) {
        if (this.stopping) return;
        if (!pc.runtime.checkpointDue(now)) continue;
        await this.queue.run(this.key(pc.runtime.source.topic, pc.runtime.source.partition), async () => {
          if (!this.stopping && pc.generation === this.generation) await pc.runtime.checkpoint(Date.now());
        });
      }
      const candidates = current.filter((pc) => pc.runtime.mayBeIdle(now));
      if (candidates.length > 0) await this.checkIdle(candidates);
    } catch (error) {
      this.logger.warn({ err: error }, 'stage 1 periodic work failed; retried on the next tick');
    } finally {
      this.ticking = false;
    }
  }

  /** Asks the broker for the log-end offsets now: silence alone never makes a partition idle. */
  private async checkIdle(candidates: PartitionContext[]): Promise<void> {
    let ends: Map<string, number> | undefined;
    try {
      ends = await this.logEndOffsets([...new Set(candidates.map((pc) => pc.runtime.source.topic))]);
    } catch (error) {
      this.logger.debug({ err: error }, 'log-end offsets unavailable; no partition is declared idle');
    }
    for (const pc of candidates) {
      const { source } = pc.runtime;
      await this.queue.run(this.key(source.topic, source.partition), async () => {
        if (this.stopping || pc.generation !== this.generation) return;
        const verdict = await pc.runtime.checkIdle(
          ends?.get(this.key(source.topic, source.partition)),
          Date.now(),
        );
        if (verdict.idle && pc.runtime.isIdle) {
          this.logger.info(
            {
              topic: source.topic,
              partition: source.partition,
              nextOffset: pc.runtime.state.nextOffset,
              maxEventTime: pc.runtime.state.maxEventTime,
            },
            'source partition idle: caught up with the broker, open windows published',
          );
        }
      });
    }
  }

  private async logEndOffsets(topics: string[]): Promise<Map<string, number>> {
    if (!this.admin) {
      const admin = this.client.admin();
      await admin.connect();
      this.admin = admin;
    }
    const out = new Map<string, number>();
    for (const topic of topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic))
        out.set(this.key(topic, p.partition), Number(p.high));
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
      const { source } = pc.runtime;
      await this.queue.run(this.key(source.topic, source.partition), async () => {
        try {
          await pc.runtime.checkpoint(Date.now());
        } catch (error) {
          this.logger.warn(
            { err: error, topic: source.topic, partition: source.partition },
            'final checkpoint failed; a restart replays from the previous one',
          );
        }
      });
    }
    await this.admin?.disconnect().catch(() => undefined);
    this.logger.info({ partitions: this.contexts.size }, 'stage 1 checkpointed for shutdown');
  }
}
