import { loadavg } from 'node:os';
import { type Logger } from '@continuum/observability';
import { type KafkaClient, createKafkaClient, loadKafkaConfig } from '@continuum/kafka';

/**
 * The librdkafka client (KAFKA_CLIENT=confluent) for the benchmarks' second-client rows, or
 * undefined, with one line saying why, when tools/librdkafka-install has not built it (or
 * BENCH_CONFLUENT=0): the kafkajs rows run either way.
 */
export function benchConfluentClient(clientId: string, logger: Logger): KafkaClient | undefined {
  if (process.env.BENCH_CONFLUENT === '0') return undefined;
  try {
    return createKafkaClient(
      loadKafkaConfig(clientId, { ...process.env, KAFKA_CLIENT: 'confluent' }),
      clientId,
      logger,
    );
  } catch (error) {
    console.log(`librdkafka rows skipped: ${(error as Error).message}`);
    return undefined;
  }
}

/** The 1-minute load average, printed with each figure: the machine is shared. */
export function loadNote(): string {
  return `load avg ${loadavg()[0].toFixed(1)}`;
}

/**
 * Seconds a client's consumer takes to fetch `events` records of a topic from the beginning,
 * without decoding (from its first batch on), in a group of its own.
 */
export async function rawConsumeSeconds(
  client: KafkaClient,
  topic: string,
  groupId: string,
  events: number,
): Promise<number> {
  const consumer = client.consumer({ groupId, maxBytesPerPartition: 2 * 1024 * 1024, maxWaitTimeInMs: 200 });
  let count = 0;
  let start = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (start === 0) start = performance.now();
      count += batch.messages.length;
      if (count >= events) done();
    },
  });
  const timeout = setTimeout(() => done(), 600_000);
  await finished;
  clearTimeout(timeout);
  const seconds = (performance.now() - start) / 1000;
  await consumer.disconnect();
  if (count < events) throw new Error(`raw consumption read ${count} of ${events} records in 10 minutes`);
  return seconds;
}
