import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type DriftReport,
  EventCodecs,
  type PerformanceReport,
  type RetrainRequest,
  type TrainingMode,
  type WindowStrategy,
  topicName,
} from '@continuum/events';
import {
  type ConsumedRecord,
  ConsumerAssignments,
  EventProducer,
  KAFKA_CLIENT,
  type KafkaClient,
  KeyedSerialQueue,
  KeyedStateTopic,
  TopicLayoutError,
  keyPartition,
} from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type ControllerConfig } from '../controller.config';
import { type ModelState } from '../engine/model-state';
import { type ManualOutcome, type ReportOutcome, RetrainEngine } from '../engine/retrain-engine';
import { summarizeRequest } from '../engine/request-history';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { type ControllerPolicy } from '../policy/policy';
import { RequestLog } from '../requests/request-log';
import { ModelStages } from '../stages/model-stages';
import { ModelStateContract } from '../state/model-state.contract';
import { policiesOfRegisteredModels } from '../policy/registered-models';
import { CONTROLLER_CONFIG, RETRAIN_POLICY } from '../tokens';

export interface ManualCall {
  note?: string;
  window?: WindowStrategy;
  mode?: TrainingMode;
  requestedBy: string;
  idempotencyKey?: string;
}

export type ManualResult = ManualOutcome | { kind: 'not-owner'; detail: string };

/**
 * The stateful heart of the service: owns the policy engine, feeds it reports, schedule ticks and
 * manual calls one at a time, emits its requests and checkpoints its state.
 *
 * Recovery: a batch's state changes are written to the compacted state topic before the batch's
 * offsets are committed, and requests are emitted before the checkpoint that clears them. On start
 * (and when a rebalance brings new partitions) the state topic and the last day of the requests
 * topic are read back, so counters and hysteresis resume where the last checkpoint left them,
 * replayed reports are recognised by their window, and a request that reached the topic before a
 * crash is recognised by its id or its evidence and not emitted again.
 */
@Injectable()
export class ControllerRuntime implements OnModuleInit, OnModuleDestroy {
  readonly engine: RetrainEngine;
  /** Batches, ticks and manual calls never interleave. */
  private readonly queue = new KeyedSerialQueue();
  /** The latest ModelState of every model, keyed by modelId, in the compacted ct.controller-state. */
  private readonly store: KeyedStateTopic<ModelState>;
  private readonly requests: RequestLog;
  private readonly reportTopics: string[];
  private readonly modelPartitions = new Map<string, number>();
  private partitionCount: number | undefined;
  private seenGeneration = 0;
  private owned = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private lastTickError: string | undefined;
  /** Registered models whose policyRef names no entry of the file (warned about once). */
  private readonly unresolvedRefs = new Set<string>();

  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(RETRAIN_POLICY) readonly policy: ControllerPolicy,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    codecs: EventCodecs,
    producer: EventProducer,
    private readonly assignments: ConsumerAssignments,
    private readonly metrics: ControllerMetrics,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly stages: ModelStages,
  ) {
    this.engine = new RetrainEngine(policy, { maxVersions: config.maxVersions });
    // Drift and performance reports raise requests for the champion only (engine/stage-gate.ts).
    this.engine.useStages(stages.view);
    this.store = new KeyedStateTopic(client, codecs, producer, {
      topic: config.stateTopic,
      contract: ModelStateContract,
      groupIdPrefix: `${config.groupId}-state-reader`,
      // Reading the controller's own topic at start-up: one bad record must not keep it down.
      onUndecodable: (r) => logger.warn(r, 'skipping an undecodable record'),
    });
    this.requests = new RequestLog(
      client,
      codecs,
      producer,
      logger,
      topicName('retrainRequests'),
      config.groupId,
    );
    this.reportTopics = [topicName('driftReports'), topicName('performance')];
  }

  async onModuleInit(): Promise<void> {
    this.health.addReadinessCheck('controller-state', () => this.readiness());
    this.logger.info(
      { policy: this.policy.source, models: [...this.engine.models.keys()] },
      'retrain policy loaded',
    );
    this.scheduleTick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.queue.drain();
  }

  /** Applies a batch of drift reports; resolves after their state changes are checkpointed. */
  applyDriftReports(records: Array<ConsumedRecord<DriftReport>>): Promise<void> {
    return this.queue.run(async () => {
      await this.syncOwnership();
      for (const { value } of records) {
        this.log('drift-report', value.reportId, this.engine.onDriftReport(value, Date.now()));
      }
      this.refreshGauges();
      await this.checkpoint();
    });
  }

  /** Applies a batch of performance reports; resolves after their state changes are checkpointed. */
  applyPerformanceReports(records: Array<ConsumedRecord<PerformanceReport>>): Promise<void> {
    return this.queue.run(async () => {
      await this.syncOwnership();
      for (const { value } of records) {
        this.log('performance', value.reportId, this.engine.onPerformanceReport(value, Date.now()));
      }
      this.refreshGauges();
      await this.checkpoint();
    });
  }

  /** A manual retrain: emitted at once (the broker has it when this resolves) or refused. */
  manual(modelId: string, call: ManualCall): Promise<ManualResult> {
    return this.queue.run(async () => {
      await this.syncOwnership();
      if (!this.engine.models.has(modelId)) return { kind: 'unknown-model' };
      const partition = await this.partitionOf(modelId);
      if (!this.owned.has(partition)) {
        return {
          kind: 'not-owner',
          detail:
            `model '${modelId}' is handled by the controller instance that owns partition ${partition} ` +
            `of ${this.reportTopics[0]}; this instance owns [${[...this.owned].sort().join(', ')}]`,
        };
      }
      const outcome = this.engine.manual(modelId, { ...call, nonce: randomUUID() }, Date.now());
      if (outcome.kind === 'request') {
        await this.emit(outcome.request, outcome.absorbedPending);
        this.refreshGauges();
        await this.checkpoint();
      }
      return outcome;
    });
  }

  /** Readiness: the consumer has an assignment and the state of every owned partition is loaded. */
  private readiness(): { ok: boolean; detail: string } {
    if (this.assignments.generation === 0) return { ok: false, detail: 'waiting for a partition assignment' };
    if (this.seenGeneration !== this.assignments.generation) {
      return {
        ok: false,
        detail: `loading state${this.lastTickError ? ` (last error: ${this.lastTickError})` : ''}`,
      };
    }
    return { ok: true, detail: `owns partitions [${[...this.owned].sort().join(', ')}]` };
  }

  private scheduleTick(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.queue
        .run(() => this.tick())
        .then(
          () => (this.lastTickError = undefined),
          (error: unknown) => {
            this.lastTickError = error instanceof Error ? error.message : String(error);
            this.logger.error({ err: error }, 'controller tick failed; retrying at the next tick');
          },
        )
        .finally(() => this.scheduleTick());
    }, this.config.tickMs);
  }

  /** Schedules, estimates past their labels' horizon, then due requests, then the checkpoint. */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    await this.syncOwnership();
    if (this.seenGeneration === 0) return;
    const now = Date.now();
    for (const [modelId, policy] of this.engine.models) {
      if (!policy.performance?.estimated || !(await this.owns(modelId))) continue;
      const outcome = this.engine.onLabelHorizon(modelId, now);
      if (!outcome) continue;
      this.metrics.decisions(outcome);
      this.refreshGauges();
      this.logSignals(null, outcome);
    }
    for (const modelId of this.engine.models.keys()) {
      if (!this.engine.models.get(modelId)?.schedule || !(await this.owns(modelId))) continue;
      const outcome = this.engine.onScheduleTick(modelId, now);
      if (outcome.kind === 'none') continue;
      this.metrics.scheduleSlots.inc({ model_id: modelId, outcome: outcome.kind });
      if (outcome.kind === 'fired') {
        this.metrics.signal(outcome.signal);
        this.refreshGauges();
        this.logger.info(
          { ...outcome.signal, slot: new Date(outcome.slot).toISOString() },
          'schedule slot reached',
        );
      }
    }
    for (const request of this.engine.dueRequests(now)) {
      if (await this.owns(request.modelId)) await this.emit(request, null);
    }
    this.engine.pruneHistory(now);
    this.refreshGauges();
    await this.checkpoint();
  }

  /**
   * Sets the gauges from the engine. Called right after every change to the engine's state, before
   * the next await: a scrape that sees a decision counted also sees the request it opened as
   * pending, until the broker has that request (a tick opens and emits a request in one run, and
   * refreshing only at the end of the run showed it as not pending while it was being published).
   */
  private refreshGauges(): void {
    this.metrics.pendingRequests.set(this.engine.pendingCount());
    this.metrics.setConsecutiveBreaches(this.engine.consecutiveBreaches());
    this.metrics.setWindowsAwaitingLabels(this.engine.windowsAwaitingLabels());
  }

  private async emit(request: RetrainRequest, absorbedPending: string | null): Promise<void> {
    await this.requests.publish(request);
    this.engine.recordEmitted(request, absorbedPending);
    this.metrics.requestsEmitted.inc({ model_id: request.modelId, reason: request.reason });
    this.logger.info(
      {
        requestId: request.requestId,
        modelId: request.modelId,
        modelVersion: request.modelVersion,
        reason: request.reason,
        requestedBy: request.requestedBy,
        evidence: request.evidence.map((e) => `${e.kind}:${e.reference}`),
        window: request.window,
        mode: request.mode,
      },
      'retrain request emitted',
    );
  }

  private async checkpoint(): Promise<void> {
    const states = this.engine.takeDirty();
    if (states.length === 0) return;
    try {
      await this.store.putAll(states.map((s) => [s.modelId, s] as const));
      this.metrics.checkpoints.inc({ outcome: 'written' });
    } catch (error) {
      this.engine.markDirty(states.map((s) => s.modelId));
      this.metrics.checkpoints.inc({ outcome: 'failed' });
      throw error;
    }
  }

  /**
   * Follows the consumer group's assignment: state of newly owned partitions is read back from
   * the state and requests topics before anything touches those models; state of partitions
   * given away is dropped (their new owner reads it back).
   */
  private async syncOwnership(): Promise<void> {
    this.adoptRegisteredModels();
    const generation = this.assignments.generation;
    if (generation === this.seenGeneration) return;
    const current = this.assignments.partitions(this.reportTopics);
    const added = [...current].filter((p) => !this.owned.has(p));
    const removed = [...this.owned].filter((p) => !current.has(p));
    if (removed.length > 0) {
      const gone = await this.modelsIn(removed);
      this.engine.forget(gone);
      this.logger.info(
        { partitions: removed, models: gone },
        'partitions given away; their model state dropped',
      );
    }
    if (added.length > 0) {
      const mine = new Set(await this.modelsIn(added));
      const startedAt = Date.now();
      const since = startedAt - this.engine.historyWindowMs();
      const [states, emitted] = await Promise.all([this.readStates(), this.requests.readSince(since)]);
      this.engine.restore(
        states.filter((s) => mine.has(s.modelId)),
        emitted.map(summarizeRequest),
        Date.now(),
      );
      this.logger.info(
        {
          partitions: added,
          models: [...mine],
          checkpoints: states.filter((s) => mine.has(s.modelId)).length,
          recentRequests: emitted.length,
          ms: Date.now() - startedAt,
        },
        'state restored from the state and requests topics',
      );
    }
    this.owned = current;
    this.seenGeneration = generation;
    this.metrics.ownedPartitions.set(current.size);
  }

  /** Every model's latest checkpoint, read back from the state topic. */
  private async readStates(): Promise<ModelState[]> {
    await this.store.start();
    return [...this.store.entries()].map(([, state]) => state);
  }

  private async partitionOf(modelId: string): Promise<number> {
    const known = this.modelPartitions.get(modelId);
    if (known !== undefined) return known;
    if (this.partitionCount === undefined) this.partitionCount = await this.reportPartitionCount();
    const partition = keyPartition(modelId, this.partitionCount);
    this.modelPartitions.set(modelId, partition);
    return partition;
  }

  private async owns(modelId: string): Promise<boolean> {
    return this.owned.has(await this.partitionOf(modelId));
  }

  private async modelsIn(partitions: number[]): Promise<string[]> {
    const out: string[] = [];
    for (const modelId of this.engine.models.keys()) {
      if (partitions.includes(await this.partitionOf(modelId))) out.push(modelId);
    }
    return out;
  }

  /**
   * Models registered in the registry with a `policyRef` naming an entry of the policy file run
   * under that entry from now on (policy/registered-models.ts); before any ownership change, so
   * that their checkpointed state is restored with the others'.
   */
  private adoptRegisteredModels(): void {
    const { adopted, unresolved } = policiesOfRegisteredModels(
      this.policy,
      this.engine.models,
      this.stages.view.models(),
    );
    for (const policy of adopted) {
      this.engine.adopt(policy);
      this.logger.info(
        { modelId: policy.modelId, policyRef: this.stages.view.model(policy.modelId)?.policyRef },
        'registered model follows a policy entry',
      );
    }
    for (const model of unresolved) {
      if (this.unresolvedRefs.has(model.modelId)) continue;
      this.unresolvedRefs.add(model.modelId);
      this.logger.warn(
        { modelId: model.modelId, policyRef: model.policyRef, entries: [...this.policy.models.keys()] },
        'registered model names a policy entry the policy file does not have: not controlled',
      );
    }
  }

  /** Both report topics must have the same partition count, or ownership by partition breaks. */
  private async reportPartitionCount(): Promise<number> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: this.reportTopics });
      const counts = topics.map((t) => t.partitions.length);
      if (new Set(counts).size !== 1) {
        throw new TopicLayoutError(
          `report topics must have the same partition count for per-model ownership: ` +
            topics.map((t) => `${t.name}=${t.partitions.length}`).join(', '),
        );
      }
      return counts[0];
    } finally {
      await admin.disconnect();
    }
  }

  private log(topic: string, reportId: string, outcome: ReportOutcome): void {
    this.metrics.report(topic, outcome);
    if (outcome.ignored && outcome.ignored !== 'stale-window') {
      this.logger.debug({ reportId, modelId: outcome.modelId, ignored: outcome.ignored }, 'report ignored');
    }
    this.logSignals(reportId, outcome);
  }

  /** `reportId` null: the signal came from a tick (labels missing past their horizon). */
  private logSignals(reportId: string | null, outcome: ReportOutcome): void {
    if (outcome.estimates && outcome.estimates.length > 0) {
      this.logger.debug(
        { reportId, modelId: outcome.modelId, estimates: outcome.estimates },
        'estimated windows judged',
      );
    }
    for (const signal of outcome.signals) {
      // Hysteresis holds a trigger for every window of an episode: debug, or the log repeats itself.
      this.logger[signal.disposition === 'hysteresis' ? 'debug' : 'info'](
        {
          reportId,
          modelId: signal.modelId,
          reason: signal.reason,
          disposition: signal.disposition,
          requestId: signal.requestId,
          blockedUntil: signal.blockedUntil && new Date(signal.blockedUntil).toISOString(),
        },
        'trigger fired',
      );
    }
  }
}
