/**
 * Serialises work per key: batches of ct.predictions and ct.labels for the same partition share
 * that partition's state, so they must not interleave even when the runtime handles several
 * partitions concurrently.
 */
export class PartitionLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
