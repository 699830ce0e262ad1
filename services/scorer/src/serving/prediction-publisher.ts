import { type Prediction } from '@continuum/events';

/** Sends one batch of predictions; resolves when the broker acknowledged all of them. */
export type PredictionSink = (records: readonly Prediction[]) => Promise<void>;

/** More predictions are waiting for the broker than the publisher holds: the request is refused (503). */
export class PublishOverloadError extends Error {
  constructor(pending: number, capacity: number) {
    super(`${pending} predictions are waiting to be published (capacity ${capacity}); try again`);
    this.name = 'PublishOverloadError';
  }
}

export interface PublisherOptions {
  /** Predictions that may wait for the broker at once (default 50,000). */
  readonly capacity?: number;
  /** Predictions per produce call (default 5,000; the producer splits requests at ~4 MiB). */
  readonly maxBatch?: number;
  /** Defers the first send so that requests arriving together share one produce call. */
  readonly defer?: (fn: () => void) => void;
}

export interface PublisherListener {
  /** A produce call on producer `producer` (its index in the pool) was acknowledged. */
  sent?(records: number, durationMs: number, producer: number): void;
  failed?(records: number, error: unknown, producer: number): void;
  /** Produce calls in flight after a call started or ended (0 … the pool's size). */
  callsInFlight?(calls: number): void;
}

interface Entry {
  readonly records: readonly Prediction[];
  readonly shadow: boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes predictions through a pool of sinks, one per idempotent producer. An idempotent
 * producer allows one produce request in flight, so with one producer a prediction waits for the
 * call in flight and then for its own; with several, a prediction goes out at once on an idle
 * producer (the lowest-numbered one) and only when every producer is busy does it wait and join a
 * group commit: the predictions that arrived meanwhile go out together on the first producer to
 * finish. Each producer has at most one call in flight. Each caller's promise resolves when the call
 * that carried its predictions was acknowledged, and a failed call fails exactly its callers.
 * Bounded: beyond `capacity` waiting predictions (queued or in flight) a publish is refused at once
 * (PublishOverloadError), never queued without limit. Shadow predictions (no caller waits for them)
 * never take the last idle producer of a pool: they wait for a call to finish, or for two idle
 * producers, so that a served prediction arriving next still finds one idle.
 *
 * Calls on different producers may reach a partition in either order; the consumers of
 * ct.predictions key their state by eventId, model and version (see the scorer's README).
 */
export class PredictionPublisher {
  private queue: Entry[] = [];
  private waiting = 0;
  /** Queued entries of served predictions (a caller waits for each). */
  private servedQueued = 0;
  private readonly sinks: readonly PredictionSink[];
  private readonly busy: boolean[];
  private inFlight = 0;
  private dispatchScheduled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly defer: (fn: () => void) => void;

  constructor(
    sinks: PredictionSink | readonly PredictionSink[],
    options: PublisherOptions = {},
    private readonly listener: PublisherListener = {},
  ) {
    this.sinks = typeof sinks === 'function' ? [sinks] : [...sinks];
    if (this.sinks.length === 0) throw new Error('PredictionPublisher needs at least one sink');
    this.busy = this.sinks.map(() => false);
    this.capacity = options.capacity ?? 50_000;
    this.maxBatch = options.maxBatch ?? 5_000;
    this.defer = options.defer ?? ((fn) => setImmediate(fn));
  }

  /** Predictions waiting for the broker (queued or in flight). */
  get pending(): number {
    return this.waiting;
  }

  /** Produce calls in flight (at most one per producer). */
  get callsInFlight(): number {
    return this.inFlight;
  }

  /** Resolves when the call that carried `records` was acknowledged; `shadow`: no caller waits for them. */
  publish(records: readonly Prediction[], { shadow = false }: { shadow?: boolean } = {}): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.waiting + records.length > this.capacity)
      return Promise.reject(new PublishOverloadError(this.waiting, this.capacity));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, shadow, resolve, reject });
      this.waiting += records.length;
      if (!shadow) this.servedQueued += 1;
      if (this.mayDispatch()) this.scheduleDispatch();
    });
  }

  /** Resolves once everything handed over so far has been acknowledged or has failed (shutdown). */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  /**
   * Whether the queue may start a call on an idle producer: served predictions take any idle one,
   * shadow predictions alone only when that leaves another idle (or the pool is one producer).
   */
  private mayDispatch(): boolean {
    const idle = this.sinks.length - this.inFlight;
    if (this.queue.length === 0 || idle === 0) return false;
    return this.servedQueued > 0 || idle >= Math.min(2, this.sinks.length);
  }

  /**
   * Sends after `defer` (requests arriving in the same turn share the call), on the idle producers
   * in order; what is left waits for the first producer to finish.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    this.defer(() => {
      this.dispatchScheduled = false;
      for (let producer = 0; producer < this.sinks.length && this.mayDispatch(); producer++)
        if (!this.busy[producer]) void this.send(producer);
    });
  }

  /** One group commit on `producer`, then the next one there while predictions are waiting. */
  private async send(producer: number): Promise<void> {
    this.busy[producer] = true;
    this.inFlight += 1;
    this.listener.callsInFlight?.(this.inFlight);
    while (this.queue.length > 0) {
      const { batch, count } = this.takeBatch();
      const records = batch.length === 1 ? batch[0].records : batch.flatMap((e) => e.records);
      const started = performance.now();
      try {
        await this.sinks[producer](records);
        this.listener.sent?.(count, performance.now() - started, producer);
        for (const e of batch) e.resolve();
      } catch (error) {
        this.listener.failed?.(count, error, producer);
        for (const e of batch) e.reject(error);
      } finally {
        this.waiting -= count;
      }
    }
    this.busy[producer] = false;
    this.inFlight -= 1;
    this.listener.callsInFlight?.(this.inFlight);
    if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** The oldest waiting predictions, up to maxBatch (a larger single publish goes alone), and their count. */
  private takeBatch(): { batch: Entry[]; count: number } {
    const batch: Entry[] = [];
    let count = 0;
    while (this.queue.length > 0 && (count === 0 || count + this.queue[0].records.length <= this.maxBatch)) {
      const entry = this.queue.shift() as Entry;
      if (!entry.shadow) this.servedQueued -= 1;
      batch.push(entry);
      count += entry.records.length;
    }
    return { batch, count };
  }
}
