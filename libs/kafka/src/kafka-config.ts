import {
  duration,
  flag,
  hostPort,
  integer,
  list,
  loadConfig,
  oneOf,
  optional,
  text,
  url,
  type ConfigOf,
} from '@continuum/config';
import { type SASLOptions } from 'kafkajs';
import { loadConfluentKafka } from './confluent-client';

/** Environment variables every Kafka-connected service reads. */
export const kafkaConfigSpec = {
  brokers: list({
    env: 'KAFKA_BROKERS',
    description: 'Comma-separated Kafka bootstrap servers (host:port).',
    default: ['127.0.0.1:9092'],
    item: hostPort,
  }),
  client: oneOf({
    env: 'KAFKA_CLIENT',
    description:
      'Kafka client implementation behind the runtime (only kafkajs is bundled; see docs/architecture.md).',
    // confluent: librdkafka through @confluentinc/kafka-javascript, installed by tools/librdkafka-install.
    values: ['kafkajs', 'confluent'] as const,
    default: 'kafkajs',
  }),
  ssl: flag({ env: 'KAFKA_SSL', description: 'Connect to the brokers over TLS.', default: false }),
  saslMechanism: optional(
    oneOf({
      env: 'KAFKA_SASL_MECHANISM',
      description: 'SASL mechanism for real clusters: plain, scram-sha-256 or scram-sha-512.',
      values: ['plain', 'scram-sha-256', 'scram-sha-512'] as const,
    }),
  ),
  saslUsername: optional(text({ env: 'KAFKA_SASL_USERNAME', description: 'SASL username.' })),
  saslPassword: optional(text({ env: 'KAFKA_SASL_PASSWORD', description: 'SASL password.' })),
  replicationFactor: integer({
    env: 'KAFKA_REPLICATION_FACTOR',
    description: 'Replication factor for topics Continuum provisions (3 on a real cluster).',
    default: 1,
    min: 1,
  }),
  provisionTopics: flag({
    env: 'KAFKA_PROVISION_TOPICS',
    description: 'Create missing Continuum topics at start-up from the declarative topic list.',
    default: true,
  }),
  startupWaitMs: duration({
    env: 'STARTUP_WAIT_TIMEOUT',
    description:
      'How long a starting service waits for Kafka and for the schema registry to answer (each) before it exits with an error; /health/live answers meanwhile.',
    default: 120_000,
    min: 1,
  }),
  registryUrl: url({
    env: 'SCHEMA_REGISTRY_URL',
    description: 'Confluent-compatible schema registry API base URL.',
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
  }),
  registryUsername: optional(
    text({ env: 'SCHEMA_REGISTRY_USERNAME', description: 'Schema registry basic-auth user.' }),
  ),
  registryPassword: optional(
    text({ env: 'SCHEMA_REGISTRY_PASSWORD', description: 'Schema registry basic-auth password.' }),
  ),
};

export type KafkaConfig = ConfigOf<typeof kafkaConfigSpec>;

/** SASL credentials for either client, when all three settings are given. */
export function saslOptions(config: KafkaConfig): SASLOptions | undefined {
  return config.saslMechanism && config.saslUsername && config.saslPassword
    ? ({
        mechanism: config.saslMechanism,
        username: config.saslUsername,
        password: config.saslPassword,
      } as SASLOptions)
    : undefined;
}

export function loadKafkaConfig(service: string, env: NodeJS.ProcessEnv = process.env): KafkaConfig {
  const config = loadConfig(service, kafkaConfigSpec, env);
  if (config.saslMechanism && (!config.saslUsername || !config.saslPassword)) {
    throw new Error(
      `Invalid configuration for ${service}: KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  if (config.client === 'confluent') {
    try {
      loadConfluentKafka(env);
    } catch (error) {
      throw new Error(`Invalid configuration for ${service}: ${(error as Error).message}`);
    }
  }
  return config;
}
