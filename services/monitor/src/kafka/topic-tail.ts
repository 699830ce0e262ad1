import { randomBytes } from 'node:crypto';
import { type Consumer, type KafkaMessage } from 'kafkajs';
import { type KafkaClient } from '@continuum/kafka';

export interface TailOptions {
  /** A group of its own (nothing is committed; it only exists because kafkajs needs one). */
  groupIdPrefix: string;
  topics: string[];
  /** Called for every fetched batch, in partition order; the reader waits for it. */
  onBatch: (topic: string, partition: number, messages: KafkaMessage[]) => Promise<void> | void;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
}

/**
 * Reads whole topics from the beginning and keeps following them, without committing: the state
 * built from them is rebuilt on every start. `caughtUp()` resolves once everything that was in the
 * topics when it was called has been handed to `onBatch`.
 */
export class TopicTail {
  private readonly consumer: Consumer;
  private readonly positions = new Map<string, number>();
  private readonly waiters: Array<{ targets: Map<string, number>; resolve: () => void }> = [];
  private running = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: TailOptions,
  ) {
    this.consumer = client.consumer({
      groupId: `${options.groupIdPrefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 16 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length > 0) {
          await this.options.onBatch(batch.topic, batch.partition, batch.messages);
          this.positions.set(`${batch.topic}:${batch.partition}`, Number(batch.lastOffset()) + 1);
          this.release();
        }
      },
    });
  }

  private reached(targets: Map<string, number>): boolean {
    for (const [key, end] of targets) if ((this.positions.get(key) ?? 0) < end) return false;
    return true;
  }

  private release(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.reached(this.waiters[i].targets)) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  /** Resolves when every record present now has been read. */
  async caughtUp(): Promise<void> {
    const admin = this.client.admin();
    await admin.connect();
    const targets = new Map<string, number>();
    try {
      for (const topic of this.options.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          // Empty partitions (high = low) have nothing to wait for.
          if (Number(p.high) > Number(p.low)) targets.set(`${topic}:${p.partition}`, Number(p.high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (this.reached(targets)) return;
    await new Promise<void>((resolve) => this.waiters.push({ targets, resolve }));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }
}
