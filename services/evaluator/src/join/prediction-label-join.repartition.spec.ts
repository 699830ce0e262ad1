import { type EvaluatorRepartitionedEvent, type Label, type Prediction } from '@continuum/events';
import {
  type BatchContext,
  type ConsumedRecord,
  type ConsumerAssignments,
  type EventProducer,
  keyPartition,
} from '@continuum/kafka';
import { KafkaBatchContext } from '@continuum/kafka/nest';
import { type Logger } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { type SourcePartitions } from '../kafka/source-partitions';
import { type EvaluatorMetrics } from '../observability/evaluator-metrics';
import { type RegisteredModels } from '../registry/registered-models';
import { MemoryStore, type WriteOp } from '../state/key-value-store';
import { type StateStore } from '../state/state-store';
import { PredictionLabelJoin } from './prediction-label-join';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const PARTITIONS = 6;
const REPARTITION = 'ct.evaluator-repartition';

/** A store, a producer and metrics that record what the join does; `failWrites` plays a crash before the state write. */
class World {
  readonly store = new MemoryStore();
  readonly sent: Array<{ topic: string; partition?: number; value: unknown }> = [];
  readonly counts = new Map<string, number>();
  failWrites = false;

  readonly join = new PredictionLabelJoin(
    {
      labelHorizonMs: 24 * H,
      windowMs: H,
      allowedLatenessMs: 0,
      detector: 'ADWIN',
      modelTasks: new Map(),
    } as unknown as EvaluatorConfig,
    Object.assign(this.store, {
      prepare: async () => undefined,
      write: async (ops: WriteOp[]) => {
        if (this.failWrites) throw new Error('killed before the state write');
        await MemoryStore.prototype.write.call(this.store, ops);
      },
    }) as unknown as StateStore,
    {
      send: async (topic: string, _c: unknown, events: Array<{ partition?: number; value: unknown }>) => {
        for (const e of events) this.sent.push({ topic, partition: e.partition, value: e.value });
        return [];
      },
    } as unknown as EventProducer,
    { get: async () => PARTITIONS } as unknown as SourcePartitions,
    {
      batch: (s: { joined: number; duplicateLabels: number }) => {
        this.bump('joined', s.joined);
        this.bump('duplicate_label', s.duplicateLabels);
      },
      partition: () => undefined,
      count: (event: string, n = 1) => this.bump(event, n),
      repartitionedEvents: (topic: string, n: number) => this.bump(`repartitioned ${topic}`, n),
    } as unknown as EvaluatorMetrics,
    { onChange: () => undefined } as unknown as ConsumerAssignments,
    { info: () => undefined, warn: () => undefined } as unknown as Logger,
    { view: { model: () => undefined } } as unknown as RegisteredModels,
  );

  private bump(key: string, n: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  examples(): string[] {
    return this.sent
      .filter((s) => s.topic.endsWith('examples'))
      .map((s) => (s.value as { eventId: string }).eventId)
      .sort();
  }

  rerouted(partition: number): EvaluatorRepartitionedEvent[] {
    return this.sent
      .filter((s) => s.topic === REPARTITION && s.partition === partition)
      .map((s) => s.value as EvaluatorRepartitionedEvent);
  }
}

function batch<T>(topic: string, partition: number, firstOffset: number, values: T[]) {
  const records: Array<ConsumedRecord<T>> = values.map((value, i) => ({
    value,
    key: null,
    topic,
    partition,
    offset: String(firstOffset + i),
    timestamp: 0,
    headers: {},
  }));
  const raw = {
    topic,
    partition,
    firstOffset: String(firstOffset),
    lastOffset: String(firstOffset + values.length - 1),
    highWatermark: String(firstOffset + values.length),
    reject: () => undefined,
    heartbeat: async () => undefined,
    deferCommit: () => undefined,
    commitOffsets: async () => undefined,
  } satisfies BatchContext;
  return { records, context: new KafkaBatchContext(raw) };
}

const prediction = (eventId: string, t: number): Prediction => ({
  eventId,
  modelId: 'm',
  modelVersion: '1',
  timestamp: t,
  entityId: null,
  numeric: {},
  categorical: {},
  segments: {},
  output: { score: 0.8, predictedClass: null, classProbabilities: {} },
});
const label = (eventId: string, t: number): Label => ({ eventId, modelId: 'm', timestamp: t, label: 1 });

// murmur2 over 6 partitions: e0, e1, e2 → 3; e3 → 0.
const AT_3 = ['e0', 'e1', 'e2'];

describe('PredictionLabelJoin: records on another partition than murmur2(eventId)', () => {
  it('fixture: the ids map where the test says', () => {
    expect(AT_3.map((id) => keyPartition(id, PARTITIONS))).toEqual([3, 3, 3]);
    expect(keyPartition('e3', PARTITIONS)).toBe(0);
  });

  it('re-routes them before the state write; a crash after the send re-sends them, and the second copy is a duplicate: each pair joined once', async () => {
    const world = new World();
    // Predictions where murmur2 puts them (partition 3).
    const p = batch(
      'ct.predictions',
      3,
      0,
      AT_3.map((id, i) => prediction(id, T0 + i)),
    );
    await world.join.predictions(p.records, p.context);

    // Labels from a CRC32 producer on partition 0, with one that belongs there (e3).
    const labels = [...AT_3, 'e3'].map((id, i) => label(id, T0 + 1000 + i));
    const l = batch('ct.labels', 0, 0, labels);
    world.failWrites = true;
    await expect(world.join.labels(l.records, l.context)).rejects.toThrow('killed');
    expect(world.rerouted(3)).toHaveLength(3); // sent before the write that failed
    // The batch is read again (its offsets were not committed) and goes through.
    world.failWrites = false;
    const again = batch('ct.labels', 0, 0, labels);
    await world.join.labels(again.records, again.context);
    const copies = world.rerouted(3);
    expect(copies.map((c) => c.sourceTopic)).toEqual(Array(6).fill('LABELS'));
    expect(world.counts.get('repartitioned ct.labels')).toBe(6);

    // Both copies reach partition 3 through ct.evaluator-repartition.
    const r = batch(REPARTITION, 3, 0, copies);
    await world.join.repartitioned(r.records, r.context);
    expect(world.examples()).toEqual(['e0', 'e1', 'e2']);
    expect(world.counts.get('joined')).toBe(3);
    expect(world.counts.get('duplicate_label')).toBe(3);
    expect(world.counts.get('state_gap') ?? 0).toBe(0);

    // Replaying the repartition batch (a crash before its commit) changes nothing.
    const replay = batch(REPARTITION, 3, 0, copies);
    await world.join.repartitioned(replay.records, replay.context);
    expect(world.examples()).toEqual(['e0', 'e1', 'e2']);
  });

  it("a batch whose records were all re-routed still moves the partition's next offset past them (no false state gap)", async () => {
    const world = new World();
    const first = batch('ct.labels', 0, 0, [label('e0', T0)]);
    await world.join.labels(first.records, first.context);
    const second = batch('ct.labels', 0, 1, [label('e3', T0 + 1)]);
    await world.join.labels(second.records, second.context);
    expect(world.rerouted(3)).toHaveLength(1);
    expect(world.counts.get('state_gap') ?? 0).toBe(0);
  });
});
