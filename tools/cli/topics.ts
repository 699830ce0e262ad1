/**
 * `continuum topics create|list`: Continuum's topic catalog on a cluster. `create` makes the
 * missing topics (as services do at start-up when KAFKA_PROVISION_TOPICS is true) so that an
 * operator can provision once, with the cluster's replication factor, and run services with
 * provisioning off; `list` shows which catalog topics exist.
 */
import { type TopicKey, Topics, topicName } from '@continuum/events';
import { type KafkaClient, createKafkaClient, loadKafkaConfig, provisionCatalog } from '@continuum/kafka';
import { createLogger } from '@continuum/observability';
import { type CommandIo, UsageError, subcommand } from './command';

export const TOPICS_USAGE = `usage: continuum topics <command>

  create      create the catalog's missing topics (existing ones are left as they are)
  list        the catalog's topics in this deployment and whether each exists

Reads KAFKA_BROKERS, KAFKA_SSL, KAFKA_SASL_*, KAFKA_REPLICATION_FACTOR and the CT_TOPIC_*
name overrides like the services do. Exit codes: 0 done, 1 failed, 2 usage.`;

/** The Kafka client the commands use; replaced in tests by one on a private broker. */
export type ClientFactory = (env: NodeJS.ProcessEnv) => { client: KafkaClient; replicationFactor: number };

export const kafkaFromEnv: ClientFactory = (env) => {
  const config = loadKafkaConfig('continuum-cli', env);
  // kafkajs's own lines are for diagnosing; the command reports the outcome itself.
  const logger = createLogger('continuum-cli', { level: 'error', format: 'json' }, false);
  return {
    client: createKafkaClient(config, 'continuum-cli', logger),
    replicationFactor: config.replicationFactor,
  };
};

export async function runTopicsCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  kafka: ClientFactory = kafkaFromEnv,
): Promise<number> {
  const called = subcommand('topics', args, ['create', 'list'], TOPICS_USAGE, io);
  if (typeof called === 'number') return called;
  const { sub: command, rest } = called;
  if (rest.length > 0) throw new UsageError(`topics ${command}: unexpected argument '${rest[0]}'`);
  const { client, replicationFactor } = kafka(env);
  const admin = client.admin();
  await admin.connect();
  try {
    const keys = Object.keys(Topics) as TopicKey[];
    if (command === 'list') {
      const existing = new Set(await admin.listTopics());
      for (const key of keys) {
        const name = topicName(key, env);
        io.out(
          `${existing.has(name) ? 'exists ' : 'missing'}  ${name}  (${Topics[key].partitions} partitions)`,
        );
      }
      return 0;
    }
    // The same function services provision with at start-up.
    const result = await provisionCatalog(admin, replicationFactor, keys, env);
    for (const name of result.created) io.out(`created  ${name}`);
    for (const name of result.configsUpdated) io.out(`configs  ${name} set to the catalog's`);
    for (const m of result.partitionMismatches) {
      io.err(
        `warning: ${m.topic} has ${m.actual} partitions, the catalog says ${m.expected}; left unchanged`,
      );
    }
    io.out(
      `topics: ${result.created.length} created, ${result.existing.length} already there (replication factor ${replicationFactor})`,
    );
    return 0;
  } finally {
    await admin.disconnect();
  }
}
