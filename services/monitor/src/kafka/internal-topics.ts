import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { Topics, topicName, type TopicKey } from '@continuum/events';
import { waitForTopicLeaders } from '@continuum/kafka';

/** The monitor's compacted topics and the settings they need beyond the topic catalog's. */
export const INTERNAL_TOPICS: readonly TopicKey[] = [
  'monitorPartials',
  'monitorCheckpoints',
  'monitorReferences',
];

/** Largest record: one window state of a wide model (≈ 10 KB per feature at most) fits many times over. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

function desiredConfig(): Record<string, string> {
  return {
    'cleanup.policy': 'compact',
    'retention.ms': '-1',
    'max.message.bytes': String(MAX_MESSAGE_BYTES),
    // Roll segments often so the cleaner can drop closed windows' partials and old checkpoints;
    // the combiner re-reads ct.monitor-partials from the beginning on every assignment.
    'segment.ms': String(10 * 60_000),
    'min.cleanable.dirty.ratio': '0.1',
    // A reader that starts at offset 0 sees every tombstone if it finishes within this time.
    'delete.retention.ms': String(24 * 3_600_000),
  };
}

/**
 * Creates the internal topics (from the catalog's partition counts) or brings an existing one to
 * the settings above. Another service may have provisioned them from the catalog first, with the
 * broker's default record size limit; AlterConfigs replaces a topic's whole override set, so the
 * full set is written.
 */
export async function ensureInternalTopics(
  admin: Admin,
  replicationFactor: number,
): Promise<{ created: string[]; updated: string[] }> {
  const wanted = desiredConfig();
  const names = INTERNAL_TOPICS.map((k) => ({ key: k, name: topicName(k) }));
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map(({ key, name }) => ({
        topic: name,
        numPartitions: Topics[key].partitions,
        replicationFactor,
        configEntries: Object.entries(wanted).map(([k, value]) => ({ name: k, value })),
      })),
    });
    await waitForTopicLeaders(
      admin,
      missing.map(({ key, name }) => ({ topic: name, partitions: Topics[key].partitions })),
    );
  }
  const present = names.filter((n) => existing.has(n.name));
  const updated: string[] = [];
  if (present.length > 0) {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((n) => ({ type: ConfigResourceTypes.TOPIC, name: n.name })),
    });
    const stale = described.resources.filter((r) =>
      Object.entries(wanted).some(
        ([k, v]) => r.configEntries.find((e) => e.configName === k)?.configValue !== v,
      ),
    );
    if (stale.length > 0) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: stale.map((r) => ({
          type: ConfigResourceTypes.TOPIC,
          name: r.resourceName,
          configEntries: Object.entries(wanted).map(([k, value]) => ({ name: k, value })),
        })),
      });
      updated.push(...stale.map((r) => r.resourceName));
    }
  }
  return { created: missing.map((m) => m.name), updated };
}
