import { type KafkaMessage } from 'kafkajs';
import { type DeadLetter, DeadLetterContract } from '@continuum/events';
import { type EventProducer } from './event-producer';

/** Why a record was dead-lettered; the DecodeError kinds plus the runtime's own. */
export const DEAD_LETTER_KINDS = [
  'NOT_WIRE_FORMAT',
  'UNKNOWN_SCHEMA',
  'MALFORMED_AVRO',
  'INCOMPATIBLE_SCHEMA',
  'CONTRACT_VIOLATION',
  'REJECTED_BY_HANDLER',
] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export interface FailedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
  kind: DeadLetterKind;
  error: string;
}

export function toDeadLetter(record: FailedRecord, service: string, now: number): DeadLetter {
  const { message } = record;
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    // Repeated headers are joined; the DLQ keeps bytes, not semantics.
    headers[name] = Array.isArray(value)
      ? Buffer.concat(value.map((v) => Buffer.from(v)))
      : Buffer.from(value);
  }
  return {
    originalTopic: record.topic,
    partition: record.partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    originalTimestamp: Number(message.timestamp),
    errorKind: record.kind,
    error: record.error,
    service,
    failedAt: now,
  };
}

/** Sends failed records to the dead-letter topic, keyed by their original key. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: EventProducer,
    readonly topic: string,
    private readonly service: string,
  ) {}

  /** Registers the DeadLetter schema up front so a registry outage shows at start-up, not mid-stream. */
  async prepare(): Promise<void> {
    await this.producer.encoder(this.topic, DeadLetterContract);
  }

  async publish(records: FailedRecord[]): Promise<void> {
    const now = Date.now();
    await this.producer.send(
      this.topic,
      DeadLetterContract,
      records.map((r) => ({ key: r.message.key ?? null, value: toDeadLetter(r, this.service, now) })),
    );
  }
}
