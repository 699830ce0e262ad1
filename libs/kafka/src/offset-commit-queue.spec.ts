import { seededUniform } from '@continuum/stats';
import { type CommitRequest, OffsetCommitQueue } from './offset-commit-queue';

/** A group coordinator stand-in: applies the requests it accepts, refuses the ones `fails` picks. */
function coordinator(fails: (request: CommitRequest) => boolean) {
  const committed = new Map<string, bigint>();
  const sent: CommitRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let movedBack = false;
  let onCommit: () => void = () => undefined;
  const send = async (request: CommitRequest) => {
    sent.push(request);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    if (fails(request)) throw new Error('NOT_COORDINATOR');
    for (const { topic, partitions } of request.topics) {
      for (const { partition, offset } of partitions) {
        const key = `${topic}/${partition}`;
        if ((committed.get(key) ?? -1n) > BigInt(offset)) movedBack = true;
        committed.set(key, BigInt(offset));
      }
    }
    onCommit();
  };
  return {
    send,
    committed,
    sent,
    maxInFlight: () => maxInFlight,
    movedBack: () => movedBack,
    nextCommit: () => new Promise<void>((resolve) => (onCommit = resolve)),
  };
}

const noDelay = { onFailure: () => undefined, retryDelayMs: () => 0 };

describe('OffsetCommitQueue', () => {
  it('property: every queued offset ends up committed, one request at a time, never moving back (random failures)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededUniform(seed);
      let faulty = true;
      const broker = coordinator(() => faulty && random() < 0.5);
      const queue = new OffsetCommitQueue(broker.send, noDelay);
      const newest = new Map<string, bigint>();
      const next = new Map<number, number>();
      for (let step = 0; step < 30; step++) {
        const partition = Math.floor(random() * 4);
        const offset = (next.get(partition) ?? 0) + 1 + Math.floor(random() * 50);
        next.set(partition, offset);
        newest.set(`t/${partition}`, BigInt(offset));
        queue.commit('t', partition, String(offset)).catch(() => undefined);
        // Sometimes the next batch comes before the request is answered, sometimes after.
        if (random() < 0.5) await new Promise((resolve) => setImmediate(resolve));
      }
      faulty = false;
      // No later batch: the queue alone must bring the failed offsets home.
      while ([...newest].some(([key, offset]) => broker.committed.get(key) !== offset))
        await broker.nextCommit();
      expect(broker.maxInFlight()).toBe(1);
      expect(broker.movedBack()).toBe(false);
      expect(broker.sent.length).toBeGreaterThan(1);
    }
    // Seeds run one after the other on timers: generous for a loaded machine, and a queue that
    // lost an offset never finishes.
  }, 30_000);

  it('retries a failed commit with no later commit, after the backoff, until it succeeds', async () => {
    let failures = 2;
    const broker = coordinator(() => failures-- > 0);
    const delays: number[] = [];
    const reported: boolean[] = [];
    const queue = new OffsetCommitQueue(broker.send, {
      onFailure: (_error, _request, retried) => reported.push(retried),
      retryDelayMs: (n) => (delays.push(n), 1),
    });
    const committed = broker.nextCommit();
    await expect(queue.commit('t', 0, '42')).rejects.toThrow('NOT_COORDINATOR');
    await committed;
    expect(broker.committed.get('t/0')).toBe(42n);
    expect(delays).toEqual([1, 2]);
    expect(reported).toEqual([true, true]);
    expect(broker.sent).toHaveLength(3);
  });

  it('a failed offset does not replace a newer one queued meanwhile', async () => {
    let failures = 1;
    const broker = coordinator(() => failures-- > 0);
    const queue = new OffsetCommitQueue(broker.send, noDelay);
    const first = queue.commit('t', 0, '10');
    const second = queue.commit('t', 0, '20'); // coalesced with the first: one request of 20
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
    const third = queue.commit('t', 0, '30');
    await third;
    expect(broker.committed.get('t/0')).toBe(30n);
    expect(broker.sent.map((r) => r.topics[0].partitions[0].offset)).toEqual(['20', '30']);
  });

  it('drops the offsets of revoked partitions, also those whose request fails after the revocation', async () => {
    let failures = 1;
    const broker = coordinator(() => failures-- > 0);
    const queue = new OffsetCommitQueue(broker.send, noDelay);
    const inFlight = queue.commit('t', 0, '10');
    await new Promise((resolve) => setImmediate(resolve)); // the request is at the coordinator
    queue.retain({ t: [1] }); // partition 0 moved to another member while its commit was in flight
    await expect(inFlight).rejects.toThrow('NOT_COORDINATOR');
    await queue.commit('t', 1, '5');
    await queue.drain();
    expect(broker.committed.has('t/0')).toBe(false);
    expect(broker.sent.map((r) => r.topics[0].partitions.map((p) => p.partition))).toEqual([[0], [1]]);
  });

  it('a queued offset of a revoked partition is never sent; its waiter rejects', async () => {
    const broker = coordinator(() => false);
    const queue = new OffsetCommitQueue(broker.send, noDelay);
    const revoked = queue.commit('t', 3, '7');
    queue.retain({ t: [0, 1] });
    await expect(revoked).rejects.toThrow('revoked');
    await queue.drain();
    expect(broker.sent).toHaveLength(0);
  });

  it('drain sends a retry at once and does not retry after that: a stop cannot hang', async () => {
    const broker = coordinator(() => true);
    const reported: boolean[] = [];
    let failedOnce: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => (failedOnce = resolve));
    const queue = new OffsetCommitQueue(broker.send, {
      onFailure: (_error, _request, retried) => (reported.push(retried), failedOnce()),
      retryDelayMs: () => 60_000,
    });
    queue.commit('t', 0, '10').catch(() => undefined);
    await firstFailure; // now waiting a minute to retry
    await queue.drain();
    expect(reported).toEqual([true, false]);
    expect(broker.sent).toHaveLength(2);
    // A commit queued after the drain (the batch a stop lets finish) goes at once too.
    await expect(queue.commit('t', 0, '11')).rejects.toThrow();
    await queue.drain();
    expect(broker.sent).toHaveLength(3);
  });
});
