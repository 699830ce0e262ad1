import { type Prediction } from '@continuum/events';
import { PredictionPublisher, PublishOverloadError } from './prediction-publisher';

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

/** A sink whose sends the test completes by hand. */
function manualSink() {
  const calls: Array<{ ids: string[]; done: () => void; fail: (e: Error) => void }> = [];
  const sink = (records: readonly Prediction[]) =>
    new Promise<void>((resolve, reject) =>
      calls.push({ ids: records.map((r) => r.eventId), done: resolve, fail: reject }),
    );
  return { calls, sink };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PredictionPublisher', () => {
  it('group-commits: requests arriving together or during a send share one produce call', async () => {
    const { calls, sink } = manualSink();
    const publisher = new PredictionPublisher(sink);
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
    calls[0].done();
    await Promise.all([p1, p2]);
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(settled).toEqual(['a', 'b,c']);
    calls[1].done();
    await Promise.all([p3, p4]);
    expect(settled).toEqual(['a', 'b,c', 'd', 'e']);
    expect(publisher.pending).toBe(0);
  });

  it('refuses beyond its capacity instead of queueing without limit, and fails the callers of a failed send', async () => {
    const { calls, sink } = manualSink();
    const publisher = new PredictionPublisher(sink, { capacity: 3, maxBatch: 2 });
    const first = publisher.publish([prediction('a'), prediction('b')]);
    await expect(publisher.publish([prediction('c'), prediction('d')])).rejects.toBeInstanceOf(
      PublishOverloadError,
    );
    const second = publisher.publish([prediction('c')]);
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([['a', 'b']]); // maxBatch 2: 'c' waits for the next call
    calls[0].fail(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await tick();
    calls[1].done();
    await expect(second).resolves.toBeUndefined();
    const drained = publisher.drain();
    await expect(drained).resolves.toBeUndefined();
    expect(publisher.pending).toBe(0);
  });
});
