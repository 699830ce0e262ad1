import { type MonitorPartial } from '@continuum/events';
import { type OutgoingEvent } from '@continuum/kafka';
import { type BatchRecord, PartitionRuntime, type PartitionPorts } from './partition-runtime';
import { PartitionWindows } from './partition-windows';
import { MINUTE, T0, catalog, events, options } from './windowing-fixtures';

type Step =
  | { kind: 'partials'; windowEnds: number[] }
  | { kind: 'progress'; watermark: number; idle: boolean; nextOffset: number }
  | { kind: 'checkpoint'; nextOffset: number }
  | { kind: 'commit'; nextOffset: number };

/** Records every call of the runtime's I/O, in order; a step can be made to fail. */
class RecordingPorts implements PartitionPorts {
  readonly steps: Step[] = [];
  failOn?: Step['kind'];

  private fail(kind: Step['kind']): void {
    if (this.failOn === kind) throw new Error(`${kind} failed`);
  }

  async publish(records: Array<OutgoingEvent<MonitorPartial>>): Promise<void> {
    const windows = records.filter((r) => r.value?.window);
    const progress = records.find((r) => r.value?.progress)?.value?.progress;
    if (windows.length > 0) {
      this.fail('partials');
      this.steps.push({ kind: 'partials', windowEnds: windows.map((r) => r.value!.window!.windowEnd) });
    }
    if (progress) {
      this.fail('progress');
      // One record per partials partition; all say the same.
      this.steps.push({
        kind: 'progress',
        watermark: progress.watermark,
        idle: progress.idle,
        nextOffset: progress.nextOffset,
      });
    }
    await Promise.resolve();
  }

  async saveCheckpoint(_source: unknown, _body: Buffer, nextOffset: number): Promise<void> {
    this.fail('checkpoint');
    this.steps.push({ kind: 'checkpoint', nextOffset });
    await Promise.resolve();
  }

  async commit(_source: unknown, nextOffset: number): Promise<void> {
    this.fail('commit');
    this.steps.push({ kind: 'commit', nextOffset });
    await Promise.resolve();
  }

  kinds(): string[] {
    return this.steps.map((s) => s.kind);
  }
}

const settings = { partialsPartitions: 3, checkpointIntervalMs: 5_000, idleTimeoutMs: 30_000 };
const input = events(3000, 11).filter((e) => e.modelId === 'a');
const records = (from: number, to: number): BatchRecord[] =>
  input.slice(from, to).map((event, i) => ({ offset: from + i, event }));

function runtime(ports: RecordingPorts, readyAt = 0): PartitionRuntime {
  return new PartitionRuntime(
    { topic: options.topic, partition: options.partition },
    new PartitionWindows({ ...options, segmentKeys: [] }, catalog()),
    ports,
    settings,
    readyAt,
  );
}

describe('PartitionRuntime: the order of its I/O', () => {
  it('partials before the progress announcing them, then the checkpoint, then the commit of the same offset', async () => {
    const ports = new RecordingPorts();
    const r = runtime(ports);
    await r.handleBatch(records(0, 1000), 999, 10_000);
    const kinds = ports.kinds();
    expect(kinds.indexOf('partials')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('partials')).toBeLessThan(kinds.indexOf('progress'));
    expect(kinds.lastIndexOf('progress')).toBeLessThan(kinds.indexOf('checkpoint'));
    expect(kinds.slice(-2)).toEqual(['checkpoint', 'commit']);
    expect(ports.steps.slice(-2)).toEqual([
      { kind: 'checkpoint', nextOffset: 1000 },
      { kind: 'commit', nextOffset: 1000 },
    ]);
  });

  it('commits nothing when the checkpoint write fails, and checkpoints nothing when publishing fails', async () => {
    const failedCheckpoint = new RecordingPorts();
    failedCheckpoint.failOn = 'checkpoint';
    await expect(runtime(failedCheckpoint).handleBatch(records(0, 1000), 999, 10_000)).rejects.toThrow(
      'checkpoint failed',
    );
    expect(failedCheckpoint.kinds()).not.toContain('commit');

    const failedPublish = new RecordingPorts();
    failedPublish.failOn = 'partials';
    await expect(runtime(failedPublish).handleBatch(records(0, 1000), 999, 10_000)).rejects.toThrow(
      'partials failed',
    );
    expect(failedPublish.kinds()).toEqual([]);
  });

  it('publishes what a failed publish left undelivered before any later progress, checkpoint or commit', async () => {
    const reference = new RecordingPorts();
    await runtime(reference).handleBatch(records(0, 1000), 999, 1_000);
    const closedByTheBatch = reference.steps.flatMap((s) => (s.kind === 'partials' ? s.windowEnds : []));
    expect(closedByTheBatch.length).toBeGreaterThan(0);

    // The broker goes away while the batch's partials are sent; the state has moved past them.
    const ports = new RecordingPorts();
    const r = runtime(ports);
    ports.failOn = 'partials';
    await expect(r.handleBatch(records(0, 1000), 999, 1_000)).rejects.toThrow('partials failed');
    // While it stays away, the periodic checkpoint writes nothing.
    await expect(r.checkpoint(10_000)).rejects.toThrow('partials failed');
    expect(ports.kinds()).toEqual([]);

    // Back: the windows the failed batch closed go out first, then the progress, the checkpoint and the commit.
    ports.failOn = undefined;
    await r.checkpoint(20_000);
    const kinds = ports.kinds();
    expect(kinds[0]).toBe('partials');
    expect(kinds.indexOf('progress')).toBeGreaterThan(0);
    expect(kinds.slice(-2)).toEqual(['checkpoint', 'commit']);
    const delivered = ports.steps.flatMap((s) => (s.kind === 'partials' ? s.windowEnds : []));
    expect(delivered).toEqual(closedByTheBatch);
    // Delivered once: the next batch does not send them again.
    const before = ports.steps.length;
    await r.handleBatch(records(1000, 1001), 1000, 21_000);
    const again = ports.steps.slice(before).flatMap((s) => (s.kind === 'partials' ? s.windowEnds : []));
    expect(again.filter((end) => closedByTheBatch.includes(end))).toEqual([]);
  });

  it('a retired runtime (a newer assignment restored the partition) neither checkpoints nor commits', async () => {
    const ports = new RecordingPorts();
    const r = runtime(ports);
    await r.handleBatch(records(0, 10), 9, 1_000);
    r.retire();
    await r.handleBatch(records(10, 1000), 999, 10_000);
    await r.checkpoint(20_000);
    expect(ports.kinds()).not.toContain('checkpoint');
    expect(ports.kinds()).not.toContain('commit');
  });

  it('checkpoints only when the interval has passed, and a checkpoint that covers nothing new commits nothing', async () => {
    const ports = new RecordingPorts();
    const r = runtime(ports, 0);
    await r.handleBatch(records(0, 10), 9, 1_000);
    expect(ports.kinds()).not.toContain('checkpoint');
    // The interval runs from the assignment (readyAt 0).
    expect(r.checkpointDue(4_999)).toBe(false);
    expect(r.checkpointDue(5_000)).toBe(true);
    await r.checkpoint(6_000);
    expect(ports.kinds().slice(-2)).toEqual(['checkpoint', 'commit']);
    const before = ports.steps.length;
    await r.checkpoint(20_000);
    expect(ports.kinds().slice(before)).not.toContain('commit');
  });

  it('goes idle only when the broker says it is caught up: open windows, then the idle progress with its offset', async () => {
    const ports = new RecordingPorts();
    const r = runtime(ports);
    await r.handleBatch(records(0, 500), 499, 1_000);
    expect(r.mayBeIdle(30_999)).toBe(false);
    expect(r.mayBeIdle(31_000)).toBe(true);
    const before = ports.steps.length;
    expect(await r.checkIdle(501, 40_000)).toEqual({ idle: false, reason: 'records-left-to-read' });
    expect(await r.checkIdle(undefined, 40_000)).toEqual({ idle: false, reason: 'log-end-unknown' });
    expect(ports.steps.length).toBe(before);
    expect(await r.checkIdle(500, 40_000)).toEqual({ idle: true });
    const idleSteps = ports.steps.slice(before);
    expect(idleSteps.map((s) => s.kind)).toEqual(['partials', 'progress']);
    expect(idleSteps[1]).toMatchObject({ idle: true, nextOffset: 500 });
    // What it published are the open windows: they end after the partition's watermark.
    const { windowEnds } = idleSteps[0] as { windowEnds: number[] };
    const { watermark } = idleSteps[1] as { watermark: number };
    expect(windowEnds.length).toBeGreaterThan(0);
    expect(windowEnds.every((end) => end > watermark)).toBe(true);
    // The next batch ends the idle period at once.
    await r.handleBatch(records(500, 501), 500, 41_000);
    expect(ports.steps.filter((s) => s.kind === 'progress').at(-1)).toMatchObject({
      idle: false,
      nextOffset: 501,
    });
    expect(r.isIdle).toBe(false);
  });

  it('an idle partition with no open window publishes only its progress', async () => {
    const ports = new RecordingPorts();
    const r = runtime(ports);
    // One event, then one an hour later: every window before the last is closed.
    await r.handleBatch([{ offset: 0, event: { ...input[0], timestamp: T0 } }], 0, 1_000);
    await r.handleBatch([{ offset: 1, event: { ...input[1], timestamp: T0 + 60 * MINUTE } }], 1, 2_000);
    const before = ports.steps.length;
    await r.checkIdle(2, 40_000);
    const idleSteps = ports.steps.slice(before).map((s) => s.kind);
    // The last event's window is still open: it is published provisionally, then the progress.
    expect(idleSteps).toEqual(['partials', 'progress']);
    const emptyPorts = new RecordingPorts();
    const empty = runtime(emptyPorts);
    expect(await empty.checkIdle(0, 40_000)).toEqual({ idle: true });
    expect(emptyPorts.steps).toEqual([{ kind: 'progress', watermark: -Infinity, idle: true, nextOffset: 0 }]);
  });
});
