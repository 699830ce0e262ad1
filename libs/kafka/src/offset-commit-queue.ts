/** Offsets of one OffsetCommit request, as kafkajs takes them. */
export interface CommitRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

interface Queued {
  readonly topic: string;
  readonly partition: number;
  offset: string;
  readonly waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * Group offset commits off the batch path: a commit is queued and its caller goes on (the next
 * batch is decoded and handled while the request is in flight). One OffsetCommit request is in
 * flight at a time; the next carries the newest offset queued meanwhile for every partition, so
 * requests never overtake one another and a partition's committed offset never moves back
 * (except after a rebalance replayed it). Callers queue only offsets whose batches are done, so a
 * failed or lost commit means a replay, never a loss.
 */
export class OffsetCommitQueue {
  private queued = new Map<string, Queued>();
  private inFlight: Promise<void> | undefined;

  /**
   * `send` makes one request (kafkajs' commitOffsetsIfNecessary of the batch payload, which works
   * while the consumer is stopping); `onFailure` hears of every failed request.
   */
  constructor(
    private send: (request: CommitRequest) => Promise<void>,
    private readonly onFailure: (error: unknown, request: CommitRequest) => void,
  ) {}

  /**
   * Queues `nextOffset` (the next record to read) of a partition; resolves once a request
   * carrying it (or a later offset of that partition) succeeded, rejects if that request failed.
   * `send` replaces the sender for this and later requests.
   */
  commit(
    topic: string,
    partition: number,
    nextOffset: string,
    send?: (request: CommitRequest) => Promise<void>,
  ): Promise<void> {
    if (send) this.send = send;
    const key = `${topic}\u0000${partition}`;
    let entry = this.queued.get(key);
    if (entry) entry.offset = nextOffset;
    else this.queued.set(key, (entry = { topic, partition, offset: nextOffset, waiters: [] }));
    const waiters = entry.waiters;
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    this.inFlight ??= this.run();
    return done;
  }

  /** Resolves when every commit queued so far has been sent and answered (failures included). */
  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async run(): Promise<void> {
    // Let the caller's synchronous work (the next batch's hand-over) go first.
    await Promise.resolve();
    while (this.queued.size > 0) {
      const entries = [...this.queued.values()];
      this.queued = new Map();
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const e of entries) {
        let partitions = byTopic.get(e.topic);
        if (!partitions) byTopic.set(e.topic, (partitions = []));
        partitions.push({ partition: e.partition, offset: e.offset });
      }
      const request: CommitRequest = {
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      };
      try {
        await this.send(request);
        for (const e of entries) for (const w of e.waiters) w.resolve();
      } catch (error) {
        this.onFailure(error, request);
        for (const e of entries) for (const w of e.waiters) w.reject(error);
      }
    }
    this.inFlight = undefined;
  }
}
