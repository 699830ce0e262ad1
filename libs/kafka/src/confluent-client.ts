import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Kafka as KafkaJs,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type EachBatchPayload,
  type ITopicConfig,
  type KafkaMessage,
  type Offsets,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import { type Logger } from '@continuum/observability';
import { KafkaRuntimeError, KafkaUsageError } from './errors';
import { type KafkaConfig, saslOptions } from './kafka-config';
import { type KafkaClient } from './kafka-client';

/**
 * The librdkafka client (`@confluentinc/kafka-javascript`, its KafkaJS-compatible API) behind the
 * KafkaClient seam, selected by KAFKA_CLIENT=confluent. The package is not a dependency of the
 * repository (its install needs a native build, see tools/librdkafka-install): it is loaded at run
 * time from node_modules if present, else from the prefix that script builds into.
 *
 * The compatibility layer differs from kafkajs where librdkafka works differently; the wrappers
 * below give the runtime the kafkajs behaviour it relies on:
 * - `fromBeginning` (subscribe) and `autoCommit` (run) are consumer-creation settings there, so the
 *   librdkafka consumer is created, connected and subscribed in run();
 * - consumers have no instrumentation events: GROUP_JOIN comes from the rebalance callback (its
 *   listeners run before the assignment is applied, so a seek there takes effect), CRASH from
 *   librdkafka's fatal errors, STOP/DISCONNECT from the wrapper; stop() leaves the group as
 *   disconnect() does, after the batch in flight;
 * - custom partition assigners do not exist: the co-partitioned one becomes librdkafka's `range`
 *   assignor, which also gives partition p of every topic with the same partition count to one
 *   member, but orders members by their random member id rather than by instance id;
 * - `commitOffsetsIfNecessary(offsets)` of a batch commits exactly those offsets, and batches are
 *   handed over in runs of at most maxBytesPerPartition, as kafkajs fetches them;
 * - admin answers are reshaped (fetchTopicMetadata → `{ topics }`) and the two calls the layer
 *   lacks, describeConfigs and alterConfigs, go through a kafkajs admin;
 * - errors become KafkaClientError with a `retriable` flag from librdkafka's error code (the
 *   layer sets it only for transactions), as kafkajs's errors carry one.
 */

/** The part of the package's module this adapter uses (it ships no types the build can see). */
interface ConfluentModule {
  librdkafkaVersion: string;
  KafkaJS: {
    Kafka: new (config: Record<string, unknown>) => ConfluentKafka;
    logLevel: Record<'NOTHING' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG', number>;
    ErrorCodes: Record<string, number>;
  };
}
interface ConfluentKafka {
  producer(config: Record<string, unknown>): ConfluentProducer;
  consumer(config: Record<string, unknown>): ConfluentConsumer;
  admin(config?: Record<string, unknown>): ConfluentAdmin;
}
interface ConfluentProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; messages: ProducerRecord['messages'] }): Promise<RecordMetadata[]>;
  flush(args?: { timeout: number }): Promise<void>;
}
interface ConfluentConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: Array<string | RegExp> }): Promise<void>;
  run(config: Record<string, unknown>): Promise<void>;
  seek(target: { topic: string; partition: number; offset: string }): void;
  pause(topics: Array<{ topic: string; partitions?: number[] }>): void;
  resume(topics: Array<{ topic: string; partitions?: number[] }>): void;
  commitOffsets(offsets?: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
  _getInternalClient(): { on(event: string, listener: (error: unknown) => void): void } | null;
}
type ConfluentAdmin = Record<string, (...args: never[]) => Promise<unknown>>;

/** librdkafka error codes after which the same request can succeed later (kafkajs: `retriable`). */
const RETRIABLE_CODES = [
  'ERR__TRANSPORT',
  'ERR__TIMED_OUT',
  'ERR__TIMED_OUT_QUEUE',
  'ERR__MSG_TIMED_OUT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__RESOLVE',
  'ERR__WAIT_COORD',
  'ERR__UNKNOWN_PARTITION',
  'ERR__UNKNOWN_TOPIC',
  'ERR_UNKNOWN_TOPIC_OR_PART',
  'ERR_LEADER_NOT_AVAILABLE',
  'ERR_NOT_LEADER_FOR_PARTITION',
  'ERR_REQUEST_TIMED_OUT',
  'ERR_BROKER_NOT_AVAILABLE',
  'ERR_REPLICA_NOT_AVAILABLE',
  'ERR_NETWORK_EXCEPTION',
  'ERR_COORDINATOR_LOAD_IN_PROGRESS',
  'ERR_COORDINATOR_NOT_AVAILABLE',
  'ERR_NOT_COORDINATOR',
  'ERR_NOT_ENOUGH_REPLICAS',
  'ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'ERR_REBALANCE_IN_PROGRESS',
  'ERR_KAFKA_STORAGE_ERROR',
  'ERR_OFFSET_NOT_AVAILABLE',
  'ERR_UNSTABLE_OFFSET_COMMIT',
  'ERR_FENCED_LEADER_EPOCH',
  'ERR_UNKNOWN_LEADER_EPOCH',
  'ERR_PREFERRED_LEADER_NOT_AVAILABLE',
  'ERR_ELIGIBLE_LEADERS_NOT_AVAILABLE',
  'ERR_ELECTION_NOT_NEEDED',
];

/** An error of the librdkafka client, with its librdkafka code and whether retrying can help. */
export class KafkaClientError extends KafkaRuntimeError {
  constructor(
    message: string,
    /** librdkafka's numeric error code (negative: client-side, positive: broker error). */
    readonly code: number | undefined,
    /** librdkafka's name of the code, e.g. ERR_UNKNOWN_TOPIC_OR_PART. */
    readonly type: string | undefined,
    options: { retriable: boolean; cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Maps an error of the librdkafka client to a KafkaClientError (retriable by its code, or when the
 * client itself says so); errors of the runtime pass through. Pure: the code table is passed in.
 */
export function toRuntimeError(error: unknown, retriableCodes: ReadonlySet<number>): unknown {
  if (error instanceof KafkaRuntimeError || !(error instanceof Error)) return error;
  const { code, type, retriable, errors } = error as Error & {
    code?: unknown;
    type?: unknown;
    retriable?: unknown;
    errors?: unknown;
  };
  // An aggregate (createTopics) is retriable when every part is.
  const parts = Array.isArray(errors) ? errors.map((e) => toRuntimeError(e, retriableCodes)) : [];
  const numeric = typeof code === 'number' ? code : undefined;
  const isRetriable =
    retriable === true ||
    (numeric !== undefined && retriableCodes.has(numeric)) ||
    (parts.length > 0 && parts.every((p) => (p as { retriable?: boolean }).retriable === true));
  return new KafkaClientError(error.message, numeric, typeof type === 'string' ? type : undefined, {
    retriable: isRetriable,
    cause: error,
  });
}

const PACKAGE = '@confluentinc/kafka-javascript';

/**
 * Where the package is loaded from: node_modules when an image installed it there, else the
 * prefix tools/librdkafka-install builds into (<cache>/confluent-kafka, cache: CONTINUUM_CACHE_DIR
 * or the checkout's .cache).
 */
export function confluentKafkaLocations(env: NodeJS.ProcessEnv = process.env): string[] {
  const checkout = resolve(__dirname, '../../..');
  const cache = env.CONTINUUM_CACHE_DIR ?? resolve(checkout, '.cache');
  return [PACKAGE, resolve(cache, 'confluent-kafka/node_modules', PACKAGE)];
}

let loaded: ConfluentModule | undefined;

/** Loads the package, or throws a KafkaUsageError that says how to install it. */
export function loadConfluentKafka(env: NodeJS.ProcessEnv = process.env): ConfluentModule {
  if (loaded) return loaded;
  const failures: string[] = [];
  for (const location of confluentKafkaLocations(env)) {
    if (location !== PACKAGE && !existsSync(location)) {
      failures.push(`${location}: not there`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native package, loaded only when selected
      loaded = require(location) as ConfluentModule;
      return loaded;
    } catch (error) {
      failures.push(`${location}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new KafkaUsageError(
    `KAFKA_CLIENT=confluent needs ${PACKAGE}, which is not installed or does not load ` +
      `(${failures.join('; ')}): run tools/librdkafka-install`,
  );
}

const CONSUMER_EVENTS = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const;

const PRODUCER_EVENTS = {
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
} as const;

type Listener = (event: { id: number; type: string; timestamp: number; payload: unknown }) => void;

/** kafkajs-style instrumentation events, emitted by the wrappers themselves. */
class Instrumentation {
  private readonly listeners = new Map<string, Set<Listener>>();
  private nextId = 0;

  on(type: string, listener: Listener): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(type: string, payload: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) {
      listener({ id: this.nextId++, type, timestamp: Date.now(), payload });
    }
  }
}

/** Calls of a wrapper that the runtime never makes fail clearly instead of with a TypeError. */
function unsupportedElsewhere<T extends object>(target: T, kind: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (property in object || typeof property === 'symbol' || property === 'then') {
        return Reflect.get(object, property, receiver) as unknown;
      }
      return () => {
        throw new KafkaUsageError(`${kind}.${property} is not supported with KAFKA_CLIENT=confluent`);
      };
    },
  });
}

interface Context {
  module: ConfluentModule;
  kafka: ConfluentKafka;
  retriableCodes: ReadonlySet<number>;
  config: KafkaConfig;
  clientId: string;
  logger: Logger;
}

async function guarded<T>(context: Context, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRuntimeError(error, context.retriableCodes);
  }
}

class ProducerWrapper {
  readonly events = PRODUCER_EVENTS;
  private readonly instrumentation = new Instrumentation();
  private readonly producer: ConfluentProducer;
  private connected = false;

  constructor(
    private readonly context: Context,
    config: ProducerConfig = {},
  ) {
    const { idempotent, maxInFlightRequests, transactionalId, allowAutoTopicCreation, transactionTimeout } =
      config;
    const kafkaJS = Object.fromEntries(
      Object.entries({
        idempotent,
        maxInFlightRequests,
        transactionalId,
        allowAutoTopicCreation,
        transactionTimeout,
        // kafkajs' default; here it can only be set per producer (Continuum never sets it per send).
        acks: -1,
      }).filter(([, value]) => value !== undefined),
    );
    // The layer's default partitioner is murmur2_random, kafkajs' (and Java's) partitioner for keyed
    // records: keys land on the partitions keyPartition() computes, whichever client produced them.
    this.producer = context.kafka.producer({ kafkaJS });
  }

  on(type: string, listener: Listener): () => void {
    return this.instrumentation.on(type, listener);
  }

  async connect(): Promise<void> {
    await guarded(this.context, () => this.producer.connect());
    this.connected = true;
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  /** As kafkajs: harmless on a producer that never connected (the layer's throws). */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await guarded(this.context, () => this.producer.disconnect());
    this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const { topic, messages, acks } = record;
    if (acks !== undefined && acks !== -1) {
      return Promise.reject(
        new KafkaUsageError(`acks=${acks} per send is not supported with KAFKA_CLIENT=confluent (acks=-1)`),
      );
    }
    // The layer rewrites the message objects it is given (partition, timestamp, headers).
    return guarded(this.context, () =>
      this.producer.send({ topic, messages: messages.map((message) => ({ ...message })) }),
    );
  }

  async sendBatch(batch: { topicMessages?: Array<{ topic: string; messages: ProducerRecord['messages'] }> }) {
    const sent = await Promise.all((batch.topicMessages ?? []).map((tm) => this.send(tm)));
    return sent.flat();
  }

  isIdempotent(): boolean {
    return true;
  }
}

/** The eachBatch payload kafkajs gives, over the layer's (which commits only what was resolved). */
function kafkajsBatchPayload(
  payload: EachBatchPayload,
  messages: KafkaMessage[],
  commit: (offsets: Array<{ topic: string; partition: number; offset: string }>) => Promise<void>,
): EachBatchPayload {
  const { batch } = payload;
  const last = messages[messages.length - 1].offset;
  const lag = (offset: string) => String(Math.max(0, Number(batch.highWatermark) - 1 - Number(offset)));
  return {
    ...payload,
    batch: {
      ...batch,
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0].offset,
      lastOffset: () => last,
      offsetLag: () => lag(last),
      offsetLagLow: () => lag(messages[0].offset),
    },
    commitOffsetsIfNecessary: async (offsets?: Offsets) => {
      if (!offsets) return payload.commitOffsetsIfNecessary();
      await commit(
        offsets.topics.flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
        ),
      );
    },
  };
}

/**
 * Splits a batch into consecutive runs of at most `maxBytes` of keys and values (at least one
 * record each). kafkajs' batches are bounded by maxBytesPerPartition; the layer's only by a record
 * count, so a batch handler would otherwise see far larger batches than it asked for.
 */
export function byteBoundedRuns<M extends { key?: Buffer | null; value: Buffer | null }>(
  messages: M[],
  maxBytes: number,
): M[][] {
  const runs: M[][] = [];
  let run: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(message);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Groups a flat assignment by topic, as kafkajs' memberAssignment. */
export function memberAssignment(
  assignment: Array<{ topic: string; partition: number }>,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const { topic, partition } of assignment) (out[topic] ??= []).push(partition);
  for (const partitions of Object.values(out)) partitions.sort((a, b) => a - b);
  return out;
}

class ConsumerWrapper {
  readonly events = CONSUMER_EVENTS;
  private readonly instrumentation = new Instrumentation();
  private consumer: ConfluentConsumer | undefined;
  private topics: Array<string | RegExp> = [];
  private fromBeginning: boolean | undefined;
  private consecutiveFailures = 0;
  /** Seeks made while GROUP_JOIN listeners run, by `topic:partition`. */
  private rebalanceSeeks: Map<string, string> | undefined;

  constructor(
    private readonly context: Context,
    private readonly config: ConsumerConfig,
  ) {}

  on(type: string, listener: Listener): () => void {
    return this.instrumentation.on(type, listener);
  }

  /** The librdkafka consumer connects in run(), once fromBeginning and autoCommit are known. */
  async connect(): Promise<void> {
    await Promise.resolve();
  }

  async subscribe(
    subscription: ConsumerSubscribeTopics | { topic: string | RegExp; fromBeginning?: boolean },
  ) {
    if (this.consumer)
      throw new KafkaUsageError('subscribe() after run() is not supported with KAFKA_CLIENT=confluent');
    const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
    const fromBeginning = subscription.fromBeginning ?? false;
    if (this.fromBeginning !== undefined && this.fromBeginning !== fromBeginning) {
      throw new KafkaUsageError(
        'subscriptions of one consumer must agree on fromBeginning with KAFKA_CLIENT=confluent',
      );
    }
    this.fromBeginning = fromBeginning;
    this.topics.push(...topics);
    await Promise.resolve();
  }

  async run(run: ConsumerRunConfig = {}): Promise<void> {
    if (this.consumer) throw new KafkaUsageError('the consumer is already running');
    const { groupId, partitionAssigners, ...rest } = this.config;
    const pick = <K extends keyof ConsumerConfig>(keys: K[]) =>
      Object.fromEntries(
        keys.filter((k) => rest[k as keyof typeof rest] !== undefined).map((k) => [k, this.config[k]]),
      );
    const kafkaJS = {
      groupId,
      ...pick([
        'sessionTimeout',
        'rebalanceTimeout',
        'heartbeatInterval',
        'metadataMaxAge',
        'allowAutoTopicCreation',
        'maxBytesPerPartition',
        'minBytes',
        'maxBytes',
        'maxWaitTimeInMs',
        'readUncommitted',
        'maxInFlightRequests',
        'rackId',
      ]),
      // Custom assigners do not exist in librdkafka; range co-partitions too (see above).
      ...(partitionAssigners && partitionAssigners.length > 0 ? { partitionAssigners: ['range'] } : {}),
      fromBeginning: this.fromBeginning ?? false,
      autoCommit: run.autoCommit ?? true,
      ...(run.autoCommitInterval !== undefined ? { autoCommitInterval: run.autoCommitInterval } : {}),
    };
    const consumer = this.context.kafka.consumer({
      kafkaJS,
      // The layer's default batch is 32 records; kafkajs hands over what one fetch brought, bounded
      // by maxBytesPerPartition (byteBoundedRuns restores that bound on the batches taken here).
      'js.consumer.max.batch.size': 10_000,
      rebalance_cb: (error: { code: number }, assignment: Array<{ topic: string; partition: number }>) => {
        const codes = this.context.module.KafkaJS.ErrorCodes;
        if (error.code !== codes.ERR__ASSIGN_PARTITIONS) {
          this.instrumentation.emit(CONSUMER_EVENTS.REBALANCING, { groupId, memberId: '' });
          return undefined;
        }
        // Runs before the layer applies the assignment. Seeks made by the listeners start the
        // assignment at those offsets (a seek queued behind it could let a fetch from the committed
        // or earliest offset through first).
        const seeks = new Map<string, string>();
        this.rebalanceSeeks = seeks;
        try {
          this.instrumentation.emit(CONSUMER_EVENTS.GROUP_JOIN, {
            groupId,
            memberId: '',
            leaderId: '',
            isLeader: false,
            memberAssignment: memberAssignment(assignment),
            groupProtocol: kafkaJS.partitionAssigners?.[0] ?? 'roundrobin',
            duration: 0,
          });
        } finally {
          this.rebalanceSeeks = undefined;
        }
        if (seeks.size === 0) return undefined;
        return assignment.map((tp) => {
          const offset = seeks.get(`${tp.topic}:${tp.partition}`);
          return offset === undefined ? tp : { ...tp, offset: Number(offset) };
        });
      },
    });
    this.consumer = consumer;
    try {
      await guarded(this.context, () => consumer.connect());
      consumer._getInternalClient()?.on('event.error', (error) => {
        if ((error as { isFatal?: boolean }).isFatal !== true) return;
        this.instrumentation.emit(CONSUMER_EVENTS.CRASH, {
          error: toRuntimeError(error, this.context.retriableCodes),
          groupId,
          restart: false,
        });
      });
      await guarded(this.context, () => consumer.subscribe({ topics: this.topics }));
      const { eachBatch, eachMessage, eachBatchAutoResolve, partitionsConsumedConcurrently } = run;
      await guarded(this.context, () =>
        consumer.run({
          ...(eachBatchAutoResolve !== undefined ? { eachBatchAutoResolve } : {}),
          ...(partitionsConsumedConcurrently !== undefined ? { partitionsConsumedConcurrently } : {}),
          ...(eachBatch
            ? {
                eachBatch: (payload: EachBatchPayload) =>
                  this.afterFailures(async () => {
                    const maxBytes = this.config.maxBytesPerPartition ?? 1024 * 1024;
                    for (const run of byteBoundedRuns(payload.batch.messages, maxBytes)) {
                      // A seek, pause or rebalance: the layer redelivers from the last resolved offset.
                      if (payload.isStale()) return;
                      await eachBatch(kafkajsBatchPayload(payload, run, (o) => this.commit(o)));
                    }
                  }),
              }
            : {}),
          ...(eachMessage
            ? { eachMessage: (payload: unknown) => this.afterFailures(() => eachMessage(payload as never)) }
            : {}),
        }),
      );
    } catch (error) {
      this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error, groupId, restart: false });
      throw error;
    }
  }

  /**
   * The layer redelivers a failed batch at once; kafkajs retries after a backoff. Waiting before
   * the retry keeps a handler that fails on every attempt (a broker away) from spinning.
   */
  private async afterFailures(handle: () => Promise<void>): Promise<void> {
    if (this.consecutiveFailures > 0) {
      const delay = Math.min(10_000, 200 * 2 ** Math.min(this.consecutiveFailures - 1, 6));
      await new Promise((done) => setTimeout(done, delay));
    }
    try {
      await handle();
      this.consecutiveFailures = 0;
    } catch (error) {
      this.consecutiveFailures += 1;
      throw error;
    }
  }

  private running(operation: string): ConfluentConsumer {
    if (!this.consumer) {
      throw new KafkaUsageError(`${operation}() before run() is not supported with KAFKA_CLIENT=confluent`);
    }
    return this.consumer;
  }

  private commit(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    const consumer = this.running('commitOffsets');
    return guarded(this.context, () => consumer.commitOffsets(offsets));
  }

  commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    return this.commit(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
  }

  seek(target: { topic: string; partition: number; offset: string }): void {
    if (this.rebalanceSeeks) this.rebalanceSeeks.set(`${target.topic}:${target.partition}`, target.offset);
    else this.running('seek').seek(target);
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    this.running('pause').pause(topics);
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    this.running('resume').resume(topics);
  }

  /** Finishes the batch in flight and leaves the group (the layer has no stop() of its own). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (consumer) await guarded(this.context, () => consumer.disconnect());
    this.instrumentation.emit(CONSUMER_EVENTS.STOP, null);
  }

  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    if (consumer) await guarded(this.context, () => consumer.disconnect());
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT, null);
  }
}

class AdminWrapper {
  private readonly admin: ConfluentAdmin;
  private kafkajsAdmin: Admin | undefined;

  constructor(private readonly context: Context) {
    this.admin = context.kafka.admin() as unknown as ConfluentAdmin;
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    return guarded(this.context, () => (this.admin[method] as (...a: unknown[]) => Promise<T>)(...args));
  }

  connect = () => this.call<void>('connect');
  listTopics = () => this.call<string[]>('listTopics');
  deleteTopics = (options: { topics: string[]; timeout?: number }) =>
    this.call<void>('deleteTopics', options);
  deleteGroups = (groups: string[]) => this.call<unknown>('deleteGroups', groups);
  fetchOffsets = (options: { groupId: string; topics?: string[] }) =>
    this.call<unknown>('fetchOffsets', options);
  fetchTopicOffsets = (topic: string) => this.call<unknown>('fetchTopicOffsets', topic);
  fetchTopicOffsetsByTimestamp = (topic: string, timestamp?: number) =>
    this.call<unknown>('fetchTopicOffsetsByTimestamp', topic, timestamp);

  async disconnect(): Promise<void> {
    await this.kafkajsAdmin?.disconnect();
    await this.call<void>('disconnect');
  }

  /** kafkajs answers `{ topics }`; the layer the bare list. */
  async fetchTopicMetadata(options?: { topics?: string[] }): Promise<{ topics: unknown[] }> {
    return { topics: await this.call<unknown[]>('fetchTopicMetadata', options ?? {}) };
  }

  /** waitForLeaders and validateOnly are not in the layer; Continuum waits for leaders itself. */
  createTopics(options: {
    topics: ITopicConfig[];
    timeout?: number;
    waitForLeaders?: boolean;
    validateOnly?: boolean;
  }) {
    if (options.validateOnly) {
      return Promise.reject(
        new KafkaUsageError('createTopics validateOnly is not supported with KAFKA_CLIENT=confluent'),
      );
    }
    return this.call<boolean>('createTopics', {
      topics: options.topics,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
  }

  /** Topic configs are not in the layer's admin: a kafkajs admin on the same brokers reads them. */
  async describeConfigs(...args: Parameters<Admin['describeConfigs']>) {
    return (await this.configAdmin()).describeConfigs(...args);
  }

  async alterConfigs(...args: Parameters<Admin['alterConfigs']>) {
    return (await this.configAdmin()).alterConfigs(...args);
  }

  private async configAdmin(): Promise<Admin> {
    if (!this.kafkajsAdmin) {
      const { config, clientId } = this.context;
      const admin = new KafkaJs({
        clientId,
        brokers: config.brokers,
        ssl: config.ssl,
        sasl: saslOptions(config),
        logLevel: 0,
      }).admin();
      await admin.connect();
      this.kafkajsAdmin = admin;
    }
    return this.kafkajsAdmin;
  }
}

/** librdkafka's log lines, at their level, with the facility that wrote them. */
function libraryLogger(logger: Logger) {
  const log =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, extra?: { fac?: string; name?: string }) =>
      logger[level]({ librdkafka: extra?.fac, client: extra?.name }, message);
  const adapter = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    namespace: () => adapter,
    setLogLevel: () => undefined,
  };
  return adapter;
}

/** The KafkaClient of KAFKA_CLIENT=confluent. Throws a KafkaUsageError if the package is not installed. */
export function createConfluentKafkaClient(
  config: KafkaConfig,
  clientId: string,
  logger: Logger,
): KafkaClient {
  const module = loadConfluentKafka();
  const { Kafka, logLevel, ErrorCodes } = module.KafkaJS;
  const sasl = saslOptions(config);
  const kafka = new Kafka({
    kafkaJS: {
      clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      // The layer reads `sasl.mechanism` whenever the key is there, even undefined.
      ...(sasl ? { sasl } : {}),
      logLevel: logLevel.WARN,
      logger: libraryLogger(logger),
      retry: { initialRetryTime: 200, retries: 8 },
    },
  });
  const retriableCodes = new Set(
    RETRIABLE_CODES.map((name) => ErrorCodes[name]).filter((code) => code !== undefined),
  );
  const context: Context = { module, kafka, retriableCodes, config, clientId, logger };
  return {
    producer: (producerConfig) =>
      unsupportedElsewhere(new ProducerWrapper(context, producerConfig), 'producer') as unknown as Producer,
    consumer: (consumerConfig) =>
      unsupportedElsewhere(new ConsumerWrapper(context, consumerConfig), 'consumer') as unknown as Consumer,
    admin: () => unsupportedElsewhere(new AdminWrapper(context), 'admin') as unknown as Admin,
  };
}
