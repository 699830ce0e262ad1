import { type EvaluatorPartial } from '@continuum/events';
import { type SourceRecord } from '../join/partition-evaluator';
import { MemoryStore } from '../state/key-value-store';
import { H, T0, partial, progress, state } from './combiner-fixtures';
import { PerformanceCombiner } from './performance-combiner';

class Log {
  private offset = 0;
  records(...values: EvaluatorPartial[]): Array<SourceRecord<EvaluatorPartial>> {
    return values.map((value) => ({ offset: String(this.offset++), value }));
  }
}

async function apply(
  c: PerformanceCombiner,
  store: MemoryStore,
  records: Array<SourceRecord<EvaluatorPartial>>,
) {
  const result = await c.process(records, 123);
  await store.write(result.ops);
  c.committed(result);
  return result;
}

describe('PerformanceCombiner', () => {
  const a = state(
    [
      [0.9, 1],
      [0.2, 0],
      [0.7, 0],
    ],
    5,
    1,
  );
  const b = state(
    [
      [0.6, 1],
      [0.1, 1],
    ],
    4,
  );

  it('publishes a window once every partition has passed it, merging the partitions exactly', async () => {
    const store = new MemoryStore();
    const c = new PerformanceCombiner(store);
    const log = new Log();
    const first = await apply(c, store, log.records(partial(0, T0, a), progress(0, T0 + H)));
    expect(first.reports).toHaveLength(0); // partition 1 has not passed the window yet
    const second = await apply(c, store, log.records(partial(1, T0, b), progress(1, T0 + 2 * H)));
    expect(second.reports).toHaveLength(1);
    const [report] = second.reports;
    const single = state(
      [
        [0.9, 1],
        [0.2, 0],
        [0.7, 0],
        [0.6, 1],
        [0.1, 1],
      ],
      9,
      1,
    ).toReport({
      modelId: 'm',
      modelVersion: '1',
      windowStart: T0,
      windowEnd: T0 + H,
      producedAt: 123,
    });
    expect(report).toEqual({ ...single, conceptDrift: [{ ...single.conceptDrift[0], observations: 5 }] });
    expect(report).toMatchObject({
      reportId: `m/1/${new Date(T0).toISOString()}/${new Date(T0 + H).toISOString()}`,
      predictionCount: 9,
      labelledCount: 5,
      labelCoverage: 5 / 9,
      conceptDrift: [{ detector: 'ADWIN', driftDetected: true, detections: 1, observations: 5 }],
    });
    expect([...store.entries.keys()].filter((k) => k.includes('part'))).toHaveLength(0);
  });

  it('ignores partials re-published after a crash for a window already reported, and replayed records', async () => {
    const store = new MemoryStore();
    const c = new PerformanceCombiner(store);
    const log = new Log();
    const records = log.records(
      partial(0, T0, a),
      progress(0, T0 + H),
      partial(1, T0, b),
      progress(1, T0 + H),
    );
    expect((await apply(c, store, records)).reports).toHaveLength(1);
    const replay = await apply(c, store, records);
    expect(replay.reports).toHaveLength(0);
    expect(replay.stats.replayed).toBe(4);
    const republished = await apply(c, store, log.records(partial(1, T0, b), progress(1, T0 + H)));
    expect(republished.reports).toHaveLength(0);
    expect(republished.stats.duplicatePartials).toBe(1);
  });

  it('survives a restart between partials: state and offset are in the store', async () => {
    const store = new MemoryStore();
    const log = new Log();
    await apply(new PerformanceCombiner(store), store, log.records(partial(0, T0, a), progress(0, T0 + H)));
    const restarted = new PerformanceCombiner(store);
    const result = await apply(restarted, store, log.records(partial(1, T0, b), progress(1, T0 + H)));
    expect(result.reports.map((r) => r.labelledCount)).toEqual([5]);
  });

  it('keeps windows of several versions apart and reports them in window order', async () => {
    const store = new MemoryStore();
    const c = new PerformanceCombiner(store);
    const log = new Log();
    const result = await apply(
      c,
      store,
      log.records(
        partial(0, T0 + H, a, '2'),
        partial(0, T0, a, '1'),
        progress(0, T0 + 2 * H),
        partial(1, T0, b, '2'),
        progress(1, T0 + 2 * H),
      ),
    );
    expect(result.reports.map((r) => [r.windowStart - T0, r.modelVersion, r.labelledCount])).toEqual([
      [0, '1', 3],
      [0, '2', 2],
      [H, '2', 3],
    ]);
  });
});
