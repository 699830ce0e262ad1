import { randomBytes } from 'node:crypto';
import { type Batch, type Consumer, type IHeaders } from 'kafkajs';
import { type Contract, DecodeError, type EventCodecs, type EventDecoder } from '@continuum/events';
import { KafkaTimeoutError, KafkaUsageError } from '../errors';
import { type KafkaClient } from '../kafka-client';

/** One record of a topic as a view hands it over. */
export interface ViewRecord<T> {
  readonly topic: string;
  /** The key as UTF-8 text (Continuum's keys are strings). */
  readonly key: string | null;
  /** The decoded value; null for a tombstone. */
  readonly value: T | null;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record timestamp, epoch ms. */
  readonly timestamp: number;
  readonly headers: IHeaders;
}

/** A record the view could not decode: reported, skipped, never fatal. */
export interface UndecodableRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly partition: number;
  readonly offset: string;
  readonly error: DecodeError;
}

/** Where reading starts: every partition's first record, the first record at or after a time, or given offsets. */
export type ViewStart = 'beginning' | { timestamp: number } | { offsets: Readonly<Record<number, string>> };

/** Where a view's fetched batch stands, for `onBatch`. */
export interface ViewBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the batch's last record. */
  readonly nextOffset: string;
  /** True once a rebalance (group mode) or stop() made the batch obsolete: do not apply it. */
  stale(): boolean;
}

export interface TopicViewOptions<T> {
  topic: string;
  contract: Contract<T>;
  /** Default: the beginning. With `offsets`, partitions not listed start at the beginning. */
  from?: ViewStart;
  /**
   * Per record, in offset order per partition; the view waits for a returned promise. Give this
   * or `onBatch`.
   */
  onRecord?: (record: ViewRecord<T>) => void | Promise<void>;
  /**
   * Per fetched batch of one partition, for state that must change by whole batches (e.g. under a
   * serial queue shared with a timer); the records are the batch's decodable ones.
   */
  onBatch?: (records: Array<ViewRecord<T>>, batch: ViewBatch) => Promise<void>;
  /** Records whose key this rejects are skipped before decoding (a reader of a few keys of a big topic). */
  acceptKey?: (key: string | null) => boolean;
  /** Called for each record that cannot be decoded; the view skips it and goes on. Default: skipped silently. */
  onUndecodable?: (record: UndecodableRecord) => void;
  /**
   * Prefix of the throwaway consumer group that does the reading (KafkaJS has no group-less
   * assign()); the group commits nothing and the view deletes it on stop().
   */
  groupIdPrefix?: string;
  /**
   * Group mode: read only the partitions the named consumer group assigns to this member, each
   * from the beginning again on every assignment (nothing is committed), e.g. a stage that
   * rebuilds per-partition state on every rebalance. `onAssignment` runs synchronously when an
   * assignment arrives, before its first batch; caughtUp() then refers to the assignment's end offsets.
   */
  group?: { groupId: string; onAssignment?: (partitions: number[]) => void };
  sessionTimeoutMs?: number;
  /** Largest fetch per partition; must exceed the topic's largest record. Default 16 MiB. */
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
}

interface Waiter {
  /** Offsets to reach; undefined: the view's current targets (they change with each assignment). */
  targets?: Map<number, bigint>;
  resolve: () => void;
}

/**
 * A view of one topic: reads it from the beginning (or from a time, or from given offsets) to the
 * end offsets it had when started, then keeps following it. Records are handed to a callback as
 * they arrive and decoded through the topic's contract; the view keeps only positions, never the
 * records. Used to rebuild state from compacted topics and to follow catalogs.
 *
 * ```ts
 * const view = new TopicView(client, codecs, { topic, contract, onRecord: (r) => apply(r) });
 * await view.start();
 * await view.caughtUp(); // everything the topic held at start has been applied
 * ```
 */
export class TopicView<T> {
  private consumer?: Consumer;
  private readonly decoder: EventDecoder<T>;
  private readonly groupId: string;
  /** Next offset to hand over, per partition. */
  private readonly positions = new Map<number, bigint>();
  private starts = new Map<number, bigint>();
  /** Records at or after these offsets are not read (ranges). */
  private readonly until?: Map<number, bigint>;
  private targets?: Map<number, bigint>;
  private assigned: number[] = [];
  private waiters: Waiter[] = [];
  private generationCount = 0;
  private running = false;
  private inGroup = false;
  private startFailed?: unknown;
  private lowOffsets = new Map<number, bigint>();

  constructor(
    private readonly client: KafkaClient,
    codecs: EventCodecs,
    private readonly options: TopicViewOptions<T>,
    /** Internal: end offsets (exclusive) for bounded reads; see readRange(). */
    until?: ReadonlyMap<number, bigint>,
  ) {
    if ((options.onRecord === undefined) === (options.onBatch === undefined)) {
      throw new KafkaUsageError(`TopicView of ${options.topic}: give exactly one of onRecord and onBatch`);
    }
    if (options.group && options.from !== undefined && options.from !== 'beginning') {
      throw new KafkaUsageError(`TopicView of ${options.topic}: a group-mode view reads from the beginning`);
    }
    this.decoder = codecs.decoderFor(options.contract);
    this.groupId =
      options.group?.groupId ??
      `${options.groupIdPrefix ?? 'continuum-view'}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.until = until ? new Map(until) : undefined;
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Increases with every assignment in group mode; a batch of an older generation is stale. */
  get generation(): number {
    return this.generationCount;
  }

  /** Starts reading; resolves once the consumer runs (not when caught up: see caughtUp()). */
  async start(): Promise<void> {
    if (this.running) throw new KafkaUsageError(`TopicView of ${this.topic} already started`);
    this.running = true;
    const { topic } = this.options;
    if (!this.options.group) {
      this.starts = await this.startOffsets();
      const ends = await this.endOffsets();
      const targets = new Map<number, bigint>();
      for (const [partition, end] of ends) {
        const stop = this.until ? (this.until.get(partition) ?? 0n) : end;
        const target = stop < end ? stop : end;
        if ((this.starts.get(partition) ?? 0n) < target) targets.set(partition, target);
      }
      this.targets = targets;
    }
    const consumer = this.client.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 16 * 1024 * 1024,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 250,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.inGroup = true;
      this.startFailed = undefined;
      this.onJoin(e.payload.memberAssignment[topic] ?? []);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.inGroup = false;
      // kafkajs restarts after a retriable crash (a coordinator still loading on a fresh broker, which
      // failed 4 of 5 fresh `npm start`s): only a crash it gives up on fails the view.
      if (!e.payload.restart) this.startFailed = e.payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, isStale }) => this.handleBatch(batch, isStale),
    });
    this.release();
  }

  private onJoin(partitions: number[]): void {
    this.assigned = [...partitions].sort((a, b) => a - b);
    if (this.options.group) {
      // Nothing is committed, so the group re-reads every assigned partition from the beginning.
      this.generationCount += 1;
      this.positions.clear();
      this.targets = undefined;
      this.options.group.onAssignment?.(this.assigned);
      const generation = this.generationCount;
      void this.endOffsets().then(
        (ends) => {
          if (generation !== this.generationCount) return;
          const targets = new Map<number, bigint>();
          for (const p of this.assigned) {
            const end = ends.get(p);
            if (end !== undefined && end > (this.lowOffsets.get(p) ?? 0n)) targets.set(p, end);
          }
          this.targets = targets;
          this.release();
        },
        (error: unknown) => (this.startFailed = error),
      );
      return;
    }
    // A throwaway group has no commits either: after a rejoin (a long pause, a broker restart)
    // carry on from where the view was, not from the beginning.
    const consumer = this.consumer as Consumer;
    for (const partition of this.assigned) {
      const next = this.positions.get(partition) ?? this.starts.get(partition);
      if (next !== undefined) consumer.seek({ topic: this.topic, partition, offset: next.toString() });
      const end = this.until?.get(partition);
      if (this.until && (end === undefined || (next ?? 0n) >= end)) {
        consumer.pause([{ topic: this.topic, partitions: [partition] }]);
      }
    }
  }

  private async endOffsets(): Promise<Map<number, bigint>> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const offsets = await retrying(() => admin.fetchTopicOffsets(this.topic));
      this.lowOffsets = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  private async startOffsets(): Promise<Map<number, bigint>> {
    const from = this.options.from ?? 'beginning';
    const admin = this.client.admin();
    await admin.connect();
    try {
      const offsets = await retrying(() => admin.fetchTopicOffsets(this.topic));
      const starts = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
      if (from === 'beginning') return starts;
      if ('offsets' in from) {
        for (const [partition, offset] of Object.entries(from.offsets)) {
          const low = starts.get(Number(partition)) ?? 0n;
          // Below the log start the records are gone (retention, compaction): start at the first one present.
          starts.set(Number(partition), BigInt(offset) > low ? BigInt(offset) : low);
        }
        return starts;
      }
      for (const o of await retrying(() => admin.fetchTopicOffsetsByTimestamp(this.topic, from.timestamp))) {
        starts.set(o.partition, BigInt(o.offset));
      }
      return starts;
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch(batch: Batch, isStale: () => boolean): Promise<void> {
    if (batch.messages.length === 0) return;
    const generation = this.generationCount;
    const stale = () => !this.running || isStale() || generation !== this.generationCount;
    const { partition } = batch;
    const end = this.until?.get(partition);
    const acceptKey = this.options.acceptKey;
    const messages = batch.messages.filter(
      (m) =>
        (end === undefined || BigInt(m.offset) < end) &&
        (acceptKey === undefined || acceptKey(m.key?.toString() ?? null)),
    );
    await this.decoder.prepare(messages.map((m) => m.value));
    const records: Array<ViewRecord<T>> = [];
    for (const m of messages) {
      const key = m.key?.toString() ?? null;
      let value: T | null = null;
      if (m.value !== null && m.value !== undefined) {
        try {
          value = this.decoder.decode(m.value);
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          this.options.onUndecodable?.({ topic: batch.topic, key, partition, offset: m.offset, error });
          continue;
        }
      }
      const record: ViewRecord<T> = {
        topic: batch.topic,
        key,
        value,
        partition,
        offset: m.offset,
        timestamp: Number(m.timestamp),
        headers: m.headers ?? {},
      };
      if (this.options.onRecord) {
        if (stale()) return;
        const pending = this.options.onRecord(record);
        if (pending) await pending;
      } else records.push(record);
    }
    let next = BigInt(batch.lastOffset()) + 1n;
    if (end !== undefined && next > end) next = end;
    if (this.options.onBatch) {
      if (stale()) return;
      // isCaughtUp() counts the batch while onBatch applies it (a reader deciding on "caught up"
      // inside onBatch sees its own last batch); waiters are released only once it is applied.
      const previous = this.positions.get(partition);
      this.positions.set(partition, next);
      try {
        await this.options.onBatch(records, {
          topic: batch.topic,
          partition,
          nextOffset: next.toString(),
          stale,
        });
      } catch (error) {
        if (this.positions.get(partition) === next) {
          if (previous === undefined) this.positions.delete(partition);
          else this.positions.set(partition, previous);
        }
        throw error;
      }
    }
    if (stale()) return;
    this.positions.set(partition, next);
    if (end !== undefined && next >= end) {
      this.consumer?.pause([{ topic: this.topic, partitions: [partition] }]);
    }
    this.release();
  }

  private reached(targets: Map<number, bigint>): boolean {
    for (const [partition, end] of targets) if ((this.positions.get(partition) ?? 0n) < end) return false;
    return true;
  }

  private release(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      const targets = w.targets ?? this.targets;
      if (targets && this.reached(targets)) w.resolve();
      else this.waiters.push(w);
    }
  }

  /** True while the view's consumer is a member of its group (readiness). */
  get joined(): boolean {
    return this.running && this.inGroup;
  }

  /** True once everything the topic held at start (group mode: at the last assignment) has been handed over. */
  isCaughtUp(): boolean {
    return this.running && this.targets !== undefined && this.reached(this.targets);
  }

  /**
   * Resolves once everything the topic held at start (group mode: at the current assignment) has
   * been handed over. Rejects with a retriable KafkaTimeoutError after `timeoutMs`, if given.
   */
  caughtUp(timeoutMs?: number): Promise<void> {
    return this.waitFor(undefined, timeoutMs);
  }

  /** Resolves once everything the topic holds now has been handed over (standalone views). */
  async sync(timeoutMs?: number): Promise<void> {
    if (this.options.group) throw new KafkaUsageError('sync() is for standalone views; use caughtUp()');
    const ends = await this.endOffsets();
    const targets = new Map<number, bigint>();
    for (const [partition, end] of ends) {
      const start = this.positions.get(partition) ?? this.starts.get(partition) ?? 0n;
      if (start < end) targets.set(partition, end);
    }
    await this.waitFor(targets, timeoutMs);
  }

  private waitFor(targets: Map<number, bigint> | undefined, timeoutMs: number | undefined): Promise<void> {
    if (!this.running)
      return Promise.reject(new KafkaUsageError(`TopicView of ${this.topic} is not running`));
    if (this.startFailed) return Promise.reject(this.startFailed);
    const now = targets ?? this.targets;
    if (now && this.reached(now)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        targets,
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new KafkaTimeoutError(
              `${this.topic} was not read to its end offsets within ${timeoutMs} ms`,
              this.startFailed,
            ),
          );
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Stops reading and deletes the throwaway group. Batches still in flight are not handed over. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.inGroup = false;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
    if (!this.options.group) await deleteGroup(this.client, this.groupId);
  }
}

/**
 * Repeats an admin request that failed with a retriable error (a leader just moved or just
 * elected: a topic created a moment ago answers NOT_LEADER_FOR_PARTITION for a while).
 */
export async function retrying<T>(request: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
    }
  }
}

async function deleteGroup(client: KafkaClient, groupId: string): Promise<void> {
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group without offsets expires on its own; deleting it is only tidiness.
  } finally {
    await admin.disconnect();
  }
}
