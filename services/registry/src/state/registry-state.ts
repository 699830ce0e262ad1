import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventCodecs, type ModelVersionEvent, ModelVersionEventContract, topicName } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, TopicView } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger, Metrics } from '@continuum/observability';
import { type ApplyResult, RegistryView } from '@continuum/registry';
import { type RegistryConfig } from '../registry.config';
import { REGISTRY_CONFIG } from '../tokens';
import { EventWaiters } from './event-waiters';

/**
 * The registry's state: every instance folds the whole of ct.model-versions into a RegistryView
 * (read to the end at start-up, then followed), and serves reads from it. A writer learns the
 * fold's verdict on its own event through `outcome(eventId)` once the event comes back.
 */
@Injectable()
export class RegistryState implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly view = new RegistryView();
  readonly topic = topicName('modelVersions');
  private readonly follower: TopicView<ModelVersionEvent>;
  private readonly waiters = new EventWaiters<ApplyResult>();

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
    private readonly health: HealthChecks,
  ) {
    const folded = metrics.counter(
      'continuum_registry_events_folded_total',
      'ct.model-versions events folded, by result (applied, or the refusal: STALE_SEQUENCE, CHAMPION_EXISTS...).',
      ['result'],
    );
    const models = metrics.gauge('continuum_registry_models', 'Models in the registry.');
    const versions = metrics.gauge(
      'continuum_registry_versions',
      'Model versions in the registry, by stage.',
      ['stage'],
    );
    const undecodable = metrics.counter(
      'continuum_registry_undecodable_events_total',
      'Records of ct.model-versions that could not be decoded (skipped).',
    );
    this.follower = new TopicView(client, codecs, {
      topic: this.topic,
      contract: ModelVersionEventContract,
      groupIdPrefix: `${config.groupId}-view`,
      sessionTimeoutMs: config.sessionTimeoutMs,
      onUndecodable: (r) => {
        undecodable.inc();
        this.logger.warn(
          { err: r.error, partition: r.partition, offset: r.offset },
          'skipped an undecodable event',
        );
      },
      onRecord: (r) => {
        if (!r.value) return;
        const result = this.view.apply(r.value);
        folded.inc({ result: result.applied ? 'applied' : result.refusal });
        if (!result.applied && result.refusal !== 'DUPLICATE_EVENT') {
          this.logger.info(
            {
              modelId: r.value.modelId,
              version: r.value.version,
              eventId: r.value.eventId,
              refusal: result.refusal,
            },
            `event refused by the fold: ${result.message}`,
          );
        }
        if (result.applied) {
          models.set(this.view.models().length);
          const byStage = new Map<string, number>();
          for (const m of this.view.models())
            for (const v of this.view.versions(m.modelId))
              byStage.set(v.stage, (byStage.get(v.stage) ?? 0) + 1);
          for (const stage of ['CANDIDATE', 'SHADOW', 'CHAMPION', 'ARCHIVED', 'REJECTED'])
            versions.set({ stage }, byStage.get(stage) ?? 0);
        }
        this.waiters.settle(r.value.eventId, result);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.start();
    this.health.addReadinessCheck('registry-view', () =>
      this.follower.isCaughtUp() ? { ok: true } : { ok: false, detail: 'reading ct.model-versions' },
    );
    await this.follower.caughtUp();
    this.logger.info(
      { models: this.view.models().length, refused: this.view.refusedCount() },
      'registry view rebuilt from ct.model-versions',
    );
  }

  /** Resolves once the view holds everything the topic holds now (before a command is judged). */
  sync(): Promise<void> {
    return this.follower.sync(this.config.writeTimeoutMs);
  }

  /**
   * Starts waiting for the fold's verdict on an event about to be written; call before producing
   * so that a fast round trip is not missed.
   */
  outcome(eventId: string): Promise<ApplyResult> {
    return this.waiters.wait(eventId, this.config.writeTimeoutMs);
  }

  cancel(eventId: string): void {
    this.waiters.cancel(eventId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower.stop();
  }
}
