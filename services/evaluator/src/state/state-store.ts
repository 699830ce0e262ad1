import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { EVALUATOR_CONFIG } from '../tokens';
import { type KeyValueStore, type WriteOp } from './key-value-store';
import { LevelStore } from './level-store';

/**
 * The instance's LevelDB store, opened before consumption starts and closed after the Kafka
 * runtime has finished its last batch (Nest calls onApplicationShutdown after
 * beforeApplicationShutdown, where the consumer stops).
 */
@Injectable()
export class StateStore implements KeyValueStore, OnModuleInit, OnApplicationShutdown {
  private store: LevelStore | undefined;

  constructor(
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    mkdirSync(this.config.stateDir, { recursive: true });
    try {
      this.store = await LevelStore.open(this.config.stateDir);
    } catch (error) {
      throw new Error(
        `cannot open EVALUATOR_STATE_DIR=${this.config.stateDir} (is another evaluator using it?): ${String(error)}`,
        { cause: error },
      );
    }
    this.health.addReadinessCheck('state-store', () =>
      this.store ? { ok: true, detail: this.config.stateDir } : { ok: false, detail: 'closed' },
    );
    this.logger.info({ stateDir: this.config.stateDir }, 'state store opened');
  }

  async onApplicationShutdown(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }

  private get open(): LevelStore {
    if (!this.store) throw new Error('state store is not open');
    return this.store;
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
