import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventCodecs } from '@continuum/events';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type RegistryView } from '@continuum/registry';
import { KAFKA_CLIENT, type KafkaClient } from '../kafka-client';
import { ModelRegistryFollower } from '../state/model-registry-follower';

/** What every ModelRegistryService needs from the Kafka module, injected as one provider. */
@Injectable()
export class ModelRegistryDependencies {
  constructor(
    @Inject(KAFKA_CLIENT) readonly client: KafkaClient,
    readonly codecs: EventCodecs,
    @Inject(LOGGER) readonly logger: Logger,
    readonly health: HealthChecks,
  ) {}
}

export interface ModelRegistryServiceOptions {
  /** Prefix of the follower's throwaway consumer group (the service's group id and a suffix). */
  groupIdPrefix: string;
  sessionTimeoutMs?: number;
  /** Name of the readiness check that stays failing until the view has caught up. */
  readinessCheck: string;
}

/**
 * The models, versions and stages of ct.model-versions as a NestJS provider: the service's own
 * `ModelRegistryFollower`, started and caught up in onModuleInit (so the view is complete before
 * the first batch is consumed), a readiness check while it reads, stopped on shutdown. A service
 * declares its provider as a subclass that passes its options:
 *
 *     @Injectable()
 *     export class ModelStages extends ModelRegistryService {
 *       constructor(@Inject(CONFIG) config: Config, dependencies: ModelRegistryDependencies) {
 *         super(dependencies, { groupIdPrefix: `${config.groupId}-stages`, readinessCheck: 'model-stages' });
 *       }
 *     }
 */
export class ModelRegistryService implements OnModuleInit, OnModuleDestroy {
  private readonly follower: ModelRegistryFollower;
  private readonly logger: Logger;

  constructor(
    private readonly dependencies: ModelRegistryDependencies,
    private readonly options: ModelRegistryServiceOptions,
  ) {
    const logger = (this.logger = dependencies.logger);
    this.follower = new ModelRegistryFollower(dependencies.client, dependencies.codecs, {
      groupIdPrefix: options.groupIdPrefix,
      sessionTimeoutMs: options.sessionTimeoutMs,
      onUndecodable: (r) =>
        logger.warn({ err: r.error, offset: r.offset }, 'skipped an undecodable model-version event'),
    });
  }

  get view(): RegistryView {
    return this.follower.view;
  }

  async onModuleInit(): Promise<void> {
    await this.follower.start();
    this.dependencies.health.addReadinessCheck(this.options.readinessCheck, () =>
      this.follower.isCaughtUp() ? { ok: true } : { ok: false, detail: 'reading ct.model-versions' },
    );
    await this.follower.caughtUp();
    this.logger.info(
      { models: this.view.models().length, provider: this.options.readinessCheck },
      'model registry read from ct.model-versions',
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }
}
