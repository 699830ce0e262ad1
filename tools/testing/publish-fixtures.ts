/**
 * Publishing a test's input records, each exactly once, whatever a loaded broker answers.
 *
 * kafkajs' idempotent producer can fail a send it should have retried: it rewinds the sequence
 * numbers of every partition of a failed request, including the partitions the broker did write,
 * and its next attempt can then be refused with OUT_OF_ORDER_SEQUENCE_NUMBER (tulios/kafkajs#598;
 * seen on the first send of a fixture producer to a fresh topic in a CI run). A plain retry of the
 * whole send would write twice what had landed, and several specs count records exactly.
 */
import { type Admin, type Kafka, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { murmur2Partitioner } from '@continuum/kafka';

export interface PublishFixturesOptions {
  /** Records per produce request (default 1000). */
  batchSize?: number;
  /** A send gives up (with the last error) when its records are not all acknowledged by then (default 120 s). */
  timeoutMs?: number;
}

/** Messages with their partition fixed, and their place among the messages of that partition. */
interface Planned {
  message: Message & { partition: number };
  /** 0 for the first message of its partition in one send, 1 for the second, … */
  rank: number;
}

/** What a publisher knows of a topic it wrote to: its partitions and where its own records end. */
interface TopicLedger {
  partitions: PartitionMetadata[];
  /** End offset of each partition after the last acknowledged send. */
  ends: Map<number, number>;
}

/**
 * Publishes test fixtures, in the order given and each exactly once, and resolves a send when the
 * broker has acknowledged all of it. A message without a partition goes where kafkajs' default
 * partitioner puts it (murmur2 of the key, as every Continuum producer), fixed before the first
 * attempt. When an attempt fails, its producer is dropped, the topic's end offsets tell how many of
 * each partition's messages landed (a partition's messages land in order, whole batches at a time),
 * and a fresh producer sends the rest.
 *
 * Preconditions: nothing else writes to a topic while a publisher writes to it (a count past what
 * was planned is reported as an error, not guessed around), and the topic exists. A request that
 * times out in the client but that the broker applies after the recount would still be written
 * twice; kafkajs' request timeout (30 s) makes that far rarer than the refusals this guards against.
 */
export class FixturePublisher {
  private readonly topics = new Map<string, TopicLedger>();
  private producer: Producer | undefined;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: Required<PublishFixturesOptions>,
  ) {}

  static async connect(kafka: Kafka, options: PublishFixturesOptions = {}): Promise<FixturePublisher> {
    const settings = { batchSize: options.batchSize ?? 1000, timeoutMs: options.timeoutMs ?? 120_000 };
    const admin = kafka.admin();
    const deadline = Date.now() + settings.timeoutMs;
    await retryUntil(deadline, 'connecting the fixture publisher', () => admin.connect());
    return new FixturePublisher(kafka, admin, settings);
  }

  async send(topic: string, messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    const deadline = Date.now() + this.options.timeoutMs;
    const ledger = await this.ledger(topic, deadline);
    const planned = plan(topic, ledger.partitions, messages);
    let remaining = planned;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(topic, remaining);
      if (failure === undefined) break;
      const now = await retryUntil(deadline, `the end offsets of ${topic}`, () =>
        endOffsets(this.admin, topic),
      );
      remaining = unwritten(topic, planned, ledger.ends, now);
      if (remaining.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `publishing ${messages.length} fixtures to ${topic}: ${remaining.length} still unwritten after ` +
            `${attempt} attempt(s): ${String(failure)}`,
        );
      }
      await pause(200);
    }
    for (const p of planned)
      ledger.ends.set(p.message.partition, (ledger.ends.get(p.message.partition) ?? 0) + 1);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }

  private async ledger(topic: string, deadline: number): Promise<TopicLedger> {
    let ledger = this.topics.get(topic);
    if (!ledger) {
      const partitions = await retryUntil(deadline, `the partitions of ${topic}`, () =>
        partitionsWithLeaders(this.admin, topic),
      );
      const ends = await retryUntil(deadline, `the end offsets of ${topic}`, () =>
        endOffsets(this.admin, topic),
      );
      ledger = { partitions, ends };
      this.topics.set(topic, ledger);
    }
    return ledger;
  }

  /** Sends in order; the first error (the producer is then dropped), or undefined when all were acknowledged. */
  private async attempt(topic: string, planned: readonly Planned[]): Promise<unknown> {
    try {
      if (!this.producer) {
        const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        this.producer = producer;
        await producer.connect();
      }
      for (let start = 0; start < planned.length; start += this.options.batchSize) {
        const batch = planned.slice(start, start + this.options.batchSize).map((p) => p.message);
        await this.producer.send({ topic, messages: batch });
      }
      return undefined;
    } catch (error) {
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = undefined;
      return error ?? new Error('send failed');
    }
  }
}

/**
 * Publishes `messages` to `topic` in the order given, each exactly once (see FixturePublisher),
 * and resolves when the broker has acknowledged them all.
 */
export async function publishFixtures(
  kafka: Kafka,
  topic: string,
  messages: readonly Message[],
  options: PublishFixturesOptions = {},
): Promise<void> {
  if (messages.length === 0) return;
  const publisher = await FixturePublisher.connect(kafka, options);
  try {
    await publisher.send(topic, messages);
  } finally {
    await publisher.close();
  }
}

/** Fixes each message's partition and its rank within that partition. */
function plan(topic: string, partitions: PartitionMetadata[], messages: readonly Message[]): Planned[] {
  // Every Continuum producer's partitioner (the Java client's murmur2), so fixtures land where services' records would.
  const partitioner = murmur2Partitioner();
  const ranks = new Map<number, number>();
  return messages.map((message) => {
    const partition = message.partition ?? partitioner({ topic, partitionMetadata: partitions, message });
    const rank = ranks.get(partition) ?? 0;
    ranks.set(partition, rank + 1);
    return { message: { ...message, partition }, rank };
  });
}

/**
 * The planned messages not on the topic: per partition, those past the number that landed after
 * `base` (the ends before the send). More than planned means another writer, which this helper cannot tell apart from its own.
 */
function unwritten(
  topic: string,
  planned: readonly Planned[],
  base: Map<number, number>,
  now: Map<number, number>,
): Planned[] {
  const perPartition = new Map<number, number>();
  for (const p of planned)
    perPartition.set(p.message.partition, (perPartition.get(p.message.partition) ?? 0) + 1);
  const landed = new Map<number, number>();
  for (const [partition, count] of perPartition) {
    const written = (now.get(partition) ?? 0) - (base.get(partition) ?? 0);
    if (written > count) {
      throw new Error(
        `publishing fixtures to ${topic}: partition ${partition} has ${written} new records, ` +
          `more than the ${count} planned: something else writes to this topic`,
      );
    }
    landed.set(partition, written);
  }
  return planned.filter((p) => p.rank >= (landed.get(p.message.partition) ?? 0));
}

async function partitionsWithLeaders(admin: Admin, topic: string): Promise<PartitionMetadata[]> {
  const [found] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const partitions = found?.partitions ?? [];
  if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
    throw new Error(`topic ${topic} has no leader for every partition yet`);
  }
  return [...partitions].sort((a, b) => a.partitionId - b.partitionId);
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Retries `attempt` until it resolves or `deadline` passes (then rethrows its last error). */
async function retryUntil<T>(deadline: number, what: string, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${String(error)}`);
      await pause(200);
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
