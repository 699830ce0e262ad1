import { type Prediction } from '@continuum/events';
import { SeededRandom } from '@continuum/learning';
import { PredictionPublisher, type PredictionSink, PublishOverloadError } from './prediction-publisher';

function prediction(eventId: string): Prediction {
  return {
    eventId,
    modelId: 'm',
    modelVersion: '1',
    timestamp: 0,
    entityId: null,
    numeric: {},
    categorical: {},
    segments: {},
    output: { score: 0.5, predictedClass: '1', classProbabilities: {} },
  };
}

interface Call {
  readonly producer: number;
  readonly ids: string[];
  outcome?: 'acknowledged' | 'failed';
  readonly error: Error;
  settle(ok: boolean): void;
}

/**
 * A pool of `size` sinks whose produce calls the test completes by hand. Records every call, the
 * calls in flight, and a violation whenever a producer gets a second call while one is in flight.
 */
function manualPool(size: number) {
  const calls: Call[] = [];
  const inFlight = new Set<Call>();
  const violations: string[] = [];
  let maxInFlight = 0;
  const sinks: PredictionSink[] = Array.from(
    { length: size },
    (_, producer) => (records: readonly Prediction[]) =>
      new Promise<void>((resolve, reject) => {
        if ([...inFlight].some((c) => c.producer === producer))
          violations.push(`producer ${producer} got a second call while one was in flight`);
        const call: Call = {
          producer,
          ids: records.map((r) => r.eventId),
          error: new Error(`call ${calls.length} failed`),
          settle: (ok) => {
            call.outcome = ok ? 'acknowledged' : 'failed';
            inFlight.delete(call);
            if (ok) resolve();
            else reject(call.error);
          },
        };
        calls.push(call);
        inFlight.add(call);
        maxInFlight = Math.max(maxInFlight, inFlight.size);
      }),
  );
  const busy = (producer: number) => [...inFlight].some((c) => c.producer === producer);
  return { calls, inFlight, violations, sinks, busy, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PredictionPublisher with one producer', () => {
  it('group-commits: requests arriving together or during a send share one produce call', async () => {
    const { calls, sinks } = manualPool(1);
    const publisher = new PredictionPublisher(sinks);
    const settled: string[] = [];
    const p1 = publisher.publish([prediction('a')]).then(() => settled.push('a'));
    const p2 = publisher.publish([prediction('b'), prediction('c')]).then(() => settled.push('b,c'));
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([['a', 'b', 'c']]);
    const p3 = publisher.publish([prediction('d')]).then(() => settled.push('d'));
    const p4 = publisher.publish([prediction('e')]).then(() => settled.push('e'));
    await tick();
    expect(calls).toHaveLength(1); // one request in flight at a time
    expect(publisher.pending).toBe(5);
    calls[0].settle(true);
    await Promise.all([p1, p2]);
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(settled).toEqual(['a', 'b,c']);
    calls[1].settle(true);
    await Promise.all([p3, p4]);
    expect(settled).toEqual(['a', 'b,c', 'd', 'e']);
    expect(publisher.pending).toBe(0);
  });

  it('refuses beyond its capacity instead of queueing without limit, and fails the callers of a failed send', async () => {
    const { calls, sinks } = manualPool(1);
    const publisher = new PredictionPublisher(sinks, { capacity: 3, maxBatch: 2 });
    const first = publisher.publish([prediction('a'), prediction('b')]);
    await expect(publisher.publish([prediction('c'), prediction('d')])).rejects.toBeInstanceOf(
      PublishOverloadError,
    );
    const second = publisher.publish([prediction('c')]);
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([['a', 'b']]); // maxBatch 2: 'c' waits for the next call
    calls[0].settle(false);
    await expect(first).rejects.toThrow('call 0 failed');
    await tick();
    calls[1].settle(true);
    await expect(second).resolves.toBeUndefined();
    await expect(publisher.drain()).resolves.toBeUndefined();
    expect(publisher.pending).toBe(0);
  });
});

describe('PredictionPublisher with a pool of producers', () => {
  it('sends at once on an idle producer, lowest first, and group-commits only when all are busy', async () => {
    const { calls, sinks } = manualPool(2);
    const inFlightSeen: number[] = [];
    const publisher = new PredictionPublisher(sinks, {}, { callsInFlight: (n) => inFlightSeen.push(n) });
    const a = publisher.publish([prediction('a')]);
    await tick();
    const b = publisher.publish([prediction('b')]);
    await tick();
    // 'b' did not wait for 'a''s call: producer 1 was idle.
    expect(calls.map((c) => [c.producer, c.ids])).toEqual([
      [0, ['a']],
      [1, ['b']],
    ]);
    expect(publisher.callsInFlight).toBe(2);
    const c = publisher.publish([prediction('c')]);
    const d = publisher.publish([prediction('d')]);
    await tick();
    expect(calls).toHaveLength(2); // both busy: 'c' and 'd' wait together
    calls[1].settle(true);
    await b;
    await tick();
    // The first producer to finish carries the group commit.
    expect(calls.map((call) => [call.producer, call.ids])[2]).toEqual([1, ['c', 'd']]);
    calls[0].settle(true);
    calls[2].settle(true);
    await Promise.all([a, c, d]);
    await publisher.drain();
    expect(publisher.callsInFlight).toBe(0);
    expect(inFlightSeen).toEqual([1, 2, 1, 0]);
    // Idle again: the next prediction goes to producer 0.
    const e = publisher.publish([prediction('e')]);
    await tick();
    expect(calls[3]).toMatchObject({ producer: 0, ids: ['e'] });
    calls[3].settle(true);
    await e;
  });

  it('never lets shadow predictions take the last idle producer', async () => {
    const { calls, sinks } = manualPool(2);
    const publisher = new PredictionPublisher(sinks);
    const served = publisher.publish([prediction('a')]);
    await tick();
    const shadow = publisher.publish([prediction('s1')], { shadow: true });
    await tick();
    expect(calls).toHaveLength(1); // producer 1 stays free for a served prediction
    const next = publisher.publish([prediction('b')]);
    await tick();
    expect(calls.map((c) => [c.producer, c.ids])).toEqual([
      [0, ['a']],
      [1, ['s1', 'b']],
    ]);
    calls[0].settle(true);
    calls[1].settle(true);
    await Promise.all([served, shadow, next]);
    // With both idle, a shadow prediction goes at once (one is left for served ones).
    const alone = publisher.publish([prediction('s2')], { shadow: true });
    await tick();
    expect(calls[2]).toMatchObject({ producer: 0, ids: ['s2'] });
    calls[2].settle(true);
    await alone;
  });

  it('drain waits for the calls in flight on every producer', async () => {
    const { calls, sinks } = manualPool(3);
    const publisher = new PredictionPublisher(sinks);
    const published = [publisher.publish([prediction('a')])];
    await tick();
    published.push(publisher.publish([prediction('b')]));
    await tick();
    let drained = false;
    const drain = publisher.drain().then(() => (drained = true));
    calls[0].settle(true);
    await tick();
    expect(drained).toBe(false);
    calls[1].settle(true);
    await drain;
    await Promise.all(published);
    expect(publisher.pending).toBe(0);
  });

  /*
   * Random schedules of publishes (1-4 predictions, served or shadow), acknowledgements and failures in random order,
   * and event-loop turns, for pools of 1 to 4 producers. Properties checked on every step:
   *  - no prediction is acknowledged to its caller before the call that carried it was acknowledged;
   *  - a failed call fails exactly the callers whose predictions it carried (with its error), and
   *    every caller's predictions travel in one call;
   *  - each producer has at most one call in flight, so never more than k calls in all;
   *  - after an event-loop turn no served prediction waits while a producer is idle, and shadow
   *    predictions wait only while fewer than two producers (or none of one) are idle;
   *  - capacity: a publish beyond it is refused at once, and pending never exceeds it;
   *  - at the end every prediction was sent exactly once and every caller settled.
   */
  it.each([1, 2, 3, 4])('keeps its guarantees on random schedules with %i producer(s)', async (size) => {
    const exercised = { failedCallers: 0, refused: 0, maxInFlight: 0 };
    for (let seed = 1; seed <= 20; seed++) {
      const random = new SeededRandom(seed * 10 + size);
      const pool = manualPool(size);
      const capacity = 12;
      const publisher = new PredictionPublisher(pool.sinks, { capacity, maxBatch: 5 });
      const problems: string[] = [];
      const callOf = (id: string) => pool.calls.find((c) => c.ids.includes(id));
      const callers: Array<{
        ids: string[];
        shadow: boolean;
        refused?: boolean;
        settled?: 'resolved' | 'rejected';
      }> = [];
      let next = 0;
      let refused = 0;

      const publish = () => {
        const ids = Array.from({ length: 1 + random.int(4) }, () => `e${next++}`);
        const before = publisher.pending;
        const shadow = random.next() < 0.3;
        const caller: (typeof callers)[number] = { ids, shadow };
        /** The one call that carried all of `ids`, else a problem. */
        const carrier = () => {
          const carriers = new Set(ids.map(callOf));
          if (carriers.size !== 1) problems.push(`${ids} travelled in ${carriers.size} calls`);
          return [...carriers][0];
        };
        publisher.publish(ids.map(prediction), { shadow }).then(
          () => {
            caller.settled = 'resolved';
            if (carrier()?.outcome !== 'acknowledged')
              problems.push(`${ids} acknowledged before their call was`);
          },
          (error: unknown) => {
            if (error instanceof PublishOverloadError) {
              refused++;
              caller.refused = true;
              if (before + ids.length <= capacity) problems.push(`${ids} refused below capacity`);
              if (ids.some(callOf)) problems.push(`refused ${ids} were sent`);
              return;
            }
            caller.settled = 'rejected';
            const call = carrier();
            if (call?.outcome !== 'failed' || error !== call.error)
              problems.push(`${ids} failed without their call failing`);
          },
        );
        callers.push(caller);
      };

      for (let step = 0; step < 200; step++) {
        const r = random.next();
        if (r < 0.45) publish();
        else if (r < 0.8 && pool.inFlight.size > 0) {
          const calls = [...pool.inFlight];
          calls[random.int(calls.length)].settle(random.next() < 0.85);
        } else {
          await tick();
          const waiting = callers.filter((c) => !c.refused && !c.ids.some(callOf));
          const idle = Array.from({ length: size }, (_, p) => p).filter((p) => !pool.busy(p));
          if (waiting.some((c) => !c.shadow) && idle.length > 0)
            problems.push(`served predictions wait while producers ${idle} are idle`);
          if (waiting.length > 0 && idle.length >= Math.min(2, size))
            problems.push(`shadow predictions wait while producers ${idle} are idle`);
          if (publisher.callsInFlight !== pool.inFlight.size) problems.push('callsInFlight is wrong');
        }
        if (publisher.pending > capacity) problems.push(`pending ${publisher.pending} > ${capacity}`);
      }
      // Acknowledge everything still in flight or queued, then drain.
      let drained = false;
      const drain = publisher.drain().then(() => (drained = true));
      while (!drained) {
        for (const call of [...pool.inFlight]) call.settle(true);
        await tick();
      }
      await drain;

      const sentIds = pool.calls.flatMap((c) => c.ids);
      const accepted = callers.filter((c) => !c.ids.some((id) => !sentIds.includes(id)));
      expect(problems).toEqual([]);
      expect(pool.violations).toEqual([]);
      expect(pool.maxInFlight()).toBeLessThanOrEqual(size);
      expect(new Set(sentIds).size).toBe(sentIds.length); // each prediction sent once
      expect(accepted.every((c) => c.settled !== undefined)).toBe(true);
      expect(accepted.length + refused).toBe(callers.length);
      expect(publisher.pending).toBe(0);
      expect(publisher.callsInFlight).toBe(0);
      exercised.failedCallers += callers.filter((c) => c.settled === 'rejected').length;
      exercised.refused += refused;
      exercised.maxInFlight = Math.max(exercised.maxInFlight, pool.maxInFlight());
    }
    // The schedules did reach failures, the capacity and the whole pool.
    expect(exercised.failedCallers).toBeGreaterThan(0);
    expect(exercised.refused).toBeGreaterThan(0);
    expect(exercised.maxInFlight).toBe(size);
  });

  it('uses the whole pool under load', async () => {
    // Guards the properties above against a pool that never sends in parallel.
    const pool = manualPool(3);
    const publisher = new PredictionPublisher(pool.sinks);
    const published: Array<Promise<void>> = [];
    for (let i = 0; i < 3; i++) {
      published.push(publisher.publish([prediction(`e${i}`)]));
      await tick();
    }
    expect(pool.maxInFlight()).toBe(3);
    expect(pool.calls.map((c) => c.producer)).toEqual([0, 1, 2]);
    for (const call of pool.calls) call.settle(true);
    await Promise.all(published);
  });
});
