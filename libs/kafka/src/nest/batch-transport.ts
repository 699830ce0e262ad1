import {
  type CustomTransportStrategy,
  BaseRpcContext,
  type MessageHandler,
  Server,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { type RowScreen, Topics, type TopicKey, topicName } from '@continuum/events';
import { type BatchConsumer, type BatchContext, type ConsumedRecord } from '../batch-consumer';
import { type ColumnarBatch } from '../columnar-batch';
import { KafkaRuntimeError, KafkaUsageError } from '../errors';

/**
 * The options of a batch handler, given as the extras of `@EventPattern(topicKey, extras)`:
 *
 * ```ts
 * @EventPattern('predictions', { batch: true, validate: validatePrediction } satisfies BatchPatternOptions)
 * async onPredictions(@Payload() records: ConsumedRecord<Prediction>[], @Ctx() context: KafkaBatchContext) {}
 * ```
 */
export interface BatchPatternOptions<T = never> {
  /** Required: the handler takes a whole batch of one partition (the only mode of this transport). */
  batch: true;
  /** Domain validation after decoding, given the record key (null when absent); a returned message dead-letters the record. */
  validate?: (value: T, key: string | null) => string | undefined;
  /**
   * The handler owns the topic's offsets: invalid records are dead-lettered before the handler
   * runs, the handler runs even for a batch with no valid record, and the runtime never commits
   * (the handler calls `context.commitOffsets`).
   */
  manualCommit?: boolean;
  /**
   * The handler takes the batch as columns: `@Payload()` is one ColumnarBatch (see
   * BatchConsumer.subscribeColumnar) instead of an array of records; same validation, dead letters
   * and commits. `screen` (libs/events' screen* functions) limits validation to the rows it flags;
   * `seedKeys` orders the map columns (e.g. `{ numeric: featureList }`).
   */
  columnar?: boolean | { screen?: RowScreen<T>; seedKeys?: Record<string, readonly string[]> };
}

/**
 * What `@Ctx()` gives a batch handler: where the batch came from and the commit control. Resolving
 * the handler commits the batch (after its dead letters are acknowledged) unless `deferCommit()`
 * was called or the subscription is `manualCommit`.
 */
export class KafkaBatchContext extends BaseRpcContext<[BatchContext]> {
  constructor(private readonly batch: BatchContext) {
    super([batch]);
  }

  get topic(): string {
    return this.batch.topic;
  }

  get partition(): number {
    return this.batch.partition;
  }

  /** First and last offsets of the batch, records that failed to decode or validate included. */
  get firstOffset(): string {
    return this.batch.firstOffset;
  }

  get lastOffset(): string {
    return this.batch.lastOffset;
  }

  /** The partition's high watermark when the batch was fetched. */
  get highWatermark(): string {
    return this.batch.highWatermark;
  }

  /** The runtime's own batch context, for code shared with plain BatchConsumer handlers. */
  get raw(): BatchContext {
    return this.batch;
  }

  /** Keeps the group membership alive during a long handler. */
  heartbeat(): Promise<void> {
    return this.batch.heartbeat();
  }

  /** Dead-letters a record the handler cannot use; the stream goes on. */
  reject(record: ConsumedRecord<unknown>, reason: string): void {
    this.batch.reject(record, reason);
  }

  /** The runtime will not commit this batch; commit later with commitOffsets(). */
  deferCommit(): void {
    this.batch.deferCommit();
  }

  /** Commits `nextOffset` (the next record to read) for this batch's partition. */
  commitOffsets(nextOffset: string): Promise<void> {
    return this.batch.commitOffsets(nextOffset);
  }
}

/**
 * Continuum's batch runtime as a NestJS custom transporter. Handlers are controller methods
 * declared with `@EventPattern('<topic key>', { batch: true })`, taking `@Payload()` (the decoded,
 * validated records of one partition's batch) and `@Ctx()` (a KafkaBatchContext). Underneath it is
 * the BatchConsumer: decode → validate → dead-letter → handler → commit, stop hooks, the
 * co-partitioned assigner.
 *
 * ```ts
 * const app = await NestFactory.create(AppModule);           // imports KafkaModule.forRoot({ consumer })
 * app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
 * await app.init();
 * await app.startAllMicroservices();                         // subscribes the handlers, starts consuming
 * ```
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  constructor(readonly consumer: BatchConsumer) {
    super();
  }

  /** Subscribes every `{ batch: true }` event handler, then starts the consumer. */
  listen(callback: (error?: unknown) => void): void {
    this.subscribeHandlers()
      .then(() => this.consumer.start())
      .then(
        () => callback(),
        (error: unknown) => callback(error),
      );
  }

  private async subscribeHandlers(): Promise<void> {
    if (this.messageHandlers.size === 0) {
      throw new KafkaUsageError('KafkaBatchTransport has no @EventPattern handlers to run');
    }
    for (const [pattern, handler] of this.messageHandlers) {
      const options = handler.extras as Partial<BatchPatternOptions<unknown>> | undefined;
      if (!handler.isEventHandler || options?.batch !== true) {
        throw new KafkaUsageError(
          `handler of '${pattern}' must be declared with @EventPattern('${pattern}', { batch: true })`,
        );
      }
      if (!(pattern in Topics)) {
        throw new KafkaUsageError(`'${pattern}' is not a topic key of the catalog (libs/events topics.ts)`);
      }
      const key = pattern as TopicKey;
      const common = {
        topic: topicName(key),
        contract: Topics[key].contract as never,
        validate: options.validate as
          ((value: unknown, key: string | null) => string | undefined) | undefined,
        manualCommit: options.manualCommit,
      };
      if (options.columnar) {
        const { screen, seedKeys } = options.columnar === true ? {} : options.columnar;
        this.consumer.subscribeColumnar({
          ...common,
          screen,
          seedKeys,
          handler: (batch, context) => this.run(handler, batch, context),
        });
      } else {
        this.consumer.subscribe({
          ...common,
          handler: (records, context) => this.run(handler, records, context),
        });
      }
    }
  }

  private async run(
    handler: MessageHandler,
    records: Array<ConsumedRecord<unknown>> | ColumnarBatch<unknown>,
    context: BatchContext,
  ): Promise<void | { commit: false }> {
    const result: unknown = await handler(records, new KafkaBatchContext(context));
    const outcome: unknown = isObservable(result)
      ? await lastValueFrom(result, { defaultValue: undefined }).catch((error: unknown) => {
          // Nest's exception filters turn a handler's error into an error object without a stack
          // (they log the original); keep a real Error so that the runtime's logs say what failed.
          throw error instanceof Error
            ? error
            : new KafkaRuntimeError(`batch handler of ${context.topic} failed: ${JSON.stringify(error)}`, {
                retriable: true,
                cause: error,
              });
        })
      : result;
    if (outcome && typeof outcome === 'object' && (outcome as { commit?: unknown }).commit === false) {
      return { commit: false };
    }
  }

  /** Runs the stop hooks, finishes the batch in flight (which commits it), leaves the group. */
  async close(): Promise<void> {
    await this.consumer.stop();
  }

  on(): never {
    throw new KafkaUsageError('KafkaBatchTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
