import { type EventCodecs, Topics } from '@continuum/events';
import { type EventProducer, type KafkaClient, waitForTopicLeaders } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';
import { type ModelState } from '../engine/model-state';
import { ModelStateContract } from './model-state.contract';
import { readTopicToEnd } from './topic-reader';

/**
 * The compacted state topic: the latest ModelState of every model, keyed by modelId. The
 * controller creates it (it is private to the controller and not in the shared topic list), with
 * as many partitions as the report topics so that one model's records stay together.
 */
export class ControllerStateStore {
  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    readonly topic: string,
    private readonly groupId: string,
  ) {}

  /** Creates the topic if it is missing (compacted, kept forever). */
  async ensureTopic(replicationFactor: number): Promise<boolean> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(this.topic)) return false;
      // Another instance may create it at the same moment; createTopics then answers false.
      const created = await admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: this.topic,
            numPartitions: Topics.driftReports.partitions,
            replicationFactor,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'min.compaction.lag.ms', value: '0' },
              { name: 'segment.ms', value: String(24 * 3_600_000) },
            ],
          },
        ],
      });
      await waitForTopicLeaders(admin, [{ topic: this.topic, partitions: Topics.driftReports.partitions }]);
      return created;
    } finally {
      await admin.disconnect();
    }
  }

  /** Every model's latest checkpoint. */
  async readAll(): Promise<ModelState[]> {
    const records = await readTopicToEnd(this.client, this.codecs, this.logger, {
      topic: this.topic,
      contract: ModelStateContract,
      groupPrefix: this.groupId,
    });
    const latest = new Map<string, ModelState | null>();
    for (const r of records) {
      const id = r.value?.modelId ?? r.key;
      if (id !== null) latest.set(id, r.value);
    }
    return [...latest.values()].filter((s): s is ModelState => s !== null);
  }

  /** Writes checkpoints; resolves when the broker acknowledged all of them. */
  async write(states: ModelState[]): Promise<void> {
    if (states.length === 0) return;
    await this.producer.send(
      this.topic,
      ModelStateContract,
      states.map((s) => ({ key: s.modelId, value: s })),
    );
  }
}
