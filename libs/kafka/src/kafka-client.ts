import {
  Kafka,
  Partitioners,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type LogEntry,
  logLevel,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import { type Logger } from '@continuum/observability';
import { type KafkaConfig } from './kafka-config';

/**
 * The narrow seam between Continuum and a Kafka client library. The runtime only uses these
 * three factories and the KafkaJS-shaped Producer/Consumer/Admin they return, which is also the
 * API of @confluentinc/kafka-javascript's KafkaJS compatibility layer: a librdkafka-based
 * implementation can be added behind `KAFKA_CLIENT` without touching the runtime.
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

function kafkajsLogCreator(logger: Logger) {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      // kafkajs repeats its own timestamp and logger name; pino adds both already.
      const { message, timestamp: _t, logger: _l, ...fields } = log as LogEntry['log'] & { logger?: string };
      logger[LEVELS[level] ?? 'info']({ kafkajs: namespace, ...fields }, message);
    };
}

export function createKafkaClient(config: KafkaConfig, clientId: string, logger: Logger): KafkaClient {
  const sasl =
    config.saslMechanism && config.saslUsername && config.saslPassword
      ? ({
          mechanism: config.saslMechanism,
          username: config.saslUsername,
          password: config.saslPassword,
        } as SASLOptions)
      : undefined;
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
    // whichever client produced them, which the evaluator's co-partitioned join relies on.
    producer: (producerConfig) =>
      kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...producerConfig }),
    consumer: (consumerConfig) => kafka.consumer(consumerConfig),
    admin: () => kafka.admin(),
  };
}
