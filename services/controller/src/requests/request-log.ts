import { type EventCodecs, type RetrainRequest, RetrainRequestContract } from '@continuum/events';
import { type EventProducer, type KafkaClient, readToEnd } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';

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
    const requests: RetrainRequest[] = [];
    await readToEnd(this.client, this.codecs, {
      topic: this.topic,
      contract: RetrainRequestContract,
      from: { timestamp: since },
      groupIdPrefix: `${this.groupId}-reader`,
      timeoutMs: 60_000,
      onRecord: (r) => void (r.value && requests.push(r.value)),
      onUndecodable: (r) => this.logger.warn(r, 'skipping an undecodable record'),
    });
    return requests;
  }

  /** Emits one request keyed by modelId; resolves when the broker acknowledged it. */
  async publish(request: RetrainRequest): Promise<void> {
    await this.producer.send(this.topic, RetrainRequestContract, [
      { key: request.modelId, value: request, timestamp: request.requestedAt },
    ]);
  }
}
