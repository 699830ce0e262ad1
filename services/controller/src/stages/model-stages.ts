import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventCodecs } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, ModelRegistryFollower } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type RegistryView } from '@continuum/registry';
import { type ControllerConfig } from '../controller.config';
import { CONTROLLER_CONFIG } from '../tokens';

/**
 * The models' stages, for the engine's stage gate (engine/stage-gate.ts): every instance follows
 * ct.model-versions whole (`@continuum/kafka`'s ModelRegistryFollower, folded by
 * `@continuum/registry`). Caught up before the first report is consumed, so a shadow's reports
 * never count as the champion's.
 */
@Injectable()
export class ModelStages implements OnModuleInit, OnModuleDestroy {
  private readonly follower: ModelRegistryFollower;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    @Inject(CONTROLLER_CONFIG) config: ControllerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthChecks,
  ) {
    this.follower = new ModelRegistryFollower(client, codecs, {
      groupIdPrefix: `${config.groupId}-stages`,
      sessionTimeoutMs: config.sessionTimeoutMs,
      onUndecodable: (r) =>
        logger.warn({ err: r.error, offset: r.offset }, 'skipped an undecodable model-version event'),
    });
  }

  get view(): RegistryView {
    return this.follower.view;
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
