import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import { EventCodecs, type TrainingOffsetRange, topicName } from '@continuum/events';
import { type KafkaClient } from '@continuum/kafka';
import { KAFKA_CLIENT } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { type RegisterVersionRequest } from '@continuum/registry';
import { TrainingFailure, type TrainingPlan, changePointFor, planRetrain, windowFor } from '../core/plan';
import {
  type TrainingJob,
  type TrainingResult,
  TrainingWorker,
  executeTrainingJob,
} from '../core/training-job';
import { TrainerMetrics } from '../metrics/trainer-metrics';
import { isTransientRegistryError, type TrainerRegistry } from '../registry/trainer-registry';
import { type TrainerConfig } from '../trainer.config';
import { ARTIFACT_STORE, TRAINER_CONFIG, TRAINER_REGISTRY } from '../tokens';
import { type RunIdentity, failedEvent, progressEvent, succeededEvent } from './run-events';
import { type RunRecord } from './run-ledger';
import { RunLedgerService } from './run-ledger.service';
import { type ReplayProgress, pinRanges, replayWindow } from './window-replay';
import {
  type ChangePointOutcome,
  type ChangePointWait,
  waitForExamplesAfterChange,
} from './change-point-wait';
import { requiredExamplesAfterChange } from '../core/change-point';

/** Whether trying again later can succeed: an unreachable registry, store or broker. */
export function isTransient(error: unknown): boolean {
  if (isTransientRegistryError(error)) return true;
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

/** The artifact key of a run: one per request, so a retried run overwrites its own bytes with the same bytes. */
export function artifactKey(modelId: string, requestId: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `models/${safe(modelId)}/runs/${safe(requestId)}/model.ctm`;
}

/** The registry body of a run's candidate. */
export function candidateVersion(
  plan: TrainingPlan,
  ranges: readonly TrainingOffsetRange[],
  result: TrainingResult,
  artifact: { uri: string; sha256: string; size: number },
  codeVersion: string,
): RegisterVersionRequest {
  const { window } = result;
  return {
    ...(plan.parentVersion && plan.strategy === 'WARM_START' ? { parentVersion: plan.parentVersion } : {}),
    strategy: plan.strategy,
    lineage: {
      examples: ranges.filter((r) => r.toOffset > r.fromOffset).map((r) => ({ ...r })),
      seed: plan.seed,
      codeVersion,
      hyperParameters: {
        family: plan.family,
        ...plan.hyperParameters,
        window: plan.window,
        holdout: plan.holdout,
        maxExamples: plan.maxExamples,
        classes: plan.classes,
        representative: plan.representative,
        requestId: plan.requestId,
        acceptedAt: plan.acceptedAt,
        replayFrom: plan.replayFrom,
        changePoint: plan.changePoint,
        windowDetails: window.details,
        notes: plan.notes,
      },
    },
    ...(window.start !== null && window.end !== null
      ? { trainingWindow: { start: window.start, end: window.end, exampleCount: window.count } }
      : {}),
    metrics: result.metrics,
    referenceProfile: result.profile,
    artifact,
    idempotencyKey: plan.requestId,
    stage: 'CANDIDATE',
    actor: 'trainer',
    reason: `retrain request ${plan.requestId}`,
  };
}

/**
 * Runs accepted requests one at a time, off the consumer loop (the training itself in a worker
 * thread). Each run ends with exactly one SUCCEEDED or FAILED: the registry's idempotency key is
 * the request id, so a run retried after a crash or an outage finds or re-creates the same version.
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly queue: RunRecord[] = [];
  private readonly queued = new Set<string>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly topic = topicName('examples');
  private readonly worker = new TrainingWorker();
  /** Aborted at shutdown: ends a run's wait for labels after a change (the run stays pending). */
  private readonly shutdown = new AbortController();
  /** How the wait for labels after a change ended, for runs queued after it (see enqueue). */
  private readonly labelsReady = new Map<string, ChangePointOutcome & { action: 'TRAIN' }>();

  constructor(
    @Inject(TRAINER_CONFIG) private readonly config: TrainerConfig,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly ledger: RunLedgerService,
    @Inject(TRAINER_REGISTRY) private readonly registry: TrainerRegistry,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly metrics: TrainerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Loads the learning code in the worker thread now rather than in the first run.
    if (this.config.trainInWorker) this.worker.start();
  }

  /**
   * Queues a pending run (once); runs start in acceptance order. A run that must first wait for
   * labels after a change waits beside the queue (it may take days) and joins it when it may train.
   */
  enqueue(run: RunRecord): void {
    if (this.stopping || this.queued.has(run.requestId)) return;
    this.queued.add(run.requestId);
    this.metrics.pendingRuns.set(this.queued.size);
    const wait = this.labelWaitOf(run);
    if (wait) {
      this.waitForLabels(run, wait);
      return;
    }
    this.queue.push(run);
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** What a change-triggered run of a model whose policy enables it waits for; null: nothing. */
  private labelWaitOf(run: RunRecord): ChangePointWait | null {
    if (!run.accepted || this.labelsReady.has(run.requestId)) return null;
    const { request, policy } = run.accepted;
    const changePoint = changePointFor(request, policy);
    if (changePoint === null) return null;
    return {
      requestId: run.requestId,
      modelId: run.modelId,
      changePoint,
      acceptedAt: run.acceptedAt ?? request.requestedAt,
      required: requiredExamplesAfterChange(policy.afterChange, windowFor(request, policy)),
      settings: policy.afterChange,
    };
  }

  private waitForLabels(run: RunRecord, wait: ChangePointWait): void {
    const leave = () => {
      this.queued.delete(run.requestId);
      this.metrics.pendingRuns.set(this.queued.size);
    };
    void (async () => {
      for (;;) {
        try {
          const decision = await waitForExamplesAfterChange(this.client, this.codecs, wait, {
            metrics: this.metrics,
            logger: this.logger,
            now: Date.now,
            stopped: this.shutdown.signal,
          });
          if (decision === null) return leave(); // shutting down: the run stays pending
          if (decision.action === 'FAIL') {
            if (this.ledger.get(run.requestId)?.state === 'PENDING') {
              this.logger.warn(
                {
                  requestId: run.requestId,
                  modelId: run.modelId,
                  failure: 'EMPTY_WINDOW',
                  reason: decision.reason,
                },
                'training run failed',
              );
              const id = { requestId: run.requestId, modelId: run.modelId, instance: this.config.instanceId };
              await this.ledger.publish(failedEvent(id, 'EMPTY_WINDOW', decision.reason, Date.now()));
              this.metrics.runs.inc({ model_id: run.modelId, outcome: 'failed' });
            }
            return leave();
          }
          this.labelsReady.set(run.requestId, decision);
          if (this.stopping) return leave();
          this.queue.push(run);
          this.running ??= this.drain().finally(() => (this.running = null));
          return;
        } catch (error) {
          if (this.stopping) return leave();
          this.logger.warn(
            { err: error, requestId: run.requestId, retryInMs: this.config.retryDelayMs },
            'waiting for labels after the change interrupted; it will be retried',
          );
          await sleep(this.config.retryDelayMs);
        }
      }
    })();
  }

  /** Whether the run is waiting or running here. */
  has(requestId: string): boolean {
    return this.queued.has(requestId);
  }

  private async drain(): Promise<void> {
    while (!this.stopping && this.queue.length > 0) {
      const run = this.queue.shift()!;
      try {
        await this.execute(run);
      } finally {
        this.labelsReady.delete(run.requestId);
        this.queued.delete(run.requestId);
        this.metrics.pendingRuns.set(this.queued.size);
      }
    }
  }

  private async execute(run: RunRecord): Promise<void> {
    const id: RunIdentity = {
      requestId: run.requestId,
      modelId: run.modelId,
      instance: this.config.instanceId,
    };
    const started = Date.now();
    const finish = (outcome: 'succeeded' | 'failed') => {
      this.metrics.runs.inc({ model_id: run.modelId, outcome });
      this.metrics.runDuration.observe({ model_id: run.modelId, outcome }, (Date.now() - started) / 1000);
      this.metrics.runProgress.remove({ model_id: run.modelId, request_id: run.requestId });
    };
    for (;;) {
      if (this.stopping) return;
      if (this.ledger.get(run.requestId)?.state !== 'PENDING') return; // answered elsewhere
      try {
        await this.attempt(run, id);
        finish('succeeded');
        return;
      } catch (error) {
        if (isTransient(error)) {
          this.logger.warn(
            {
              err: error,
              requestId: run.requestId,
              modelId: run.modelId,
              retryInMs: this.config.retryDelayMs,
            },
            'training run interrupted by an unavailable dependency; it will be retried',
          );
          await sleep(this.config.retryDelayMs);
          continue;
        }
        const failure = error instanceof TrainingFailure ? error.kind : 'TRAINING_ERROR';
        const reason = (error as Error).message;
        this.logger.warn(
          { requestId: run.requestId, modelId: run.modelId, failure, reason },
          'training run failed',
        );
        await this.ledger.publish(failedEvent(id, failure, reason, Date.now()));
        finish('failed');
        return;
      }
    }
  }

  private async attempt(run: RunRecord, id: RunIdentity): Promise<void> {
    if (!run.accepted)
      throw new TrainingFailure(
        'INVALID_REQUEST',
        'the ACCEPTED status event carries no request (written by an incompatible trainer)',
      );
    const { request, policy } = run.accepted;
    const model = await this.registry.model(run.modelId);
    const champion = model ? await this.registry.champion(run.modelId) : null;
    const plan = planRetrain(request, policy, model, champion, run.acceptedAt ?? request.requestedAt);

    // A version registered by an earlier attempt (crashed before its SUCCEEDED) is the result.
    const existing = await this.registry.versionByKey(run.modelId, run.requestId);
    if (existing) {
      this.logger.info(
        { requestId: run.requestId, version: existing.version },
        'found the version an earlier attempt registered',
      );
      await this.ledger.publish(
        succeededEvent(
          id,
          {
            version: existing.version,
            artifactUri: existing.artifact?.uri ?? null,
            metrics: existing.metrics,
            // A change-triggered run pinned its ranges again after its wait: the lineage has them.
            ranges: plan.changePoint !== null && existing.lineage ? existing.lineage.examples : run.ranges,
          },
          Date.now(),
        ),
      );
      return;
    }

    let ranges = run.ranges;
    if (plan.changePoint !== null) {
      // Labels of the new regime arrived while the run waited (enqueue): pin the ranges again so
      // the window holds them.
      if (this.labelsReady.get(run.requestId)?.why === 'WAIT_EXPIRED')
        plan.notes.push('the wait for labels after the change expired: trained on the examples there were');
      ranges = await pinRanges(this.client, this.topic, plan.replayFrom);
    }

    const window = await replayWindow(this.client, this.codecs, plan, ranges, {
      timeoutMs: this.config.replayTimeoutMs,
      onProgress: this.progressReporter(run, id),
    });
    this.logger.info(
      {
        requestId: run.requestId,
        modelId: run.modelId,
        examples: window.seen,
        history: window.history.length,
        holdout: window.holdout.length,
        sampled: window.sampled,
      },
      'training window read; training',
    );
    await this.ledger.publish(
      progressEvent(
        id,
        {
          phase: 'TRAINING',
          recordsRead: window.seen,
          recordsTotal: window.seen,
          examplesKept: window.history.length + window.holdout.length,
          etaMs: null,
        },
        Date.now(),
      ),
    );
    const championBytes = plan.parentArtifact ? await this.store.get(plan.parentArtifact) : null;
    const job: TrainingJob = { plan, window, champion: championBytes ? new Uint8Array(championBytes) : null };
    const trainStarted = Date.now();
    const result = this.config.trainInWorker ? await this.worker.run(job) : executeTrainingJob(job);
    this.logger.info(
      {
        requestId: run.requestId,
        modelId: run.modelId,
        trainMs: Date.now() - trainStarted,
        trained: result.window.count,
        metrics: result.metrics,
      },
      'candidate trained; registering',
    );
    const ref = await this.store.put(artifactKey(run.modelId, run.requestId), result.artifact, {
      contentType: 'application/vnd.continuum.model',
    });
    const registered = await this.registry.register(
      run.modelId,
      candidateVersion(plan, ranges, result, ref, this.config.codeVersion),
    );
    await this.ledger.publish(
      succeededEvent(
        id,
        {
          version: registered.version.version,
          artifactUri: ref.uri,
          metrics: result.metrics,
          ranges,
        },
        Date.now(),
      ),
    );
    this.logger.info(
      {
        requestId: run.requestId,
        modelId: run.modelId,
        version: registered.version.version,
        created: registered.created,
      },
      'candidate registered',
    );
  }

  /** Logs a progress line (read / total, ETA) and publishes a PROGRESS status every progressIntervalMs. */
  private progressReporter(run: RunRecord, id: RunIdentity): (p: ReplayProgress) => void {
    const started = Date.now();
    let last = started;
    let lastRead = 0;
    return (p) => {
      const now = Date.now();
      if (now - last < this.config.progressIntervalMs && p.read < p.total) return;
      this.metrics.examplesRead.inc({ model_id: run.modelId }, p.read - lastRead);
      this.metrics.runProgress.set(
        { model_id: run.modelId, request_id: run.requestId },
        p.total > 0 ? p.read / p.total : 1,
      );
      const rate = p.read / Math.max(1, now - started);
      const etaMs = rate > 0 ? Math.round((p.total - p.read) / rate) : null;
      this.logger.info(
        {
          requestId: run.requestId,
          modelId: run.modelId,
          read: p.read,
          total: p.total,
          kept: p.kept,
          etaMs,
          perSecond: Math.round(rate * 1000),
        },
        `replaying training window: ${p.read}/${p.total} records`,
      );
      last = now;
      lastRead = p.read;
      void this.ledger
        .publish(
          progressEvent(
            id,
            { phase: 'READING', recordsRead: p.read, recordsTotal: p.total, examplesKept: p.kept, etaMs },
            now,
          ),
        )
        .catch((error: unknown) => this.logger.warn({ err: error }, 'progress status not published'));
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // A run in progress is abandoned, not half-registered: it stays PENDING and a restart resumes it.
    this.stopping = true;
    this.shutdown.abort();
    this.queue.length = 0;
    await this.worker.stop();
  }
}
