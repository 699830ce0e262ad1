import { type Example } from '@continuum/learning';
import { type ServedVersion } from './served-version';

/** What the champion answered for, to be scored again by the shadows. */
export interface ShadowJob {
  readonly modelId: string;
  /** The shadows to run, acquired when the job was offered (released by the queue). */
  readonly versions: readonly ServedVersion[];
  readonly inputs: readonly Example[];
  readonly eventIds: readonly string[];
  readonly timestamps: readonly number[];
  readonly entityIds: ReadonlyArray<string | null>;
  readonly segments: ReadonlyArray<Record<string, string>>;
  /** Monotonic ms when the champion answered. */
  readonly enqueuedAt: number;
}

export interface ShadowQueueOptions {
  /** Jobs that may wait (default 10,000); beyond it a job is dropped and counted. */
  readonly capacity?: number;
  /**
   * Longest run of shadow work between two yields to the event loop, ms (default 1). A request
   * arriving meanwhile waits at most this long plus one job.
   */
  readonly sliceMs?: number;
  /**
   * Most events the shadows score in one call (default 256): consecutive jobs of the same model
   * and shadows are scored together, so a shadow's per-call cost (validation set-up, prediction,
   * one publish) is paid once per batch instead of once per request.
   */
  readonly maxBatchEvents?: number;
  readonly now?: () => number;
  readonly schedule?: (fn: () => void) => void;
}

export interface ShadowQueueListener {
  dropped?(job: ShadowJob): void;
}

/**
 * Shadow scoring off the request path: the champion's answer is returned first, the job waits
 * here, and the shadows score it in short slices between requests (setImmediate), so a shadow —
 * even a slow or failing one — delays a caller by at most one slice (plus one batch). The queue
 * is bounded: when shadows cannot keep up, jobs are dropped and counted, never allowed to grow
 * memory or block. Jobs waiting together are handed over as one batch (`maxBatchEvents`).
 */
export class ShadowQueue {
  private readonly jobs: ShadowJob[] = [];
  private head = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly capacity: number;
  private readonly sliceMs: number;
  private readonly maxBatchEvents: number;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void) => void;

  constructor(
    private readonly run: (jobs: readonly ShadowJob[]) => void,
    options: ShadowQueueOptions = {},
    private readonly listener: ShadowQueueListener = {},
  ) {
    this.capacity = options.capacity ?? 10_000;
    this.sliceMs = options.sliceMs ?? 1;
    this.maxBatchEvents = options.maxBatchEvents ?? 256;
    this.now = options.now ?? (() => performance.now());
    this.schedule = options.schedule ?? ((fn) => setImmediate(fn));
  }

  get size(): number {
    return this.jobs.length - this.head;
  }

  /** Queues a job; false (job dropped, its versions released) when the queue is full. */
  offer(job: ShadowJob): boolean {
    if (this.size >= this.capacity) {
      for (const v of job.versions) v.release();
      this.listener.dropped?.(job);
      return false;
    }
    this.jobs.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.slice());
    }
    return true;
  }

  /** Resolves when every queued job has run. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private slice(): void {
    const start = this.now();
    do {
      const batch = this.takeBatch();
      try {
        this.run(batch);
      } finally {
        for (const job of batch) for (const v of job.versions) v.release();
      }
    } while (this.size > 0 && this.now() - start < this.sliceMs);
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    if (this.size > 0) {
      this.schedule(() => this.slice());
      return;
    }
    this.scheduled = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** The next job and those after it of the same model and shadows, up to maxBatchEvents events. */
  private takeBatch(): ShadowJob[] {
    const first = this.shift();
    const batch = [first];
    let events = first.inputs.length;
    while (this.size > 0) {
      const next = this.jobs[this.head];
      if (!sameShadows(first, next) || events + next.inputs.length > this.maxBatchEvents) break;
      batch.push(this.shift());
      events += next.inputs.length;
    }
    return batch;
  }

  private shift(): ShadowJob {
    const job = this.jobs[this.head];
    this.jobs[this.head] = undefined as unknown as ShadowJob;
    this.head += 1;
    return job;
  }
}

function sameShadows(a: ShadowJob, b: ShadowJob): boolean {
  return (
    a.modelId === b.modelId &&
    a.versions.length === b.versions.length &&
    a.versions.every((v, i) => v === b.versions[i])
  );
}
