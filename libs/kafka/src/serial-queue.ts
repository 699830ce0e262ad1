const DEFAULT_KEY = '';

/**
 * Runs async jobs one at a time per key, in call order; jobs of different keys run concurrently.
 * A failed job rejects its own promise and does not stop the next. Used wherever batches, timer
 * ticks and API calls share state: one key per partition (a partition's state), or the single
 * default key (`run(job)`) for state shared by everything.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(job: () => Promise<T>): Promise<T>;
  run<T>(key: string, job: () => Promise<T>): Promise<T>;
  run<T>(keyOrJob: string | (() => Promise<T>), maybeJob?: () => Promise<T>): Promise<T> {
    const key = typeof keyOrJob === 'string' ? keyOrJob : DEFAULT_KEY;
    const job = (typeof keyOrJob === 'string' ? maybeJob : keyOrJob) as () => Promise<T>;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget an idle key so that the map holds only keys with queued work.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves when every job queued so far (on `key`, or on every key) has finished. */
  async drain(key?: string): Promise<void> {
    if (key !== undefined) {
      await this.tails.get(key);
      return;
    }
    await Promise.all([...this.tails.values()]);
  }
}
