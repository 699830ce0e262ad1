import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventCodecs, ModelVersionEventContract } from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, TopicView, keyPartition, topicOffsets } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type RegistryConfig } from '../registry.config';
import { REGISTRY_CONFIG } from '../tokens';
import { RegistryState } from './registry-state';

export type Ownership =
  { owned: true; partition: number } | { owned: false; partition: number; detail: string };

/**
 * Which models this instance writes: the registry instances form one consumer group on
 * ct.model-versions, and an instance writes the events of the models keyed to the partitions the
 * group assigns it (one writer per model). The group view reads nothing it keeps; it is there for
 * the assignment. During a rebalance a model may briefly have no writer (requests answer 421) or,
 * for a former owner still finishing a command, two: the fold's sequence check then lets only the
 * first event of a revision count.
 */
@Injectable()
export class PartitionOwnership implements OnApplicationBootstrap, OnApplicationShutdown {
  private assigned = new Set<number>();
  private assignments = 0;
  private partitions = 0;
  private readonly group: TopicView<unknown>;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    codecs: EventCodecs,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
    private readonly state: RegistryState,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.group = new TopicView<unknown>(client, codecs, {
      topic: state.topic,
      contract: ModelVersionEventContract as never,
      group: {
        groupId: config.groupId,
        onAssignment: (partitions) => {
          this.assigned = new Set(partitions);
          this.assignments++;
          this.logger.info({ partitions }, 'ct.model-versions partitions this instance writes');
        },
      },
      sessionTimeoutMs: config.sessionTimeoutMs,
      acceptKey: () => false,
      onBatch: async () => {},
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.partitions = Object.keys(await topicOffsets(this.client, this.state.topic)).length;
    this.health.addReadinessCheck('writer-assignment', () =>
      this.assignments > 0 ? { ok: true } : { ok: false, detail: 'joining the registry writer group' },
    );
    await this.group.start();
  }

  ownerOf(modelId: string): Ownership {
    const partition = keyPartition(modelId, this.partitions);
    if (this.assigned.has(partition)) return { owned: true, partition };
    return {
      owned: false,
      partition,
      detail:
        this.assignments === 0
          ? 'this registry instance has not joined its writer group yet; retry shortly'
          : `model's partition ${partition} of ${this.state.topic} is written by another registry instance; send the request there (RegistryClient tries every configured URL)`,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}
