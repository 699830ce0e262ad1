import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { type Contract, type EventCodecs, type EventEncoder } from '@continuum/events';
import { type KafkaClient } from '@continuum/kafka';

export interface KeyedRecord<T> {
  key: string;
  /** null publishes a tombstone (compacted topics forget the key). */
  value: T | null;
  /** Explicit partition; default: Kafka's murmur2 of the key. */
  partition?: number;
}

/** Bytes per produce call: several records share a request, a large one goes alone. */
const REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * The monitor's own producer: Avro values (registered like every Continuum topic), tombstones and
 * explicit partitions, which the shared EventProducer does not need. Idempotent, acks=all, one
 * request in flight, so a partition's records keep their order: partials before the progress that
 * announces them, a report before the tombstones of its partials.
 */
export class InternalWriter {
  private readonly producer: Producer;
  private readonly encoders = new Map<string, Promise<EventEncoder<unknown>>>();
  private connected = false;

  constructor(
    client: KafkaClient,
    private readonly codecs: EventCodecs,
  ) {
    // As the shared EventProducer: unbounded retries (idempotence needs them); a send waits out a
    // broker outage instead of failing the batch.
    this.producer = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  private encoder<T>(topic: string, contract: Contract<T>): Promise<EventEncoder<T>> {
    const key = `${topic}\u0000${contract.name}`;
    let encoder = this.encoders.get(key);
    if (!encoder) {
      encoder = this.codecs.encoderFor(topic, contract) as Promise<EventEncoder<unknown>>;
      this.encoders.set(key, encoder);
      encoder.catch(() => this.encoders.delete(key));
    }
    return encoder as Promise<EventEncoder<T>>;
  }

  /** Registers the contract of a topic up front (a registry outage then shows at start-up). */
  async prepare<T>(topic: string, contract: Contract<T>): Promise<void> {
    await this.encoder(topic, contract);
  }

  /** Publishes in order; resolves when the broker acknowledged every record. */
  async send<T>(topic: string, contract: Contract<T>, records: ReadonlyArray<KeyedRecord<T>>): Promise<void> {
    if (records.length === 0) return;
    const encoder = await this.encoder(topic, contract);
    let batch: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.producer.send({ topic, messages: batch, acks: -1, compression: CompressionTypes.None });
      batch = [];
      bytes = 0;
    };
    for (const r of records) {
      const value = r.value === null ? null : encoder.encode(r.value);
      const size = (value?.length ?? 0) + r.key.length + 64;
      if (bytes + size > REQUEST_BYTES) await flush();
      batch.push({ key: r.key, value, partition: r.partition });
      bytes += size;
    }
    await flush();
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
