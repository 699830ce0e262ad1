import { type MonitorPartial, topicName } from '@continuum/events';
import { type KafkaClient, type OutgoingEvent } from '@continuum/kafka';
import { type HealthChecks, type Logger, type Metrics } from '@continuum/observability';
import { type MonitorConfig } from '../monitor.config';
import { type ReferenceCatalog } from '../references/reference-catalog';
import { type BatchRecord, PartitionRuntime, type PartitionPorts } from '../windowing/partition-runtime';
import { PartitionWindows } from '../windowing/partition-windows';
import { catalog, events, options } from '../windowing/windowing-fixtures';
import { type DriftMetrics } from './drift-metrics';
import { ModelCombiner } from './model-combiner';

/**
 * Stage 2's I/O order (ModelCombiner, the shell around CombinerState): a window's drift reports are
 * published before the closed mark that records them as reported and the tombstones of its
 * partials; a crash in between re-publishes the same reports (same reportIds), the other order
 * could lose them. Partials come from stage 1's own runtime on one source partition.
 */

type Step = 'report' | 'closed-mark' | 'tombstones';

const predictions = topicName('predictions');
const partialsTopic = topicName('monitorPartials');

/** Stage 1 on source partition 0 of ct.predictions: the partials records it publishes for these events. */
async function stageOnePartials(): Promise<Array<OutgoingEvent<MonitorPartial>>> {
  const published: Array<OutgoingEvent<MonitorPartial>> = [];
  const ports: PartitionPorts = {
    publish: async (records) => void published.push(...records),
    saveCheckpoint: async () => undefined,
    commit: async () => undefined,
  };
  const source = { topic: predictions, partition: 0 };
  const windows = new PartitionWindows({ ...options, ...source, segmentKeys: [] }, catalog());
  const runtime = new PartitionRuntime(
    source,
    windows,
    ports,
    { partialsPartitions: 1, checkpointIntervalMs: 5_000, idleTimeoutMs: 30_000 },
    0,
  );
  const input: BatchRecord[] = events(3000, 11)
    .filter((e) => e.modelId === 'a')
    .map((event, offset) => ({ offset, event }));
  await runtime.handleBatch(input, input.length - 1, 10_000);
  return published;
}

/** Records the combiner's sends by what they carry; the report send can be made to fail. */
class RecordingWriter {
  readonly steps: Step[] = [];
  failReports = false;

  async send(topic: string, _contract: unknown, records: Array<OutgoingEvent<unknown>>): Promise<unknown[]> {
    if (topic === topicName('driftReports')) {
      if (this.failReports) throw new Error('report send failed');
      if (records.length > 0) this.steps.push('report');
    } else if (topic === partialsTopic) {
      const values = records.map((r) => r.value as MonitorPartial | null);
      if (values.some((v) => v?.closed)) this.steps.push('closed-mark');
      if (values.some((v) => v === null)) this.steps.push('tombstones');
    }
    await Promise.resolve();
    return [];
  }
}

function combiner(): ModelCombiner {
  const ignore = () => undefined;
  const gauge = { set: ignore, reset: ignore };
  const index = catalog();
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0 }] })),
    }),
    // Nothing reached the broker after what stage 1 read: idle claims hold.
    fetchTopicOffsets: async () => [{ partition: 0, offset: '2000', high: '2000', low: '0' }],
  };
  return new ModelCombiner(
    {
      closedWindowsKept: 100,
      idleTimeoutMs: 30_000,
      correction: 'benjamini-hochberg',
      alpha: 0.05,
      combinerGroupId: 'combiner',
      sessionTimeoutMs: 30_000,
    } as unknown as MonitorConfig,
    { admin: () => admin } as unknown as KafkaClient,
    {} as never,
    { byReferenceId: (id: string) => index.byReferenceId(id) } as unknown as ReferenceCatalog,
    { reported: ignore, latePartials: ignore } as unknown as DriftMetrics,
    {} as unknown as HealthChecks,
    { info: ignore, warn: ignore, error: ignore } as unknown as Logger,
    { gauge: () => gauge } as unknown as Metrics,
  );
}

/** The parts of ModelCombiner a unit test drives: its state, its view's catch-up, one decision round. */
interface CombinerInternals {
  writer: RecordingWriter;
  view: { isCaughtUp(): boolean };
  state: { apply(partition: number, key: string, value: MonitorPartial | null): void };
  refreshPartitionCounts(): Promise<void>;
  decide(): Promise<boolean>;
}

async function fed(writer: RecordingWriter): Promise<CombinerInternals> {
  const c = combiner() as unknown as CombinerInternals;
  c.writer = writer;
  c.view = { isCaughtUp: () => true };
  await c.refreshPartitionCounts();
  for (const r of await stageOnePartials()) c.state.apply(r.partition ?? 0, String(r.key), r.value);
  return c;
}

describe('ModelCombiner: the order of its I/O', () => {
  it("publishes each window's reports before its closed mark and the tombstones of its partials", async () => {
    const writer = new RecordingWriter();
    await (await fed(writer)).decide();
    expect(writer.steps.filter((s) => s === 'report').length).toBeGreaterThan(0);
    // Per window: report, then one send carrying the closed mark and the tombstones.
    for (let i = 0; i < writer.steps.length; i += 3)
      expect(writer.steps.slice(i, i + 3)).toEqual(['report', 'closed-mark', 'tombstones']);
  });

  it('marks nothing closed and tombstones nothing when the report cannot be published; the next round reports it', async () => {
    const writer = new RecordingWriter();
    const c = await fed(writer);
    writer.failReports = true;
    await c.decide().catch(() => undefined);
    expect(writer.steps).toEqual([]);
    writer.failReports = false;
    await c.decide();
    expect(writer.steps.slice(0, 3)).toEqual(['report', 'closed-mark', 'tombstones']);
  });
});
