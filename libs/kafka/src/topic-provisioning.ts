import { type Admin, type ITopicConfig } from 'kafkajs';
import { type TopicDefinition } from '@continuum/events';
import { KafkaTimeoutError } from './errors';

export interface TopicToProvision {
  name: string;
  definition: Pick<TopicDefinition, 'partitions' | 'retentionMs' | 'cleanupPolicy'>;
}

export interface ProvisioningResult {
  created: string[];
  existing: string[];
  /** Existing topics whose partition count differs from the list: reported, never changed, because adding partitions remaps keys and breaks co-partitioning. */
  partitionMismatches: Array<{ topic: string; expected: number; actual: number }>;
}

/** Creates the missing topics of the declarative list; leaves existing ones alone and reports differences. */
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
      configEntries: [
        { name: 'retention.ms', value: String(definition.retentionMs) },
        { name: 'cleanup.policy', value: definition.cleanupPolicy },
      ],
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
  return { created: missing.map((t) => t.name), existing: present.map((t) => t.name), partitionMismatches };
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
