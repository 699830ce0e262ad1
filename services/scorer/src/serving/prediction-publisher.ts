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
  /** Defers the first flush so that requests arriving together share one produce call. */
  readonly defer?: (fn: () => void) => void;
}

export interface PublisherListener {
  sent?(records: number, durationMs: number): void;
  failed?(records: number, error: unknown): void;
}

interface Entry {
  readonly records: readonly Prediction[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes predictions in group commits: while one produce call is in flight, every prediction
 * that arrives waits and goes out with the next call, so throughput follows the broker's round trip
 * instead of one call per request (the producer is idempotent with one request in flight). Each
 * caller's promise resolves when its own predictions are acknowledged. Bounded: beyond `capacity`
 * waiting predictions a publish is refused at once (PublishOverloadError), never queued without limit.
 */
export class PredictionPublisher {
  private queue: Entry[] = [];
  private waiting = 0;
  private flushing: Promise<void> | null = null;
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly defer: (fn: () => void) => void;

  constructor(
    private readonly sink: PredictionSink,
    options: PublisherOptions = {},
    private readonly listener: PublisherListener = {},
  ) {
    this.capacity = options.capacity ?? 50_000;
    this.maxBatch = options.maxBatch ?? 5_000;
    this.defer = options.defer ?? ((fn) => setImmediate(fn));
  }

  /** Predictions waiting for the broker (queued or in flight). */
  get pending(): number {
    return this.waiting;
  }

  publish(records: readonly Prediction[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.waiting + records.length > this.capacity)
      return Promise.reject(new PublishOverloadError(this.waiting, this.capacity));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.waiting += records.length;
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  /** Resolves once everything handed over so far has been acknowledged or has failed (shutdown). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    await new Promise<void>((resolve) => this.defer(resolve));
    while (this.queue.length > 0) {
      const batch: Entry[] = [];
      let count = 0;
      while (
        this.queue.length > 0 &&
        (count === 0 || count + this.queue[0].records.length <= this.maxBatch)
      ) {
        const entry = this.queue.shift() as Entry;
        batch.push(entry);
        count += entry.records.length;
      }
      const records = batch.length === 1 ? batch[0].records : batch.flatMap((e) => e.records);
      const started = performance.now();
      try {
        await this.sink(records);
        this.listener.sent?.(count, performance.now() - started);
        for (const e of batch) e.resolve();
      } catch (error) {
        this.listener.failed?.(count, error);
        for (const e of batch) e.reject(error);
      } finally {
        this.waiting -= count;
      }
    }
    this.flushing = null;
  }
}
