import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import {
  EventCodecs,
  type ModelVersionEvent,
  ModelVersionEventContract,
  PredictionContract,
  topicName,
  Topics,
} from '@continuum/events';
import { EventProducer, KAFKA_CLIENT, type KafkaClient, provisionTopics, TopicView } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger, Metrics } from '@continuum/observability';
import { RegistryView } from '@continuum/registry';
import { ScorerMetrics } from '../metrics/scorer-metrics';
import { type ScorerConfig } from '../scorer.config';
import { ARTIFACT_STORE, SCORER_CONFIG } from '../tokens';
import { desiredModel } from './desired-state';
import { ModelReconciler, type ModelServingStatus } from './model-reconciler';
import { ModelTable } from './model-table';
import { PredictionPublisher } from './prediction-publisher';
import { type ScoreOutcome, Scorer, type ScoringInstance } from './scorer';
import { ShadowQueue } from './shadow-queue';
import { createVersionLoader } from './version-loader';

/**
 * The scorer's serving state and its lifecycle: follows ct.model-versions into a RegistryView,
 * reconciles the model table with it, scores requests, and on shutdown drains the requests in
 * flight, the shadow queue and the prediction publisher before the Kafka producer closes.
 */
@Injectable()
export class ServingRuntime implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  readonly registry = new RegistryView();
  readonly table = new ModelTable();
  readonly publisher: PredictionPublisher;
  readonly shadows: ShadowQueue;
  readonly scorer: Scorer;
  readonly reconciler: ModelReconciler;
  private view?: TopicView<ModelVersionEvent>;
  private caughtUp = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly scope: Set<string> | null;
  /** The pool's producers besides the service's shared one (SCORER_PUBLISH_PRODUCERS − 1). */
  private readonly extraProducers: EventProducer[];

  constructor(
    @Inject(SCORER_CONFIG) private readonly config: ScorerConfig,
    @Inject(ARTIFACT_STORE) store: ArtifactStore,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    producer: EventProducer,
    metrics: ScorerMetrics,
    metricRegistry: Metrics,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.scope = config.models ? new Set(config.models) : null;
    const topic = topicName('predictions');
    // The pool: the shared producer (so a pool of 1 is the single producer it always was) and
    // SCORER_PUBLISH_PRODUCERS − 1 more, each its own kafkajs producer with its own producer id and
    // connection, so that their produce calls are in flight at the same time.
    this.extraProducers = Array.from(
      { length: config.publishProducers - 1 },
      () => new EventProducer(client, codecs, metricRegistry),
    );
    this.publisher = new PredictionPublisher(
      [producer, ...this.extraProducers].map((p) => async (records) => {
        await p.send(
          topic,
          PredictionContract,
          records.map((r) => ({ key: r.eventId, value: r, timestamp: r.timestamp })),
        );
      }),
      { capacity: config.publishCapacity },
      metrics.publisher,
    );
    const ref: { scorer?: Scorer } = {};
    this.shadows = new ShadowQueue((jobs) => ref.scorer?.runShadow(jobs), {
      capacity: config.shadowQueue,
      sliceMs: config.shadowSliceMs,
    });
    this.scorer = new Scorer(
      this.table,
      this.publisher,
      this.shadows,
      (modelId) => this.inScope(modelId) && this.registry.model(modelId) !== undefined,
      metrics.observer,
      { awaitPublish: config.awaitPublish, publishTimeoutMs: config.publishTimeoutMs },
    );
    ref.scorer = this.scorer;
    this.reconciler = new ModelReconciler(
      this.table,
      createVersionLoader(store, { engine: config.engine, warmUpIterations: config.warmUpIterations }),
      (modelId) => desiredModel(this.registry, modelId),
      {
        ...metrics.reconciler,
        loaded: (modelId, version, stage, ms) => {
          metrics.reconciler.loaded?.(modelId, version, stage, ms);
          this.logger.info(
            { modelId, version, stage, loadMs: Math.round(ms) },
            'version loaded and warmed up',
          );
        },
        loadFailed: (modelId, version, stage, error, retryInMs) => {
          metrics.reconciler.loadFailed?.(modelId, version, stage, error, retryInMs);
          this.logger.error({ modelId, version, stage, err: error, retryInMs }, 'version failed to load');
        },
        championChanged: (modelId, from, to) => {
          metrics.reconciler.championChanged?.(modelId, from, to);
          this.logger.info({ modelId, from, to }, 'champion swapped');
        },
        shadowsChanged: (modelId, shadows) => {
          metrics.reconciler.shadowsChanged?.(modelId, shadows);
          this.logger.info({ modelId, shadows }, 'shadows changed');
        },
      },
      { retryMs: config.loadRetryMs },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.addReadinessCheck('models', () => this.readiness());
    this.health.addReadinessCheck('prediction-producers', () =>
      this.extraProducers.every((p) => p.isConnected())
        ? { ok: true }
        : { ok: false, detail: 'a producer of the prediction pool is disconnected' },
    );
    // Connected, and the contract registered, before any champion can be loaded to need them.
    await Promise.all(
      this.extraProducers.map(async (p) => {
        await p.connect();
        await p.encoder(topicName('predictions'), PredictionContract);
      }),
    );
    // NestJS may run this hook before KafkaModule's provisioning: the registry topic must exist to be read.
    if (this.config.kafka.provisionTopics) await this.provisionRegistryTopic();
    this.view = new TopicView<ModelVersionEvent>(this.client, this.codecs, {
      topic: topicName('modelVersions'),
      contract: ModelVersionEventContract,
      groupIdPrefix: 'continuum-scorer-registry',
      maxWaitTimeInMs: 100,
      onRecord: (record) => {
        if (!record.value) return;
        const result = this.registry.apply(record.value);
        if (result.applied && this.caughtUp && this.inScope(result.modelId))
          void this.reconciler.request(result.modelId);
      },
      onUndecodable: (record) =>
        this.logger.warn(
          { offset: record.offset, partition: record.partition, err: record.error },
          'undecodable registry event skipped',
        ),
    });
    await this.view.start();
    await this.view.caughtUp();
    this.caughtUp = true;
    const models = this.scope ? [...this.scope] : this.registry.models().map((m) => m.modelId);
    this.logger.info({ models }, 'registry read; loading champions and shadows');
    for (const modelId of models) void this.reconciler.request(modelId);
  }

  private async provisionRegistryTopic(): Promise<void> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      await provisionTopics(
        admin,
        [{ name: topicName('modelVersions'), definition: Topics.modelVersions }],
        this.config.kafka.replicationFactor,
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Scores with the request counted in flight, so shutdown can wait for it. */
  async score(
    modelId: string,
    instances: readonly ScoringInstance[],
    options?: { awaitPublish?: boolean },
  ): Promise<ScoreOutcome> {
    this.inFlight += 1;
    try {
      return await this.scorer.score(modelId, instances, options);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  status(modelId: string): ModelServingStatus {
    return this.reconciler.status(modelId);
  }

  servedModels(): string[] {
    const known = this.registry.models().map((m) => m.modelId);
    return [...new Set([...(this.scope ?? known), ...this.table.modelIds()])].filter((m) => this.inScope(m));
  }

  inScope(modelId: string): boolean {
    return this.scope === null || this.scope.has(modelId);
  }

  private readiness(): { ok: boolean; detail?: string } {
    if (!this.caughtUp) return { ok: false, detail: 'reading ct.model-versions' };
    const waiting: string[] = [];
    for (const modelId of this.scope ?? this.registry.models().map((m) => m.modelId)) {
      const status = this.reconciler.status(modelId);
      // Ready while some champion serves (the previous one during a swap); required ones must have one.
      if (status.servedChampion !== null) continue;
      if (status.wantedChampion !== null || this.scope) waiting.push(modelId);
    }
    return waiting.length === 0
      ? { ok: true }
      : { ok: false, detail: `no champion loaded yet for ${waiting.join(', ')}` };
  }

  /** Drains before the Kafka producer closes (its hook runs in beforeApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    this.reconciler.stop();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.shadows.idle();
    await this.publisher.drain();
    this.logger.info('requests drained, shadow queue empty, predictions published');
  }

  /** After the drain: the shared producer is closed by KafkaModule, the pool's others here. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.extraProducers.map((p) => p.disconnect()));
    await this.view?.stop();
    this.table.clear();
  }
}
