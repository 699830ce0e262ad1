/** Offsets of one OffsetCommit request, as kafkajs takes them. */
export interface CommitRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

export type CommitSender = (request: CommitRequest) => Promise<void>;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Queued {
  readonly topic: string;
  readonly partition: number;
  offset: string;
  waiters: Waiter[];
}

export interface OffsetCommitQueueOptions {
  /** Hears of every failed request and whether its offsets will be sent again. */
  onFailure: (error: unknown, request: CommitRequest, retried: boolean) => void;
  /** Delay before the request after the n-th failure in a row (n ≥ 1); 200 ms doubling to 5 s. */
  retryDelayMs?: (failures: number) => number;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/**
 * Group offset commits off the batch path: a commit is queued and its caller goes on (the next
 * batch is decoded and handled while the request is in flight). One OffsetCommit request is in
 * flight at a time; the next carries the newest offset queued meanwhile for every partition, so
 * requests never overtake one another and a queued offset never moves back.
 *
 * No handled offset stays uncommitted: a failed request's offsets go back into the queue (unless
 * a newer offset of the partition is queued) and are sent again after a backoff, until a request
 * carrying them succeeds, the partition is revoked (`retain`), or the queue drains for a stop
 * (then a failure is final: the batches are replayed after the restart). Callers queue only
 * offsets whose batches are done, so a lost commit means a replay, never a loss.
 */
export class OffsetCommitQueue {
  private queued = new Map<string, Queued>();
  private inFlight: Promise<void> | undefined;
  private draining = false;
  private failuresInARow = 0;
  private wake: (() => void) | undefined;
  /** The partitions this member owns, once a rebalance said so: a failed offset of another is dropped. */
  private assignment: Record<string, readonly number[]> | undefined;
  private readonly retryDelayMs: (failures: number) => number;

  /**
   * `send` makes one request (kafkajs' commitOffsetsIfNecessary of a batch payload, which works
   * while the consumer is stopping, with the group's current generation).
   */
  constructor(
    private send: CommitSender,
    private readonly options: OffsetCommitQueueOptions,
  ) {
    this.retryDelayMs = options.retryDelayMs ?? ((n) => Math.min(5_000, 200 * 2 ** (n - 1)));
  }

  /**
   * Queues `nextOffset` (the next record to read) of a partition; resolves once a request
   * carrying it (or a later offset of that partition) succeeded, rejects if the request carrying
   * it failed (the offset stays queued and is sent again). `send` replaces the sender for this and
   * later requests (the newest batch payload's, bound to the consumer's current group session).
   */
  commit(topic: string, partition: number, nextOffset: string, send?: CommitSender): Promise<void> {
    if (send) this.send = send;
    const done = new Promise<void>((resolve, reject) =>
      this.enqueue(topic, partition, nextOffset, [{ resolve, reject }]),
    );
    this.inFlight ??= this.run();
    return done;
  }

  /**
   * Drops the queued offsets of partitions not in `assignment` (after a rebalance they belong to
   * their new owner, which replays from the group's committed offset); their waiters reject.
   */
  retain(assignment: Record<string, readonly number[]>): void {
    this.assignment = assignment;
    for (const [key, entry] of this.queued) {
      if (this.owns(entry.topic, entry.partition)) continue;
      this.queued.delete(key);
      const revoked = new Error(`partition ${entry.topic}/${entry.partition} was revoked before its commit`);
      for (const w of entry.waiters) w.reject(revoked);
    }
  }

  /**
   * Sends what is queued now (a retry waiting for its backoff goes at once) and resolves when the
   * queue is empty; from here on a failed request is not retried (it is reported to onFailure and
   * its waiters), so a stop cannot hang on an unreachable coordinator.
   */
  async drain(): Promise<void> {
    this.draining = true;
    this.wake?.();
    while (this.inFlight) await this.inFlight;
  }

  private owns(topic: string, partition: number): boolean {
    return !this.assignment || this.assignment[topic]?.includes(partition) === true;
  }

  private enqueue(topic: string, partition: number, offset: string, waiters: Waiter[]): void {
    const key = partitionKey(topic, partition);
    const entry = this.queued.get(key);
    if (!entry) {
      this.queued.set(key, { topic, partition, offset, waiters });
      return;
    }
    if (newer(offset, entry.offset)) entry.offset = offset;
    entry.waiters.push(...waiters);
  }

  private async run(): Promise<void> {
    // Let the caller's synchronous work (the next batch's hand-over) go first.
    await Promise.resolve();
    while (this.queued.size > 0) {
      if (this.failuresInARow > 0 && !this.draining)
        await this.backoff(this.retryDelayMs(this.failuresInARow));
      const entries = [...this.queued.values()];
      this.queued = new Map();
      const request = requestOf(entries);
      try {
        await this.send(request);
        this.failuresInARow = 0;
        for (const e of entries) for (const w of e.waiters) w.resolve();
      } catch (error) {
        this.failuresInARow++;
        const retried = !this.draining;
        this.options.onFailure(error, request, retried);
        for (const e of entries) {
          for (const w of e.waiters) w.reject(error);
          if (retried && this.owns(e.topic, e.partition)) this.enqueue(e.topic, e.partition, e.offset, []);
        }
      }
    }
    this.inFlight = undefined;
  }

  private backoff(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function requestOf(entries: Queued[]): CommitRequest {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const e of entries) {
    let partitions = byTopic.get(e.topic);
    if (!partitions) byTopic.set(e.topic, (partitions = []));
    partitions.push({ partition: e.partition, offset: e.offset });
  }
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}
