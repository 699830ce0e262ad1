import { type MonitorPartial, type MonitorPartitionProgress } from '@continuum/events';
import { type OutgoingEvent } from '@continuum/kafka';
import { partialRecordKey } from './partial-keys';
import { type BatchRecord, PartitionRuntime, type PartitionPorts } from './partition-runtime';
import { PartitionWindows, type StageOneOutput } from './partition-windows';
import { catalog, events, options } from './windowing-fixtures';

/** What stage 2 would read from ct.monitor-partials, and the last checkpoint written. */
class Log implements PartitionPorts {
  readonly partials: Array<{ key: string; eventCount: number; droppedLateEvents: number }> = [];
  lastProgress?: MonitorPartitionProgress;
  checkpoint?: Buffer;

  async publish(records: Array<OutgoingEvent<MonitorPartial>>): Promise<void> {
    for (const r of records) {
      const { window, progress } = r.value ?? {};
      if (window) {
        this.partials.push({
          key: partialRecordKey(window),
          eventCount: window.eventCount,
          droppedLateEvents: window.droppedLateEvents,
        });
      }
      if (progress) this.lastProgress = progress;
    }
    await Promise.resolve();
  }

  async saveCheckpoint(_source: unknown, body: Buffer): Promise<void> {
    this.checkpoint = body;
    await Promise.resolve();
  }

  async commit(): Promise<void> {
    await Promise.resolve();
  }
}

const settings = { partialsPartitions: 3, checkpointIntervalMs: 20_000, idleTimeoutMs: 3_600_000 };
const input = events(4000, 23);
const BATCH = 100;

function runtimeOf(log: Log, state = new PartitionWindows(options, catalog())): PartitionRuntime {
  return new PartitionRuntime({ topic: options.topic, partition: 3 }, state, log, settings, 0);
}

/** Feeds [from, to) in batches, one second of processing time per batch; sums the late counts. */
async function feed(
  r: PartitionRuntime,
  from: number,
  to: number,
  counted: { late: number; dropped: number },
) {
  for (let at = from; at < to; at += BATCH) {
    const end = Math.min(to, at + BATCH);
    const batch: BatchRecord[] = input.slice(at, end).map((event, i) => ({ offset: at + i, event }));
    const out: StageOneOutput = await r.handleBatch(batch, end - 1, 1_000 + at * 10);
    counted.late += out.late;
    counted.dropped += out.dropped;
  }
}

/** A first life that dies 490 records after its checkpoint; the second life's state, told what the first announced. */
async function crashAndRestore(): Promise<{
  announced: MonitorPartitionProgress;
  restored: PartitionWindows;
}> {
  const log = new Log();
  await feed(runtimeOf(log), 0, 2_490, { late: 0, dropped: 0 });
  const announced = log.lastProgress as MonitorPartitionProgress;
  const restored = PartitionWindows.restore(options, catalog(), log.checkpoint as Buffer);
  restored.markAnnounced(announced);
  return { announced, restored };
}

describe('stage 1 replay after a crash (records between the checkpoint and the crash)', () => {
  it('publishes each closed window once and counts each late event once, as an uninterrupted run does', async () => {
    const reference = new Log();
    const referenceCounts = { late: 0, dropped: 0 };
    await feed(runtimeOf(reference), 0, input.length, referenceCounts);
    expect(referenceCounts.dropped).toBeGreaterThan(0);

    // The first life checkpoints (every 20 s of processing time, i.e. every 2,000 records) and dies
    // 490 records after a checkpoint, having published partials and progress past it.
    const log = new Log();
    const counts = { late: 0, dropped: 0 };
    await feed(runtimeOf(log), 0, 2_490, counts);
    const checkpoint = log.checkpoint as Buffer;
    const announced = log.lastProgress as MonitorPartitionProgress;
    const restored = PartitionWindows.restore(options, catalog(), checkpoint);
    expect(restored.nextOffset).toBeLessThan(announced.nextOffset);
    const publishedBeforeCrash = log.partials.length;

    // The second life: restored from the checkpoint, told what the first life announced last.
    restored.markAnnounced(announced);
    await feed(runtimeOf(log, restored), restored.nextOffset, input.length, counts);

    const keys = log.partials.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(log.partials.length).toBeGreaterThan(publishedBeforeCrash);
    expect(log.partials).toEqual(reference.partials);
    expect(counts).toEqual(referenceCounts);
  });

  it('never publishes a progress record behind the one the previous owner announced', async () => {
    const { announced, restored } = await crashAndRestore();
    const seen: number[] = [];
    const watching = new (class extends Log {
      override async publish(records: Array<OutgoingEvent<MonitorPartial>>): Promise<void> {
        for (const r of records) if (r.value?.progress) seen.push(r.value.progress.watermark);
        await super.publish(records);
      }
    })();
    await feed(runtimeOf(watching, restored), restored.nextOffset, input.length, { late: 0, dropped: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(announced.watermark);
  });

  it('keeps what was announced in its checkpoint, so a second crash during the replay does not count again', async () => {
    const { announced, restored } = await crashAndRestore();
    const again = PartitionWindows.restore(options, catalog(), restored.checkpoint());
    expect(again.announcedProgress).toEqual({
      watermark: announced.watermark,
      nextOffset: announced.nextOffset,
    });
  });
});
