import {
  Kafka,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type LogEntry,
  logLevel,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { type Logger } from '@continuum/observability';
import { createConfluentKafkaClient } from './confluent-client';
import { type KafkaConfig, saslOptions } from './kafka-config';
import { murmur2Partitioner } from './key-partition';

/**
 * The narrow seam between Continuum and a Kafka client library. The runtime only uses these
 * three factories and the KafkaJS-shaped Producer/Consumer/Admin they return, which is also the
 * API of @confluentinc/kafka-javascript's KafkaJS compatibility layer: KAFKA_CLIENT=confluent
 * puts librdkafka behind it (confluent-client.ts) without touching the runtime.
 */
export interface KafkaClient {
  producer(config?: ProducerConfig): Producer;
  consumer(config: ConsumerConfig): Consumer;
  admin(): Admin;
}

/** Injection token of the service's KafkaClient (provided by KafkaModule). */
export const KAFKA_CLIENT = Symbol('KafkaClient');

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Broker answers that mean "not yet" on a broker that has just started. */
const STARTING_BROKER =
  /^Crash: KafkaJS\w+: (The coordinator is loading|The group coordinator is not available|This server does not host this topic-partition|There is no leader for this topic-partition)/;

/**
 * The level a kafkajs line is logged at. kafkajs logs every error answer of the broker at error
 * level from its connection, although the request's caller retries it or fails with its own
 * error; on a normal start that is 7–23 lines per service (coordinator loading, topic-partition
 * unknown while leaders are elected, topic already created by another instance). Those go to
 * debug, and a rebalance kafkajs handles by re-joining to info.
 */
export function kafkajsLevel(
  level: number,
  namespace: string,
  message: string,
): 'error' | 'warn' | 'info' | 'debug' {
  if (namespace === 'Connection' && message.startsWith('Response ')) return 'debug';
  // One line per attempt to reach a broker that is away (280 in a 10 s outage, at error level):
  // the service's connection watch says it once, with what to check, and readiness follows it.
  if (namespace === 'Connection' && message.startsWith('Connection error: ')) return 'debug';
  if (namespace === 'BrokerPool' && message.startsWith('Failed to connect to seed broker')) return 'debug';
  if (message === 'The group is rebalancing, re-joining') return 'info';
  // A consumer crash on a condition of a broker that is still starting, after which kafkajs
  // restarts the consumer: the service's own crash line says whether it restarts.
  if (namespace === 'Consumer' && STARTING_BROKER.test(message)) return 'info';
  if (namespace === 'Consumer' && message.startsWith('Restarting the consumer in ')) return 'info';
  return LEVELS[level] ?? 'info';
}

function kafkajsLogCreator(logger: Logger) {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      // kafkajs repeats its own timestamp and logger name; pino adds both already.
      const { message, timestamp: _t, logger: _l, ...fields } = log as LogEntry['log'] & { logger?: string };
      logger[kafkajsLevel(level, namespace, message)]({ kafkajs: namespace, ...fields }, message);
    };
}

/** The client KAFKA_CLIENT selects: kafkajs (default) or librdkafka (`confluent`, opt-in install). */
export function createKafkaClient(config: KafkaConfig, clientId: string, logger: Logger): KafkaClient {
  if (config.client === 'confluent') return createConfluentKafkaClient(config, clientId, logger);
  const sasl = saslOptions(config);
  const kafka = new Kafka({
    clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(logger),
    retry: { initialRetryTime: 200, retries: 8 },
  });
  return {
    // The default partitioner is murmur2, as in the Java client: keys land on the same partition
    // whichever client produced them, which the evaluator's co-partitioned join relies on. Ours
    // computes kafkajs' DefaultPartitioner's partitions in 32-bit arithmetic (key-partition.ts).
    producer: (producerConfig) =>
      kafka.producer({ createPartitioner: murmur2Partitioner, ...producerConfig }),
    consumer: (consumerConfig) => kafka.consumer(consumerConfig),
    admin: () => kafka.admin(),
  };
}
