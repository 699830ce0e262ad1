import { type KafkaMessage } from 'kafkajs';
import { type ColumnarRecords, type Contract, type RowScreen } from '@continuum/events';
import { type BatchContext, type ConsumedRecord } from './batch-consumer';

/**
 * One partition's batch as columns: `records` holds the decoded, validated rows (the columnar
 * reader's arrays), row i came from message i of `messages`. One object per batch, so a handler
 * that works column by column allocates nothing per record.
 */
export class ColumnarBatch<T> {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly records: ColumnarRecords<T>,
    /** The Kafka message of each row. */
    private readonly messages: KafkaMessage[],
  ) {}

  get size(): number {
    return this.records.size;
  }

  offset(row: number): string {
    return this.messages[row].offset;
  }

  key(row: number): Buffer | null {
    return this.messages[row].key ?? null;
  }

  /** Kafka record timestamp, epoch ms. */
  timestamp(row: number): number {
    return Number(this.messages[row].timestamp);
  }

  /** Row i as the record the object path would have given (for reject() and object code). */
  record(row: number): ConsumedRecord<T> {
    const message = this.messages[row];
    return {
      value: this.records.row(row),
      key: message.key ?? null,
      topic: this.topic,
      partition: this.partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
      headers: message.headers ?? {},
    };
  }
}

/** Handles one partition's batch as columns; resolving commits as for BatchHandlerFn. */
export type ColumnarHandlerFn<T> = (
  batch: ColumnarBatch<T>,
  context: BatchContext,
) => Promise<void | { commit: false }>;

/**
 * A subscription whose handler takes columns (the hot topics: predictions, features, labels,
 * examples). Same delivery, dead letters and commits as Subscription.
 */
export interface ColumnarSubscription<T> {
  topic: string;
  contract: Contract<T>;
  handler: ColumnarHandlerFn<T>;
  /**
   * Domain validation, given the record's key (null when absent); with `screen`, only the rows the
   * screen flags (or whose key recordKeyProblem refuses) are rebuilt and validated.
   */
  validate?: (value: T, key: string | null) => string | undefined;
  /** A superset of `validate`'s refusals read from the columns (libs/events' screen* functions). */
  screen?: RowScreen<T>;
  manualCommit?: boolean;
  /** Expected map keys by field path (e.g. `{ numeric: featureList }`): the column order. */
  seedKeys?: Record<string, readonly string[]>;
}
