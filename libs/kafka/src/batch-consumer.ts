import { type Batch, type Consumer, type IHeaders, type KafkaMessage } from 'kafkajs';
import {
  ColumnarDecoder,
  type Contract,
  DecodeError,
  type EventCodecs,
  type EventDecoder,
  isAcceptedRecordKey,
} from '@continuum/events';
import { type CheckResult, type Logger, type Metrics } from '@continuum/observability';
import { coPartitionedAssigner } from './co-partitioned-assigner';
import { ColumnarBatch, type ColumnarSubscription } from './columnar-batch';
import { ConsumerMetrics } from './consumer-metrics';
import { KafkaUsageError } from './errors';
import { type DeadLetterPublisher, type FailedRecord } from './dead-letter';
import { type KafkaClient } from './kafka-client';
import { type CommitRequest, OffsetCommitQueue } from './offset-commit-queue';

/** A decoded record with where it came from. */
export interface ConsumedRecord<T> {
  value: T;
  key: Buffer | null;
  topic: string;
  partition: number;
  offset: string;
  /** Kafka record timestamp, epoch ms. */
  timestamp: number;
  headers: IHeaders;
}

export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the batch's first record, including records that failed to decode or validate. */
  readonly firstOffset: string;
  /** Offset of the batch's last record, including records that failed to decode or validate. */
  readonly lastOffset: string;
  /** The partition's high watermark when the batch was fetched (lag = highWatermark - lastOffset - 1). */
  readonly highWatermark: string;
  /** Sends a record the handler cannot use to the dead-letter topic; the stream goes on. */
  reject(record: ConsumedRecord<unknown>, reason: string): void;
  /** Call during long handlers to keep the group membership alive. */
  heartbeat(): Promise<void>;
  /**
   * The runtime will not commit this batch: the handler commits with `commitOffsets` once its own
   * checkpoint is durable (the same as resolving `{ commit: false }`).
   */
  deferCommit(): void;
  /**
   * Commits `nextOffset` (the offset of the next record to read) for this batch's partition in the
   * group. Works while the consumer's stop() is in progress, unlike BatchConsumer.commit().
   */
  commitOffsets(nextOffset: string): Promise<void>;
}

/**
 * Handles one partition's batch. Resolving commits the batch's offsets. A handler that keeps
 * its own checkpoints resolves `{ commit: false }` and commits later with BatchConsumer.commit(),
 * so the group's offsets never run ahead of the state they describe.
 */
export type BatchHandlerFn<T> = (
  records: Array<ConsumedRecord<T>>,
  context: BatchContext,
) => Promise<void | { commit: false }>;

export interface Subscription<T> {
  topic: string;
  contract: Contract<T>;
  handler: BatchHandlerFn<T>;
  /**
   * Domain validation after decoding, given the record's key (UTF-8, null when absent): a message
   * names the problem (the record is dead-lettered with it), undefined means valid.
   */
  validate?: (value: T, key: string | null) => string | undefined;
  /**
   * The handler owns this topic's offsets: the runtime never commits them, dead-letters the
   * records that fail to decode or validate before calling the handler, and calls the handler even
   * when no record of the batch is valid (with an empty array), so that it can account for every
   * offset in its own checkpoints and commit with BatchConsumer.commit().
   */
  manualCommit?: boolean;
}

export interface BatchConsumerOptions {
  service: string;
  groupId: string;
  /** Where a new consumer group starts; Continuum defaults to the earliest offset so nothing is missed. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  /**
   * Give partition p of every subscribed topic to the same member (for co-partitioned joins).
   * `{ instanceId }` also keeps the assignment stable across restarts of a fixed set of
   * instances (for services with state on local disk).
   */
  coPartitioned?: boolean | { instanceId: string };
  /** Called (synchronously) with the new assignment after every rebalance, before its batches. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
}

type ActiveSubscription =
  | { subscription: Subscription<unknown>; decoder: EventDecoder<unknown> }
  | { subscription: ColumnarSubscription<unknown>; columnar: ColumnarDecoder<unknown> };

/** A decoded batch, ready for its handler. */
interface Decoded {
  count: number;
  handle(context: BatchContext): Promise<void | { commit: false }>;
}

/**
 * Kafka batch consumer runtime. For every fetched batch of a partition: decode all records,
 * hand the valid ones to the topic's handler as one typed array, dead-letter the rest, and only
 * then commit the batch's offsets. The commit is queued (OffsetCommitQueue: a failed one is sent
 * again until it succeeds or the partition is revoked) and the next batch is handed over while it
 * is in flight; while stopping, a batch waits for its commit. A crash anywhere before the commit
 * replays the batch, so delivery is at-least-once with duplicates limited to the batches whose
 * commit had not been answered (per partition, usually the last one or two); a bad record never
 * stops a partition.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly subscriptions = new Map<string, ActiveSubscription>();
  private readonly metrics: ConsumerMetrics;
  private joined = false;
  private crashed: string | undefined;
  private running = false;
  private stopping = false;
  private readonly commits: OffsetCommitQueue;
  private readonly stopHooks: Array<() => Promise<void>> = [];

  private assignedPartitions: Array<{ topic: string; partition: number }> = [];

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly deadLetters: DeadLetterPublisher,
    metrics: Metrics,
    private readonly logger: Logger,
    readonly options: BatchConsumerOptions,
  ) {
    this.metrics = new ConsumerMetrics(metrics);
    this.commits = new OffsetCommitQueue(
      () => Promise.reject(new KafkaUsageError('no batch has been consumed yet')),
      {
        onFailure: (error, request, retried) =>
          this.logger[retried ? 'warn' : 'error'](
            { err: error, offsets: request.topics, retried },
            retried
              ? 'offset commit failed; sending it again'
              : 'offset commit failed while stopping; these batches are replayed after the restart',
          ),
      },
    );
    this.consumer = client.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
      allowAutoTopicCreation: false,
      ...(options.coPartitioned
        ? {
            partitionAssigners: [
              coPartitionedAssigner(
                typeof options.coPartitioned === 'object' ? options.coPartitioned.instanceId : '',
              ),
            ],
          }
        : {}),
    });
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, (e) => {
      this.joined = true;
      this.crashed = undefined;
      this.logger.info(
        { groupId: options.groupId, assignment: e.payload.memberAssignment },
        'joined consumer group',
      );
      this.commits.retain(e.payload.memberAssignment);
      options.onAssignment?.(e.payload.memberAssignment);
      void this.exportAssignedLag(e.payload.memberAssignment);
    });
    this.consumer.on(events.CRASH, (e) => {
      this.joined = false;
      this.crashed = e.payload.error.message;
      // A retriable crash kafkajs restarts from (a coordinator still loading on a fresh broker) is
      // a warning; one it gives up on is an error.
      const restarts = e.payload.restart && (e.payload.error as { retriable?: boolean }).retriable === true;
      this.logger[restarts ? 'warn' : 'error'](
        { err: e.payload.error, restart: e.payload.restart },
        'consumer crashed',
      );
    });
    this.consumer.on(events.DISCONNECT, () => (this.joined = false));
    this.consumer.on(events.STOP, () => (this.joined = false));
  }

  subscribe<T>(subscription: Subscription<T>): void {
    this.checkSubscribable(subscription.topic);
    this.subscriptions.set(subscription.topic, {
      subscription: subscription as Subscription<unknown>,
      decoder: this.codecs.decoderFor(subscription.contract) as EventDecoder<unknown>,
    });
  }

  /**
   * Subscribes a handler that takes each batch as columns (ColumnarBatch), decoded by the
   * contract's schema-specialised reader; for contracts it cannot read (fields other than
   * scalars, maps of scalars and records of those) this throws: use subscribe().
   */
  subscribeColumnar<T>(subscription: ColumnarSubscription<T>): void {
    this.checkSubscribable(subscription.topic);
    const columnar = ColumnarDecoder.for(subscription.contract, this.codecs.registry, subscription.seedKeys);
    if (!columnar)
      throw new KafkaUsageError(`${subscription.contract.name} cannot be read as columns; use subscribe()`);
    this.subscriptions.set(subscription.topic, {
      subscription: subscription as ColumnarSubscription<unknown>,
      columnar: columnar as ColumnarDecoder<unknown>,
    });
  }

  private checkSubscribable(topic: string): void {
    if (this.running) throw new KafkaUsageError('subscribe() must be called before start()');
    if (this.subscriptions.has(topic)) {
      throw new KafkaUsageError(
        `topic ${topic} already has a batch handler in group ${this.options.groupId}`,
      );
    }
  }

  get topics(): string[] {
    return [...this.subscriptions.keys()];
  }

  async start(): Promise<void> {
    if (this.subscriptions.size === 0)
      throw new KafkaUsageError(`consumer group ${this.options.groupId} has no subscriptions`);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? true });
    for (const topic of this.topics) this.metrics.topicSubscribed(topic, this.options.groupId);
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale, commitOffsetsIfNecessary }) => {
        // Commit through the batch payload: consumer.commitOffsets() silently does nothing once
        // stop() has begun, which would lose the commit of the batch a SIGTERM lets finish.
        const send = (request: CommitRequest) => commitOffsetsIfNecessary(request);
        const commit = (offset: string) => this.commits.commit(batch.topic, batch.partition, offset, send);
        await this.handleBatch(batch, heartbeat, isStale, commit);
        resolveOffset(batch.lastOffset());
      },
    });
  }

  /** Sets the lag gauge of every newly assigned partition (see ConsumerMetrics.assigned); best effort. */
  private async exportAssignedLag(assignment: Record<string, number[]>): Promise<void> {
    let admin: ReturnType<KafkaClient['admin']> | undefined;
    try {
      admin = this.client.admin();
      await admin.connect();
      const groupId = this.options.groupId;
      const topics = Object.keys(assignment).filter((t) => assignment[t].length > 0);
      const committed = await admin.fetchOffsets({ groupId, topics });
      const lags: Array<{ topic: string; partition: number; lag: number }> = [];
      for (const topic of topics) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        for (const partition of assignment[topic]) {
          const marks = watermarks.find((w) => w.partition === partition);
          if (!marks) continue;
          const offset = committed
            .find((c) => c.topic === topic)
            ?.partitions.find((p) => p.partition === partition)?.offset;
          const from = offset !== undefined && offset !== '-1' ? BigInt(offset) : BigInt(marks.low);
          lags.push({ topic, partition, lag: Math.max(0, Number(BigInt(marks.high) - from)) });
        }
      }
      this.metrics.assigned(groupId, lags, this.assignedPartitions);
      this.assignedPartitions = lags.map(({ topic, partition }) => ({ topic, partition }));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the lag of the assigned partitions');
    } finally {
      await admin?.disconnect().catch(() => undefined);
    }
  }

  private async handleBatch(
    batch: Batch,
    heartbeat: () => Promise<void>,
    isStale: () => boolean,
    commitBatch: (nextOffset: string) => Promise<void>,
  ): Promise<void> {
    if (batch.isEmpty()) return;
    const active = this.subscriptions.get(batch.topic);
    if (!active) throw new KafkaUsageError(`received a batch for unsubscribed topic ${batch.topic}`);
    const labels = { topic: batch.topic, group: this.options.groupId };
    const endTimer = this.metrics.batchDuration.startTimer(labels);
    try {
      const failed: FailedRecord[] = [];
      const decoded =
        'columnar' in active
          ? await this.decodeColumns(batch, active.subscription, active.columnar, failed)
          : await this.decode(batch, active.subscription, active.decoder, failed);
      const manual = active.subscription.manualCommit === true;
      let commit = !manual;
      if (manual && failed.length > 0) {
        // The handler may commit past these offsets before it returns: dead-letter them first.
        await this.publishDeadLetters(failed.splice(0), labels);
      }
      if (decoded.count > 0 || manual) {
        const context: BatchContext = {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.firstOffset() ?? batch.lastOffset(),
          lastOffset: batch.lastOffset(),
          highWatermark: batch.highWatermark,
          heartbeat,
          deferCommit: () => void (commit = false),
          commitOffsets: commitBatch,
          reject: (record, reason) =>
            failed.push({
              topic: batch.topic,
              partition: batch.partition,
              message: batch.messages.find((m) => m.offset === record.offset) as KafkaMessage,
              kind: 'REJECTED_BY_HANDLER',
              error: reason,
            }),
        };
        const outcome = await decoded.handle(context);
        if (outcome && outcome.commit === false) commit = false;
      }
      // Dead letters are acknowledged by the broker before the offsets that skip them are committed.
      if (failed.length > 0) await this.publishDeadLetters(failed, labels);
      // A revoked partition's offsets belong to its new owner, which replays from the last commit.
      if (isStale()) return;
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      if (commit) {
        const committed = commitBatch(next);
        // Off the batch path (the queue retries a failed commit), except while stopping: the
        // consumer leaves the group once this batch returns.
        if (this.stopping) await committed;
        else committed.catch(() => undefined);
      }
      this.metrics.recordsIn.inc(labels, decoded.count);
      this.metrics.lag.set(
        { ...labels, partition: String(batch.partition) },
        Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))),
      );
    } catch (error) {
      this.metrics.batchFailures.inc(labels);
      this.logger.error(
        { err: error, topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset() },
        'batch failed; it will be retried from the last committed offset',
      );
      throw error;
    } finally {
      endTimer();
    }
  }

  private async publishDeadLetters(
    failed: FailedRecord[],
    labels: { topic: string; group: string },
  ): Promise<void> {
    await this.deadLetters.publish(failed);
    for (const f of failed) this.metrics.deadLettered.inc({ ...labels, kind: f.kind });
  }

  private async decode(
    batch: Batch,
    subscription: Subscription<unknown>,
    decoder: EventDecoder<unknown>,
    failed: FailedRecord[],
  ): Promise<Decoded> {
    await decoder.prepare(batch.messages.map((m) => m.value));
    const records: Array<ConsumedRecord<unknown>> = [];
    for (const message of batch.messages) {
      let value: unknown;
      try {
        value = decoder.decode(message.value);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        failed.push({
          topic: batch.topic,
          partition: batch.partition,
          message,
          kind: error.kind,
          error: error.message,
        });
        continue;
      }
      const problem = subscription.validate?.(value, message.key?.toString() ?? null);
      if (problem !== undefined) {
        failed.push({
          topic: batch.topic,
          partition: batch.partition,
          message,
          kind: 'CONTRACT_VIOLATION',
          error: problem,
        });
        continue;
      }
      records.push({
        value,
        key: message.key ?? null,
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        headers: message.headers ?? {},
      });
    }
    return { count: records.length, handle: (context) => subscription.handler(records, context) };
  }

  /** The columnar twin of decode(): same failures, the valid rows as one ColumnarBatch. */
  private async decodeColumns(
    batch: Batch,
    subscription: ColumnarSubscription<unknown>,
    decoder: ColumnarDecoder<unknown>,
    failed: FailedRecord[],
  ): Promise<Decoded> {
    const messages = batch.messages;
    await decoder.prepare(messages.map((m) => m.value));
    const records = decoder.begin(messages.length);
    const rowMessages: KafkaMessage[] = [];
    const { validate } = subscription;
    const screen = subscription.screen?.(records);
    const fail = (message: KafkaMessage, kind: FailedRecord['kind'], error: string) =>
      failed.push({ topic: batch.topic, partition: batch.partition, message, kind, error });
    for (const message of messages) {
      try {
        decoder.append(records, message.value);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        fail(message, error.kind, error.message);
        continue;
      }
      const row = records.size - 1;
      // The screen reads the columns only, and the key on its bytes (decoding every key into a
      // string cost more than the rest of the loop): a key the rule refuses is checked on the
      // rebuilt row.
      if (validate && (!screen || screen(row) || !isAcceptedRecordKey(message.key))) {
        const problem = validate(records.row(row), message.key?.toString() ?? null);
        if (problem !== undefined) {
          records.dropLast();
          fail(message, 'CONTRACT_VIOLATION', problem);
          continue;
        }
      }
      rowMessages.push(message);
    }
    const columns = new ColumnarBatch(batch.topic, batch.partition, records, rowMessages);
    return { count: records.size, handle: (context) => subscription.handler(columns, context) };
  }

  /**
   * Commits `nextOffset` (the offset of the next record to read) for a partition of this group,
   * for handlers that defer commits. Only effective while the consumer runs (kafkajs ignores
   * commits once stop() has begun), so flush deferred commits before stopping.
   */
  async commit(topic: string, partition: number, nextOffset: string): Promise<void> {
    await this.consumer.commitOffsets([{ topic, partition, offset: nextOffset }]);
  }

  /** Ready when the consumer is in its group and has not crashed. */
  readiness(): CheckResult {
    if (this.crashed) return { ok: false, detail: `consumer crashed: ${this.crashed}` };
    return this.joined
      ? { ok: true, detail: `joined group ${this.options.groupId}` }
      : { ok: false, detail: 'not in consumer group' };
  }

  /**
   * Registers work to run when stop() begins, before the consumer stops: while the group
   * membership is still valid, so a handler that keeps its own checkpoints can flush them and
   * commit with commit() (kafkajs ignores commits once its stop() has begun). Hooks run in
   * registration order; a batch may still be in flight while they run.
   */
  beforeStop(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }

  /**
   * Runs the stop hooks, sends the queued commits, finishes the batch in flight (which waits for
   * its commit), then leaves the group.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    for (const hook of this.stopHooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.error({ err: error }, 'stop hook failed; stopping the consumer anyway');
      }
    }
    await this.commits.drain();
    await this.consumer.stop();
    await this.consumer.disconnect();
  }
}
