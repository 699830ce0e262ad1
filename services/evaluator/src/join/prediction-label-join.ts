import { Controller, Inject, Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  EvaluatorPartialContract,
  type EvaluatorPartial,
  type EvaluatorRepartitionedEvent,
  EvaluatorRepartitionedEventContract,
  type Label,
  LabelledExampleContract,
  type Prediction,
  topicName,
  validateLabel,
  validatePrediction,
} from '@continuum/events';
import {
  type BatchContext,
  type ConsumedRecord,
  ConsumerAssignments,
  EventProducer,
  KeyedSerialQueue,
  keyPartition,
} from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { type TaskSource, configuredOrRegisteredTask } from '../evaluation/task';
import { SourcePartitions } from '../kafka/source-partitions';
import { EvaluatorMetrics } from '../observability/evaluator-metrics';
import { EstimationReferences } from '../registry/estimation-references';
import { RegisteredModels } from '../registry/registered-models';
import { StateStore } from '../state/state-store';
import { EVALUATOR_CONFIG } from '../tokens';
import { type BatchResult, PartitionEvaluator, type SourceTopic } from './partition-evaluator';

const SEND_CHUNK = 500;

/** NUL separates the components of state keys, so ids must not contain it. */
function checkIds(...ids: string[]): string | undefined {
  return ids.some((id) => id.includes('\u0000'))
    ? 'eventId/modelId/modelVersion contains a NUL character'
    : undefined;
}

/**
 * First stage: joins each partition's predictions and labels (PartitionEvaluator), publishes the
 * labelled examples, the partials of the windows it closed and its progress marker, and only then
 * writes the batch's state and offset in one atomic store write; the runtime commits the Kafka
 * offsets after that. A crash before the write replays the batch: examples and partials are
 * published again (same content), the state is unchanged.
 */
@Controller()
export class PredictionLabelJoin {
  private readonly partitions = new Map<number, PartitionEvaluator>();
  /**
   * Batches of ct.predictions and ct.labels for the same partition share that partition's state:
   * they must not interleave even when the runtime handles several partitions concurrently.
   */
  private readonly lock = new KeyedSerialQueue();
  /** A model's task: EVALUATOR_MODEL_TASKS, else its registered contract, else inferred from its first pair. */
  private readonly tasks: TaskSource;

  constructor(
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
    private readonly store: StateStore,
    private readonly producer: EventProducer,
    private readonly sourcePartitions: SourcePartitions,
    private readonly metrics: EvaluatorMetrics,
    assignments: ConsumerAssignments,
    @Inject(LOGGER) private readonly logger: Logger,
    models: RegisteredModels,
    // Optional so the unit tests' hand-built joins need none: no estimates then.
    @Optional() private readonly estimation?: EstimationReferences,
  ) {
    this.tasks = configuredOrRegisteredTask(config.modelTasks, models.view);
    assignments.onChange((a) => {
      // State of partitions this instance no longer owns stays on disk; caches are dropped so a
      // partition that comes back is read from the store again.
      const owned = new Set(a[topicName('predictions')] ?? []);
      for (const p of [...this.partitions.keys()]) if (!owned.has(p)) this.partitions.delete(p);
    });
  }

  @EventPattern('predictions', {
    batch: true,
    validate: (p: Prediction, key: string | null) =>
      validatePrediction(p, key) ?? checkIds(p.eventId, p.modelId, p.modelVersion),
  } satisfies BatchPatternOptions<Prediction>)
  async predictions(
    @Payload() records: Array<ConsumedRecord<Prediction>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    await this.handle('predictions', records, context.raw);
  }

  @EventPattern('labels', {
    batch: true,
    validate: (l: Label, key: string | null) => validateLabel(l, key) ?? checkIds(l.eventId, l.modelId),
  } satisfies BatchPatternOptions<Label>)
  async labels(
    @Payload() records: Array<ConsumedRecord<Label>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    await this.handle('labels', records, context.raw);
  }

  /** Predictions and labels a producer put on another partition than murmur2(eventId), re-routed here. */
  @EventPattern('evaluatorRepartition', {
    batch: true,
  } satisfies BatchPatternOptions<EvaluatorRepartitionedEvent>)
  async repartitioned(
    @Payload() records: Array<ConsumedRecord<EvaluatorRepartitionedEvent>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    const events = records.map((r) => ({ ...r, value: JSON.parse(r.value.event) as Prediction | Label }));
    await this.handle('repartition', events, context.raw);
  }

  private evaluator(partition: number): PartitionEvaluator {
    let e = this.partitions.get(partition);
    if (!e) {
      e = new PartitionEvaluator(partition, this.store, {
        horizonMs: this.config.labelHorizonMs,
        windowMs: this.config.windowMs,
        allowedLatenessMs: this.config.allowedLatenessMs,
        detector: this.config.detector,
        taskOverrides: this.tasks,
        estimation: this.estimation,
      });
      this.partitions.set(partition, e);
    }
    return e;
  }

  private async handle(
    topic: SourceTopic,
    records: Array<ConsumedRecord<Prediction | Label>>,
    context: BatchContext,
  ): Promise<void> {
    const partition = context.partition;
    await this.lock.run(String(partition), async () => {
      const evaluator = this.evaluator(partition);
      try {
        // A partition that moved here is restored from the changelog first (heartbeating).
        await this.store.prepare(partition, () => context.heartbeat());
        await this.checkContinuity(evaluator, topic, records[0]);
        const { local, reroutedTimes } = await this.reroute(topic, partition, records);
        const elsewhere = { through: (BigInt(context.lastOffset) + 1n).toString(), reroutedTimes };
        const result =
          topic === 'predictions'
            ? await evaluator.processPredictions(local as Array<ConsumedRecord<Prediction>>, elsewhere)
            : topic === 'labels'
              ? await evaluator.processLabels(local as Array<ConsumedRecord<Label>>, elsewhere)
              : await evaluator.processRepartitioned(local, elsewhere);
        for (const { index, reason } of result.rejected) context.reject(local[index], reason);
        await this.publish(partition, result, context);
        await this.store.write(result.ops);
        evaluator.committed(result);
        for (const g of result.garbage) await this.store.clearRange(g.gte, g.lt);
        this.metrics.batch(result.stats);
        this.metrics.partition(
          partition,
          evaluator.watermark(result.meta),
          result.meta.waitingPredictions,
          result.meta.waitingLabels,
        );
        if (result.stats.detections > 0)
          this.logger.info({ partition, detections: result.stats.detections }, 'concept drift detected');
      } catch (error) {
        evaluator.reset();
        throw error;
      }
    });
  }

  /**
   * Records of ct.predictions/ct.labels whose eventId maps (murmur2) to another partition — a
   * producer with another partitioner, e.g. librdkafka's default CRC32 — are sent to that partition
   * of ct.evaluator-repartition, acknowledged before this batch's state write and offset commit: a
   * crash re-sends them, and the join ignores the second copy as a duplicate.
   */
  private async reroute(
    topic: SourceTopic,
    partition: number,
    records: Array<ConsumedRecord<Prediction | Label>>,
  ): Promise<{ local: Array<ConsumedRecord<Prediction | Label>>; reroutedTimes: number[] }> {
    if (topic === 'repartition' || records.length === 0) return { local: records, reroutedTimes: [] };
    const count = await this.sourcePartitions.get();
    const local: Array<ConsumedRecord<Prediction | Label>> = [];
    const away: Array<{ record: ConsumedRecord<Prediction | Label>; target: number }> = [];
    for (const record of records) {
      const target = keyPartition(record.value.eventId, count);
      if (target === partition) local.push(record);
      else away.push({ record, target });
    }
    if (away.length === 0) return { local, reroutedTimes: [] };
    await this.producer.send(
      topicName('evaluatorRepartition'),
      EvaluatorRepartitionedEventContract,
      away.map(({ record, target }) => ({
        key: record.value.eventId,
        partition: target,
        value: {
          sourceTopic: topic === 'predictions' ? 'PREDICTIONS' : 'LABELS',
          sourcePartition: record.partition,
          sourceOffset: Number(record.offset),
          event: JSON.stringify(record.value),
        },
      })),
    );
    this.metrics.repartitionedEvents(records[0].topic, away.length);
    return { local, reroutedTimes: away.map(({ record }) => record.value.timestamp) };
  }

  /** A first record beyond the stored next offset means records were applied elsewhere (another instance's disk). */
  private async checkContinuity(
    evaluator: PartitionEvaluator,
    topic: SourceTopic,
    first: ConsumedRecord<unknown> | undefined,
  ): Promise<void> {
    if (!first) return;
    const meta = await evaluator.progress();
    const next = meta.next[topic];
    const gap = next === undefined ? BigInt(first.offset) > 0n : BigInt(first.offset) > BigInt(next);
    if (gap) {
      this.metrics.count('state_gap');
      this.logger.warn(
        {
          topic: first.topic,
          partition: first.partition,
          firstOffset: first.offset,
          storedNext: next ?? null,
        },
        'this instance has no state for the records before firstOffset (another instance processed them, or the state directory is new): a prediction among them still waiting for its label, if any, is not here and that label will count as unmatched; nothing is lost when none was waiting. Keep EVALUATOR_INSTANCE_ID stable across restarts so that a partition returns to the instance holding its state',
      );
    }
  }

  private async publish(partition: number, result: BatchResult, context: BatchContext): Promise<void> {
    const examples = topicName('examples');
    for (let i = 0; i < result.examples.length; i += SEND_CHUNK) {
      await this.producer.send(
        examples,
        LabelledExampleContract,
        result.examples.slice(i, i + SEND_CHUNK).map((e) => ({ key: e.eventId, value: e })),
      );
      await context.heartbeat();
    }
    this.metrics.count('example_published', result.examples.length);
    if (result.closedThrough === null) return;
    const partitionCount = await this.sourcePartitions.get();
    const partials = topicName('evaluatorPartials');
    const key = String(partition);
    const closedThrough = result.closedThrough;
    const messages: EvaluatorPartial[] = result.closed.map((w) => ({
      sourcePartition: partition,
      partitionCount,
      closedThrough,
      partial: {
        modelId: w.modelId,
        modelVersion: w.modelVersion,
        windowStart: w.windowStart,
        windowEnd: w.windowEnd,
        state: JSON.stringify(w.state.toJSON()),
      },
    }));
    for (let i = 0; i < messages.length; i += SEND_CHUNK) {
      await this.producer.send(
        partials,
        EvaluatorPartialContract,
        messages.slice(i, i + SEND_CHUNK).map((value) => ({ key, value })),
      );
    }
    // The marker goes last: the combiner treats the partition's windows up to closedThrough as complete.
    await this.producer.send(partials, EvaluatorPartialContract, [
      { key, value: { sourcePartition: partition, partitionCount, closedThrough, partial: null } },
    ]);
    this.metrics.count('partial_published', messages.length);
  }
}
