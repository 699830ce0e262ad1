import { Inject, Injectable } from '@nestjs/common';
import { topicName } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, TopicLayoutError } from '@continuum/kafka';

/**
 * Partition count of ct.predictions, announced with every progress marker so that the combiner
 * knows how many partitions must pass a window before it is complete. Checks once that ct.labels
 * has the same count: the join is only local when both topics are partitioned alike.
 */
@Injectable()
export class SourcePartitions {
  private count: Promise<number> | undefined;

  constructor(@Inject(KAFKA_CLIENT) private readonly client: KafkaClient) {}

  get(): Promise<number> {
    this.count ??= this.fetch();
    this.count.catch(() => (this.count = undefined));
    return this.count;
  }

  private async fetch(): Promise<number> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const predictions = topicName('predictions');
      const labels = topicName('labels');
      const { topics } = await admin.fetchTopicMetadata({ topics: [predictions, labels] });
      const count = (name: string) => topics.find((t) => t.name === name)?.partitions.length ?? 0;
      if (count(predictions) !== count(labels)) {
        throw new TopicLayoutError(
          `${predictions} has ${count(predictions)} partitions but ${labels} has ${count(labels)}: the evaluator's join needs both topics partitioned alike`,
        );
      }
      return count(predictions);
    } finally {
      await admin.disconnect();
    }
  }
}
