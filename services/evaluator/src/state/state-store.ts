import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { EvaluatorStateEntryContract, EventCodecs, topicName } from '@continuum/events';
import { ConsumerAssignments, KAFKA_CLIENT, type KafkaClient, StateChangelog } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { EvaluatorMetrics } from '../observability/evaluator-metrics';
import { rebuildLocalIndexes } from '../join/waiting-expiry';
import { EVALUATOR_CONFIG } from '../tokens';
import { ChangelogStore, type PartitionRestore } from './changelog-store';
import { type KeyValueStore, type WriteOp } from './key-value-store';
import { LevelStore } from './level-store';

/**
 * The instance's LevelDB store with every partition's join state mirrored in
 * ct.evaluator-changelog (ChangelogStore), opened before consumption starts and closed after the Kafka
 * runtime has finished its last batch (Nest calls onApplicationShutdown after
 * beforeApplicationShutdown, where the consumer stops).
 */
@Injectable()
export class StateStore implements KeyValueStore, OnModuleInit, OnApplicationShutdown {
  private store: ChangelogStore | undefined;
  private readonly changelog: StateChangelog<{ value: string }>;

  constructor(
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    private readonly assignments: ConsumerAssignments,
    private readonly metrics: EvaluatorMetrics,
  ) {
    this.changelog = new StateChangelog(client, codecs, {
      topic: topicName('evaluatorChangelog'),
      contract: EvaluatorStateEntryContract,
      groupIdPrefix: `${config.groupId}-restore`,
    });
  }

  async onModuleInit(): Promise<void> {
    mkdirSync(this.config.stateDir, { recursive: true });
    try {
      const local = await LevelStore.open(this.config.stateDir);
      this.store = new ChangelogStore(local, this.changelog, {
        onRestore: (r) => this.restored(r),
        // The TTL index and the pair rows are local only: rebuilt from the restored entries.
        rebuildLocalIndex: (partition, store, heartbeat) =>
          rebuildLocalIndexes(
            store,
            partition,
            {
              horizonMs: this.config.labelHorizonMs,
              windowMs: this.config.windowMs,
              allowedLatenessMs: this.config.allowedLatenessMs,
            },
            heartbeat,
          ),
      });
    } catch (error) {
      throw new Error(
        `cannot open EVALUATOR_STATE_DIR=${this.config.stateDir} (is another evaluator using it?): ${String(error)}`,
        { cause: error },
      );
    }
    this.health.addReadinessCheck('state-store', () =>
      this.store ? { ok: true, detail: this.config.stateDir } : { ok: false, detail: 'closed' },
    );
    // A partition may have been written elsewhere while it was not ours: checked again before use.
    this.assignments.onChange(() => this.store?.assignmentChanged());
    this.logger.info({ stateDir: this.config.stateDir }, 'state store opened');
  }

  private restored(r: PartitionRestore): void {
    this.metrics.stateRestored(r.partition, r.records, r.durationMs);
    this.logger.info(
      {
        partition: r.partition,
        changelog: this.changelog.topic,
        localPosition: r.localPosition.toString(),
        position: r.position.toString(),
        records: r.records,
        bytes: r.bytes,
        durationMs: r.durationMs,
      },
      'partition state restored from the changelog (it was processed by another instance, or this disk lost it)',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close();
    await this.changelog.disconnect();
  }

  private get open(): ChangelogStore {
    if (!this.store) throw new Error('state store is not open');
    return this.store;
  }

  /** Restores `partition` from the changelog if this disk is behind it, heartbeating meanwhile. */
  prepare(partition: number, heartbeat: () => Promise<void>): Promise<void> {
    return this.open.prepare(partition, heartbeat);
  }

  getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return this.open.getMany(keys);
  }

  range(gte: string, lt: string): AsyncIterable<[string, string]> {
    return this.open.range(gte, lt);
  }

  write(ops: readonly WriteOp[]): Promise<void> {
    return this.open.write(ops);
  }

  clearRange(gte: string, lt: string): Promise<void> {
    return this.open.clearRange(gte, lt);
  }

  async close(): Promise<void> {
    await this.onApplicationShutdown();
  }
}
