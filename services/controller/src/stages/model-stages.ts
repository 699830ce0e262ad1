import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventCodecs, type ModelVersionEvent, ModelVersionEventContract, topicName } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, TopicView } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { RegistryView } from '@continuum/registry';
import { type ControllerConfig } from '../controller.config';
import { CONTROLLER_CONFIG } from '../tokens';

/**
 * The models' stages, for the engine's stage gate (engine/stage-gate.ts): every instance follows
 * ct.model-versions whole with a TopicView and folds it with `@continuum/registry`. Caught up
 * before the first report is consumed, so a shadow's reports never count as the champion's.
 */
@Injectable()
export class ModelStages implements OnModuleInit, OnModuleDestroy {
  readonly view = new RegistryView();
  private readonly follower: TopicView<ModelVersionEvent>;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    @Inject(CONTROLLER_CONFIG) config: ControllerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthChecks,
  ) {
    this.follower = new TopicView(client, codecs, {
      topic: topicName('modelVersions'),
      contract: ModelVersionEventContract,
      groupIdPrefix: `${config.groupId}-stages`,
      sessionTimeoutMs: config.sessionTimeoutMs,
      onUndecodable: (r) =>
        logger.warn({ err: r.error, offset: r.offset }, 'skipped an undecodable model-version event'),
      onRecord: (r) => {
        if (r.value) this.view.apply(r.value);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.follower.start();
    this.health.addReadinessCheck('model-stages', () =>
      this.follower.isCaughtUp() ? { ok: true } : { ok: false, detail: 'reading ct.model-versions' },
    );
    await this.follower.caughtUp();
    this.logger.info({ models: this.view.models().length }, 'model stages read from ct.model-versions');
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }
}
