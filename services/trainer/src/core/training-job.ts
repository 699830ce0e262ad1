import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ReferenceProfileJSON } from '@continuum/drift';
import { type MetricsResult, decodeModelArtifact, encodeModelArtifact } from '@continuum/learning';
import { TrainingFailure, type FailureKind, type TrainingPlan } from './plan';
import { trainCandidate, type CandidateOutcome } from './train-candidate';
import { type CollectedWindow } from './window-collector';

/** Everything a training needs, as plain data (it crosses into a worker thread). */
export interface TrainingJob {
  plan: TrainingPlan;
  window: CollectedWindow;
  /** The champion's artifact bytes (WARM_START parent and comparison), or null. */
  champion: Uint8Array | null;
}

export interface TrainingResult {
  /** libs/learning's single-file artifact; deterministic for a given job. */
  artifact: Uint8Array;
  window: CandidateOutcome['window'];
  evaluation: {
    candidate: MetricsResult;
    champion: MetricsResult | null;
    persistence: MetricsResult;
    holdout: number;
  };
  metrics: Record<string, number>;
  profile: ReferenceProfileJSON;
}

/**
 * Trains, evaluates and serialises a candidate (pure and deterministic: the artifact's bytes
 * depend only on the job, its createdAt being the acceptance time).
 */
export function executeTrainingJob(job: TrainingJob): TrainingResult {
  const { plan } = job;
  const champion = job.champion ? decodeModelArtifact(job.champion).model : null;
  const outcome = trainCandidate(plan, job.window, champion);
  try {
    const artifact = encodeModelArtifact(outcome.model, {
      modelId: plan.modelId,
      parentVersion: plan.parentVersion,
      strategy: plan.strategy,
      window: {
        strategy: outcome.window.strategy,
        count: outcome.window.count,
        start: outcome.window.start,
        end: outcome.window.end,
      },
      metrics: outcome.metrics,
      createdAt: new Date(plan.acceptedAt).toISOString(),
      requestId: plan.requestId,
      seed: plan.seed,
    });
    return {
      artifact,
      window: outcome.window,
      evaluation: outcome.evaluation,
      metrics: outcome.metrics,
      profile: outcome.profile,
    };
  } finally {
    outcome.model.dispose();
    champion?.dispose();
  }
}

type WorkerReply =
  | { id: number; ok: true; result: TrainingResult }
  | { id: number; ok: false; failure: FailureKind | null; message: string; stack?: string };

/** The worker's entry file next to this one (.ts when run from source, .js when built). */
const WORKER_FILE = join(__dirname, `training-worker${extname(__filename)}`);

/**
 * A long-lived worker thread that runs training jobs one at a time, so that the event loop (Kafka
 * heartbeats, HTTP health) stays responsive however long a fit takes, and the learning code is
 * loaded once, at start-up, not per run. A TrainingFailure in the worker rejects with a
 * TrainingFailure of the same kind; a crashed worker fails its job and is replaced at the next one.
 */
export class TrainingWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: TrainingResult) => void; reject: (e: unknown) => void }
  >();

  /** Starts the thread (and loads the learning code in it) ahead of the first job. */
  start(): void {
    if (this.worker) return;
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else if (reply.failure) waiting.reject(new TrainingFailure(reply.failure, reply.message));
      else waiting.reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    const fail = (error: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [, waiting] of this.pending) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`training worker exited with code ${code}`)));
    this.worker = worker;
  }

  run(job: TrainingJob): Promise<TrainingResult> {
    this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, job });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** The worker side: answers each `{ id, job }` message with the job's result (artifact bytes transferred). */
export function workerMain(port: {
  on(event: 'message', listener: (message: { id: number; job: TrainingJob }) => void): void;
  postMessage(value: unknown, transfer?: ArrayBuffer[]): void;
}): void {
  port.on('message', ({ id, job }) => {
    let reply: WorkerReply;
    try {
      const result = executeTrainingJob(job);
      port.postMessage({ id, ok: true, result } satisfies WorkerReply, [
        result.artifact.buffer as ArrayBuffer,
      ]);
      return;
    } catch (error) {
      reply =
        error instanceof TrainingFailure
          ? { id, ok: false, failure: error.kind, message: error.message }
          : {
              id,
              ok: false,
              failure: null,
              message: (error as Error).message,
              stack: (error as Error).stack,
            };
    }
    port.postMessage(reply);
  });
}
