import { CompressionTypes, type IHeaders, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { type Contract, type EventCodecs, type EventEncoder } from '@continuum/events';
import { type Metrics } from '@continuum/observability';
import { type KafkaClient } from './kafka-client';

export interface OutgoingEvent<T> {
  key: string | Buffer | null;
  /** null publishes a tombstone: a compacted topic forgets the key. */
  value: T | null;
  headers?: IHeaders;
  /** Event time in epoch ms; defaults to the broker's append time semantics of the producer (now). */
  timestamp?: number;
  /** Explicit partition; default: murmur2 of the key, as the Java client. */
  partition?: number;
}

/** Bytes per produce request: records share requests, and a large one (a checkpoint chunk) goes alone. */
const REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Publishes typed events: each contract is registered under `<topic>-value` once, then values are
 * Avro-encoded in the wire format. The producer is idempotent (acks=all, one request in flight),
 * so broker-side retries never duplicate or reorder a partition's records.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly encoders = new Map<string, Promise<EventEncoder<unknown>>>();
  private connected = false;

  constructor(
    client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly metrics?: Metrics,
  ) {
    // Unbounded retries are what idempotence needs: a send waits out a broker outage instead of
    // failing a batch whose offsets would then be retried anyway.
    this.producer = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  encoder<T>(topic: string, contract: Contract<T>): Promise<EventEncoder<T>> {
    const key = `${topic}\u0000${contract.name}`;
    let encoder = this.encoders.get(key);
    if (!encoder) {
      encoder = this.codecs.encoderFor(topic, contract) as Promise<EventEncoder<unknown>>;
      this.encoders.set(key, encoder);
      encoder.catch(() => this.encoders.delete(key));
    }
    return encoder as Promise<EventEncoder<T>>;
  }

  /**
   * Encodes and sends the events in order, in requests of at most ~4 MiB; resolves when the
   * broker acknowledged all of them.
   */
  async send<T>(
    topic: string,
    contract: Contract<T>,
    events: ReadonlyArray<OutgoingEvent<T>>,
  ): Promise<RecordMetadata[]> {
    if (events.length === 0) return [];
    const encoder = await this.encoder(topic, contract);
    const results: RecordMetadata[] = [];
    let request: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (request.length === 0) return;
      results.push(
        ...(await this.producer.send({
          topic,
          messages: request,
          acks: -1,
          compression: CompressionTypes.None,
        })),
      );
      request = [];
      bytes = 0;
    };
    for (const e of events) {
      // Views into the encoder's shared chunk: kafkajs copies each value into its record batch.
      const value = e.value === null ? null : encoder.encodeShared(e.value);
      const size = (value?.length ?? 0) + (e.key?.length ?? 0) + 64;
      if (bytes + size > REQUEST_BYTES) await flush();
      request.push({
        key: e.key,
        value,
        headers: e.headers,
        partition: e.partition,
        timestamp: e.timestamp === undefined ? undefined : String(e.timestamp),
      });
      bytes += size;
    }
    await flush();
    this.metrics
      ?.counter('continuum_producer_records_total', 'Records published, by topic.', ['topic'])
      .inc({ topic }, events.length);
    return results;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }
}
