import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import { EventCodecs, Topics, type TrainerCheckpoint, topicName } from '@continuum/events';
import {
  BatchConsumer,
  ConsumerAssignments,
  EventProducer,
  type KafkaClient,
  KeyedStateTopic,
  keyPartition,
  topicOffsets,
} from '@continuum/kafka';
import { KAFKA_CLIENT } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { TrainerMetrics } from '../metrics/trainer-metrics';
import { type TrainerPolicy } from '../policy/trainer-policy';
import { type TrainerRegistry } from '../registry/trainer-registry';
import { type TrainerConfig } from '../trainer.config';
import { ARTIFACT_STORE, TRAINER_CONFIG, TRAINER_POLICY, TRAINER_REGISTRY } from '../tokens';
import { OnlineRunner } from './online-runner';

/**
 * Runs the online learners of the policy's online models on the instance that owns each model's
 * partition of ct.retrain-requests (the same owner as its retrains), starting and stopping them
 * as assignments change. Checkpoints live in ct.trainer-checkpoints (compacted, key modelId).
 */
@Injectable()
export class OnlineLearners implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runners = new Map<string, OnlineRunner>();
  private checkpoints?: KeyedStateTopic<TrainerCheckpoint>;
  private change: Promise<void> = Promise.resolve();
  private retry?: NodeJS.Timeout;
  private stopping = false;
  private readonly models: string[];

  constructor(
    @Inject(TRAINER_CONFIG) private readonly config: TrainerConfig,
    @Inject(TRAINER_POLICY) private readonly policy: TrainerPolicy,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly assignments: ConsumerAssignments,
    @Inject(TRAINER_REGISTRY) private readonly registry: TrainerRegistry,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly metrics: TrainerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BatchConsumer) consumer: BatchConsumer | null,
  ) {
    // Before the consumer stops (and the producer with it): the last checkpoints need the producer.
    consumer?.beforeStop(() => this.stopAll());
    // Explicit ids only: `*` cannot name the models to follow.
    this.models = Object.entries(policy.models)
      .filter(([id, p]) => id !== '*' && p.online.enabled)
      .map(([id]) => id);
  }

  onApplicationBootstrap(): void {
    if (this.models.length === 0) return;
    this.assignments.onChange(() => this.schedule());
  }

  private schedule(): void {
    const owned = new Set(this.assignments.current[topicName('retrainRequests')] ?? []);
    this.change = this.change
      .then(() => (this.stopping ? undefined : this.reconcile(owned)))
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'online learners not reconciled with the assignment'),
      );
  }

  private async reconcile(owned: ReadonlySet<number>): Promise<void> {
    if (!this.checkpoints) {
      this.checkpoints = new KeyedStateTopic(this.client, this.codecs, this.producer, {
        topic: topicName('trainerCheckpoints'),
        contract: Topics.trainerCheckpoints.contract,
        groupIdPrefix: 'continuum-trainer-checkpoints',
      });
      await this.checkpoints.start();
    }
    const count = Object.keys(await topicOffsets(this.client, topicName('retrainRequests'))).length;
    for (const modelId of this.models) {
      const mine = owned.has(keyPartition(modelId, count));
      const runner = this.runners.get(modelId);
      if (mine && !runner) {
        const created = new OnlineRunner(modelId, this.policy.models[modelId], {
          client: this.client,
          codecs: this.codecs,
          store: this.store,
          registry: this.registry,
          checkpoints: this.checkpoints,
          metrics: this.metrics,
          logger: this.logger,
          examplesTopic: topicName('examples'),
          codeVersion: this.config.codeVersion,
        });
        try {
          await created.start();
          this.runners.set(modelId, created);
        } catch (error) {
          this.logger.error(
            { err: error, modelId, retryInMs: this.config.retryDelayMs },
            'online learner not started; retrying',
          );
          await created.stop();
          this.retry ??= setTimeout(() => {
            this.retry = undefined;
            this.schedule();
          }, this.config.retryDelayMs);
        }
      } else if (!mine && runner) {
        await runner.stop();
        this.runners.delete(modelId);
      }
    }
  }

  /** Stops every learner with a last checkpoint. */
  private async stopAll(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    await this.change;
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
    await this.checkpoints?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopAll();
  }
}
