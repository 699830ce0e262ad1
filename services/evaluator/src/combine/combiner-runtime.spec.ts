import { type EvaluatorPartial, type PerformanceReport } from '@continuum/events';
import { type SourceRecord } from '../join/partition-progress';
import { MemoryStore, type WriteOp } from '../state/key-value-store';
import { H, T0, partial, progress, state } from './combiner-fixtures';
import { CombinerRuntime, type CombinerPorts } from './combiner-runtime';
import { PerformanceCombiner } from './performance-combiner';

type Step = { kind: 'publish'; windows: number[] } | { kind: 'write'; ops: number } | { kind: 'commit' };

/**
 * Records the runtime's I/O in order and applies the write to a real store; a step can be made to
 * fail. The write resolves a few ticks later, so a runtime that did not wait for it would resolve
 * (and be committed) first.
 */
class RecordingPorts implements CombinerPorts {
  readonly steps: Step[] = [];
  failOn?: 'publish' | 'write';

  constructor(readonly store: MemoryStore) {}

  async publish(reports: PerformanceReport[]): Promise<void> {
    if (this.failOn === 'publish') throw new Error('publish failed');
    this.steps.push({ kind: 'publish', windows: reports.map((r) => r.windowStart) });
    await Promise.resolve();
  }

  async write(ops: WriteOp[]): Promise<void> {
    if (this.failOn === 'write') throw new Error('write failed');
    for (let i = 0; i < 3; i++) await Promise.resolve();
    await this.store.write(ops);
    this.steps.push({ kind: 'write', ops: ops.length });
  }

  kinds(): string[] {
    return this.steps.map((s) => s.kind);
  }
}

const records = (from: number, ...values: EvaluatorPartial[]): Array<SourceRecord<EvaluatorPartial>> =>
  values.map((value, i) => ({ offset: String(from + i), value }));

/** Plays the batch transport: it commits the batch's offsets once the handler resolved. */
async function consume(
  runtime: CombinerRuntime,
  ports: RecordingPorts,
  batch: Array<SourceRecord<EvaluatorPartial>>,
): Promise<void> {
  await runtime.handleBatch(batch, 123);
  ports.steps.push({ kind: 'commit' });
}

const pairs = state(
  [
    [0.9, 1],
    [0.2, 0],
  ],
  2,
);
const completing = records(
  0,
  partial(0, T0, pairs),
  partial(1, T0, pairs),
  progress(0, T0 + H),
  progress(1, T0 + H),
);

describe('CombinerRuntime: the order of its I/O', () => {
  it('publishes the reports before the atomic write, and the batch is committed only after the write', async () => {
    const store = new MemoryStore();
    const ports = new RecordingPorts(store);
    await consume(new CombinerRuntime(new PerformanceCombiner(store), ports), ports, completing);
    expect(ports.kinds()).toEqual(['publish', 'write', 'commit']);
    expect(ports.steps[0]).toEqual({ kind: 'publish', windows: [T0] });
  });

  it('a batch that completes no window writes its progress and publishes nothing', async () => {
    const store = new MemoryStore();
    const ports = new RecordingPorts(store);
    await consume(
      new CombinerRuntime(new PerformanceCombiner(store), ports),
      ports,
      records(0, partial(0, T0, pairs), progress(0, T0 + H)),
    );
    expect(ports.kinds()).toEqual(['write', 'commit']);
  });

  it('a failed publish writes nothing: the retried batch publishes the same reports from the unchanged state', async () => {
    const store = new MemoryStore();
    const ports = new RecordingPorts(store);
    const runtime = new CombinerRuntime(new PerformanceCombiner(store), ports);
    ports.failOn = 'publish';
    await expect(consume(runtime, ports, completing)).rejects.toThrow('publish failed');
    expect(ports.kinds()).toEqual([]);
    ports.failOn = undefined;
    await consume(runtime, ports, completing);
    expect(ports.steps).toEqual([
      { kind: 'publish', windows: [T0] },
      { kind: 'write', ops: expect.any(Number) },
      { kind: 'commit' },
    ]);
  });

  it('a failed write is not committed, and the retry (cached progress forgotten) publishes the reports again', async () => {
    const store = new MemoryStore();
    const ports = new RecordingPorts(store);
    const runtime = new CombinerRuntime(new PerformanceCombiner(store), ports);
    ports.failOn = 'write';
    await expect(consume(runtime, ports, completing)).rejects.toThrow('write failed');
    expect(ports.kinds()).toEqual(['publish']);
    ports.failOn = undefined;
    await consume(runtime, ports, completing);
    expect(ports.kinds()).toEqual(['publish', 'publish', 'write', 'commit']);
  });
});
