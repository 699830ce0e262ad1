import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventCodecs } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, ModelRegistryFollower } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type RegistryView } from '@continuum/registry';
import { type EvaluatorConfig } from '../evaluator.config';
import { EVALUATOR_CONFIG } from '../tokens';

/**
 * The registered models, for their tasks: ct.model-versions followed whole and folded
 * (`@continuum/kafka`'s ModelRegistryFollower over `@continuum/registry`), caught up before the
 * first pair is joined so a registered model's task comes from its contract, not from a guess on
 * its first pair.
 */
@Injectable()
export class RegisteredModels implements OnModuleInit, OnModuleDestroy {
  private readonly follower: ModelRegistryFollower;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    @Inject(EVALUATOR_CONFIG) config: EvaluatorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthChecks,
  ) {
    this.follower = new ModelRegistryFollower(client, codecs, {
      groupIdPrefix: `${config.groupId}-models`,
      onUndecodable: (r) =>
        logger.warn({ err: r.error, offset: r.offset }, 'skipped an undecodable model-version event'),
    });
  }

  get view(): RegistryView {
    return this.follower.view;
  }

  async onModuleInit(): Promise<void> {
    await this.follower.start();
    this.health.addReadinessCheck('registered-models', () => ({ ok: this.follower.isCaughtUp() }));
    await this.follower.caughtUp();
    this.logger.info({ models: this.view.models().length }, 'registered models read from ct.model-versions');
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }
}
