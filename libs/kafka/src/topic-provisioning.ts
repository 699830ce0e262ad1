import { type Admin, ConfigResourceTypes, type ITopicConfig } from 'kafkajs';
import { type TopicDefinition, type TopicKey, Topics, topicConfigs, topicName } from '@continuum/events';
import { KafkaTimeoutError } from './errors';

export interface TopicToProvision {
  name: string;
  definition: Pick<TopicDefinition, 'partitions' | 'retentionMs' | 'cleanupPolicy' | 'configs'>;
}

export interface ProvisioningResult {
  created: string[];
  existing: string[];
  /** Existing topics whose partition count differs from the list: reported, never changed, because adding partitions remaps keys and breaks co-partitioning. */
  partitionMismatches: Array<{ topic: string; expected: number; actual: number }>;
  /**
   * Existing topics with their own configs in the catalog (internal topics: record size,
   * compaction) whose configs differed and were set to the catalog's. Public topics' configs are
   * left as an operator set them.
   */
  configsUpdated: string[];
}

/**
 * Provisions Continuum's topic catalog (all of it, or the given keys) under this deployment's
 * names: what services do at start-up and `continuum topics create` does for a cluster.
 */
export function provisionCatalog(
  admin: Admin,
  replicationFactor: number,
  keys: readonly TopicKey[] = Object.keys(Topics) as TopicKey[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisioningResult> {
  return provisionTopics(
    admin,
    keys.map((key) => ({ name: topicName(key, env), definition: Topics[key] })),
    replicationFactor,
  );
}

/**
 * Creates the missing topics of the declarative list with their configs; reports partition-count
 * differences of existing ones, and brings the configs of existing topics that declare their own
 * (`configs`) to the list's. Another instance creating the same topics at the same moment is no
 * error (kafkajs reports TOPIC_ALREADY_EXISTS as "nothing created").
 */
export async function provisionTopics(
  admin: Admin,
  topics: TopicToProvision[],
  replicationFactor: number,
): Promise<ProvisioningResult> {
  const existingNames = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existingNames.has(t.name));
  const present = topics.filter((t) => existingNames.has(t.name));
  if (missing.length > 0) {
    const specs: ITopicConfig[] = missing.map(({ name, definition }) => ({
      topic: name,
      numPartitions: definition.partitions,
      replicationFactor,
      configEntries: Object.entries(topicConfigs(definition)).map(([name, value]) => ({ name, value })),
    }));
    // Another instance may create the same topics concurrently; createTopics then reports them as existing.
    await admin.createTopics({ topics: specs, waitForLeaders: false });
    await waitForTopicLeaders(
      admin,
      missing.map((t) => ({ topic: t.name, partitions: t.definition.partitions })),
    );
  }
  const partitionMismatches: ProvisioningResult['partitionMismatches'] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const topic of metadata.topics) {
      const expected = present.find((t) => t.name === topic.name)?.definition.partitions;
      if (expected !== undefined && topic.partitions.length !== expected) {
        partitionMismatches.push({ topic: topic.name, expected, actual: topic.partitions.length });
      }
    }
  }
  const configsUpdated = await alignConfigs(
    admin,
    present.filter((t) => t.definition.configs !== undefined),
  );
  return {
    created: missing.map((t) => t.name),
    existing: present.map((t) => t.name),
    partitionMismatches,
    configsUpdated,
  };
}

/**
 * Sets the declared configs of existing topics where they differ (a topic created before its
 * catalog entry had configs, or by a test with the broker's defaults). AlterConfigs replaces a
 * topic's whole override set, so the full declared set is written.
 */
async function alignConfigs(admin: Admin, topics: TopicToProvision[]): Promise<string[]> {
  if (topics.length === 0) return [];
  const wanted = new Map(topics.map((t) => [t.name, topicConfigs(t.definition)]));
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })),
  });
  const stale = described.resources.filter((r) =>
    Object.entries(wanted.get(r.resourceName) ?? {}).some(
      ([name, value]) => r.configEntries.find((e) => e.configName === name)?.configValue !== value,
    ),
  );
  if (stale.length === 0) return [];
  await admin.alterConfigs({
    validateOnly: false,
    resources: stale.map((r) => ({
      type: ConfigResourceTypes.TOPIC,
      name: r.resourceName,
      configEntries: Object.entries(wanted.get(r.resourceName) ?? {}).map(([name, value]) => ({
        name,
        value,
      })),
    })),
  });
  return stale.map((r) => r.resourceName);
}

/**
 * Waits until every partition of the topics has a leader in the metadata the broker serves.
 * kafkajs's own `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker that has
 * just started answers for a moment after creating a topic; producing then would fail the same way.
 */
export async function waitForTopicLeaders(
  admin: Admin,
  topics: Array<{ topic: string; partitions: number }>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const ready = topics.every((t) => {
        const meta = found.find((f) => f.name === t.topic);
        return (
          meta !== undefined &&
          meta.partitions.length === t.partitions &&
          meta.partitions.every((p) => p.leader >= 0)
        );
      });
      if (ready) return;
    } catch (error) {
      // Retriable metadata errors (unknown topic, leader not available) while the broker settles.
      if (!(error as { retriable?: boolean }).retriable) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      throw new KafkaTimeoutError(
        `topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms`,
        last,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
