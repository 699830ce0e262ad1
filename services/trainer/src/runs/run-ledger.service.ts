import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventCodecs, Topics, type TrainingRunEvent, topicName } from '@continuum/events';
import { EventProducer, type KafkaClient, TopicView } from '@continuum/kafka';
import { KAFKA_CLIENT } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { TrainerMetrics } from '../metrics/trainer-metrics';
import { type RunRecord, RunLedger } from './run-ledger';

/**
 * The trainer's record of requests: ct.training-runs read to its end at start (before any request
 * is consumed), then followed (other instances' answers show up too). Publishing a status event
 * applies it here as soon as the broker acknowledged it.
 */
@Injectable()
export class RunLedgerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly ledger = new RunLedger();
  private view?: TopicView<TrainingRunEvent>;
  private readonly topic = topicName('trainingRuns');
  private ready!: Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly metrics: TrainerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    this.view = new TopicView(this.client, this.codecs, {
      topic: this.topic,
      contract: Topics.trainingRuns.contract,
      groupIdPrefix: 'continuum-trainer-runs',
      onRecord: (r) => {
        if (r.value) this.ledger.apply(r.value);
      },
      onUndecodable: (r) =>
        this.logger.warn(
          { topic: r.topic, partition: r.partition, offset: r.offset, err: r.error },
          'skipping an undecodable status event',
        ),
    });
    this.ready = this.view.start().then(() => this.view!.caughtUp(120_000));
    return this.ready.then(() =>
      this.logger.info({ pending: this.ledger.pending().length }, 'training runs read'),
    );
  }

  /** Resolves once the topic has been read to the end it had at start. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  get(requestId: string): RunRecord | undefined {
    return this.ledger.get(requestId);
  }

  pending(): RunRecord[] {
    return this.ledger.pending();
  }

  /** Publishes status events (acknowledged by the broker) and applies them. */
  async publish(...events: TrainingRunEvent[]): Promise<void> {
    await this.producer.send(
      this.topic,
      Topics.trainingRuns.contract,
      events.map((value) => ({ key: value.modelId, value })),
    );
    for (const e of events) {
      this.ledger.apply(e);
      this.metrics.statusEvents.inc({ status: e.status });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.view?.stop();
  }
}
