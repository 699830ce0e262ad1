import { type Contract, type EventCodecs } from '@continuum/events';
import { type EventProducer } from '../event-producer';
import { type KafkaClient } from '../kafka-client';
import { TopicView, type UndecodableRecord } from './topic-view';

export interface KeyedStateTopicOptions<V> {
  /** A compacted topic: the last record of a key is its state, a tombstone deletes it. */
  topic: string;
  contract: Contract<V>;
  /** Prefix of the throwaway group that reads the topic at start. */
  groupIdPrefix?: string;
  onUndecodable?: (record: UndecodableRecord) => void;
  /** Rejects start() with a retriable KafkaTimeoutError if the topic is not read by then. Default 60 s. */
  startTimeoutMs?: number;
  /**
   * Keep following the topic after start, so that other writers' puts show up here too. Default:
   * false, for state with a single writer per key (its owner), read once when it takes over.
   */
  follow?: boolean;
}

/**
 * State kept in a compacted topic, one record per key: rebuilt by reading the topic at start,
 * then read from memory and written through. `put` and `delete` resolve when the broker
 * acknowledged the record, so a caller can commit the input offsets the state covers.
 */
export class KeyedStateTopic<V> {
  private readonly state = new Map<string, V>();
  private view?: TopicView<V>;

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly options: KeyedStateTopicOptions<V>,
  ) {}

  get topic(): string {
    return this.options.topic;
  }

  /** Reads the topic to its end offsets; resolves when the state is rebuilt. */
  async start(): Promise<void> {
    this.state.clear();
    const view = new TopicView(this.client, this.codecs, {
      topic: this.options.topic,
      contract: this.options.contract,
      groupIdPrefix: this.options.groupIdPrefix ?? 'continuum-state',
      onUndecodable: this.options.onUndecodable,
      onRecord: (r) => {
        if (r.key === null) return;
        if (r.value === null) this.state.delete(r.key);
        else this.state.set(r.key, r.value);
      },
    });
    this.view = view;
    await view.start();
    try {
      await view.caughtUp(this.options.startTimeoutMs ?? 60_000);
    } finally {
      if (!this.options.follow) {
        await view.stop();
        this.view = undefined;
      }
    }
  }

  get(key: string): V | undefined {
    return this.state.get(key);
  }

  entries(): IterableIterator<[string, V]> {
    return this.state.entries();
  }

  get size(): number {
    return this.state.size;
  }

  /** Writes the states of several keys in one request; resolves when acknowledged. */
  async putAll(entries: ReadonlyArray<readonly [string, V]>): Promise<void> {
    if (entries.length === 0) return;
    await this.producer.send(
      this.options.topic,
      this.options.contract,
      entries.map(([key, value]) => ({ key, value })),
    );
    for (const [key, value] of entries) this.state.set(key, value);
  }

  put(key: string, value: V): Promise<void> {
    return this.putAll([[key, value]]);
  }

  /** Writes a tombstone: compaction forgets the key. */
  async delete(key: string): Promise<void> {
    await this.producer.send(this.options.topic, this.options.contract, [{ key, value: null }]);
    this.state.delete(key);
  }

  async stop(): Promise<void> {
    await this.view?.stop();
    this.view = undefined;
  }
}
