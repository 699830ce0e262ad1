import { type EventCodecs, type RetrainRequest, RetrainRequestContract } from '@continuum/events';
import { type EventProducer, type KafkaClient } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';
import { readTopicToEnd } from '../state/topic-reader';

/** The retrain-requests topic: where requests are emitted, and the record the guards are rebuilt from. */
export class RequestLog {
  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    readonly topic: string,
    private readonly groupId: string,
  ) {}

  /** Requests appended at or after `since` (Kafka record time), any producer. */
  async readSince(since: number): Promise<RetrainRequest[]> {
    const records = await readTopicToEnd(this.client, this.codecs, this.logger, {
      topic: this.topic,
      contract: RetrainRequestContract,
      fromTimestamp: since,
      groupPrefix: this.groupId,
    });
    return records.flatMap((r) => (r.value ? [r.value] : []));
  }

  /** Emits one request keyed by modelId; resolves when the broker acknowledged it. */
  async publish(request: RetrainRequest): Promise<void> {
    await this.producer.send(this.topic, RetrainRequestContract, [
      { key: request.modelId, value: request, timestamp: request.requestedAt },
    ]);
  }
}
