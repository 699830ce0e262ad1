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
  | { ok: true; result: TrainingResult }
  | { ok: false; failure: FailureKind | null; message: string; stack?: string };

/** The worker's entry file next to this one (.ts when run from source, .js when built). */
const WORKER_FILE = join(__dirname, `training-worker${extname(__filename)}`);

/**
 * Runs the job in a worker thread, so that the event loop (Kafka heartbeats, HTTP health) stays
 * responsive however long the fit takes. A TrainingFailure in the worker rejects with a
 * TrainingFailure of the same kind.
 */
export function executeInWorker(job: TrainingJob): Promise<TrainingResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: job });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else if (reply.failure) reject(new TrainingFailure(reply.failure, reply.message));
      else reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code} before answering`));
    });
  });
}

/** The worker side: runs the job from workerData and posts the result (artifact bytes transferred). */
export function workerMain(
  port: { postMessage(value: unknown, transfer?: ArrayBuffer[]): void },
  job: TrainingJob,
): void {
  let reply: WorkerReply;
  try {
    const result = executeTrainingJob(job);
    port.postMessage({ ok: true, result } satisfies WorkerReply, [result.artifact.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    reply =
      error instanceof TrainingFailure
        ? { ok: false, failure: error.kind, message: error.message }
        : { ok: false, failure: null, message: (error as Error).message, stack: (error as Error).stack };
  }
  port.postMessage(reply);
}
