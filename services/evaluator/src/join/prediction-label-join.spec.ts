import { type Label, type Prediction } from '@continuum/events';
import {
  type BatchContext,
  type ConsumedRecord,
  type ConsumerAssignments,
  type EventProducer,
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

type Kind = 'examples' | 'partials' | 'progress' | 'write' | 'clear' | 'commit';

/**
 * The first stage's I/O recorded in order: the producer's sends by what they carry (examples,
 * window partials, the progress marker), the store's atomic write and garbage clearing, and the
 * transport's commit once the handler resolved. The write resolves a few ticks later, so a
 * handler that did not wait for it would be committed first.
 */
class Recorder {
  readonly steps: Kind[] = [];
  failOn?: Kind;

  private record(kind: Kind): void {
    if (this.failOn === kind) throw new Error(`${kind} failed`);
    this.steps.push(kind);
  }

  readonly store = Object.assign(new MemoryStore(), {
    prepare: async () => undefined,
    write: async (ops: WriteOp[]) => {
      for (let i = 0; i < 3; i++) await Promise.resolve();
      this.record('write');
      await MemoryStore.prototype.write.call(this.store, ops);
    },
    clearRange: async (gte: string, lt: string) => {
      this.record('clear');
      await MemoryStore.prototype.clearRange.call(this.store, gte, lt);
    },
  });

  readonly producer = {
    send: async (topic: string, _contract: unknown, events: Array<{ value: { partial?: unknown } }>) => {
      if (topic.endsWith('examples')) this.record('examples');
      else if (events.some((e) => e.value.partial === null)) this.record('progress');
      else this.record('partials');
      await Promise.resolve();
      return [];
    },
  };
}

const config = {
  labelHorizonMs: 24 * H,
  windowMs: H,
  allowedLatenessMs: 0,
  detector: 'ADWIN',
  modelTasks: new Map(),
} as unknown as EvaluatorConfig;

function join(recorder: Recorder): PredictionLabelJoin {
  const ignore = () => undefined;
  return new PredictionLabelJoin(
    config,
    recorder.store as unknown as StateStore,
    recorder.producer as unknown as EventProducer,
    { get: async () => 1 } as unknown as SourcePartitions,
    { batch: ignore, partition: ignore, count: ignore } as unknown as EvaluatorMetrics,
    { onChange: ignore } as unknown as ConsumerAssignments,
    { info: ignore, warn: ignore } as unknown as Logger,
    { view: { model: () => undefined } } as unknown as RegisteredModels,
  );
}

let offsets = { predictions: 0, labels: 0 };

function consumed<T>(topic: 'predictions' | 'labels', values: T[]): Array<ConsumedRecord<T>> {
  return values.map((value) => ({
    value,
    key: null,
    topic: `ct.${topic}`,
    partition: 0,
    offset: String(offsets[topic]++),
    timestamp: 0,
    headers: {},
  }));
}

function context(topic: string): KafkaBatchContext {
  const raw = {
    topic,
    partition: 0,
    firstOffset: '0',
    lastOffset: '0',
    highWatermark: '0',
    reject: () => undefined,
    heartbeat: async () => undefined,
    deferCommit: () => undefined,
    commitOffsets: async () => undefined,
  } satisfies BatchContext;
  return new KafkaBatchContext(raw);
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

/** Plays the batch transport: the batch's offsets are committed once the handler resolved. */
async function consume(
  recorder: Recorder,
  j: PredictionLabelJoin,
  topic: 'predictions' | 'labels',
  values: Array<Prediction | Label>,
): Promise<void> {
  const records = consumed(topic, values);
  if (topic === 'predictions')
    await j.predictions(records as Array<ConsumedRecord<Prediction>>, context(topic));
  else await j.labels(records as Array<ConsumedRecord<Label>>, context(topic));
  recorder.steps.push('commit');
}

/** Two batches: a prediction in the first window, then labels whose watermark closes that window. */
async function closeAWindow(recorder: Recorder, j: PredictionLabelJoin): Promise<void> {
  await consume(recorder, j, 'predictions', [prediction('a', T0 + 1000), prediction('b', T0 + 2 * H)]);
  await consume(recorder, j, 'labels', [label('a', T0 + 2000), label('b', T0 + 2 * H + 1)]);
}

beforeEach(() => {
  offsets = { predictions: 0, labels: 0 };
});

describe('PredictionLabelJoin: the order of its I/O', () => {
  it('examples and partials before the progress marker, then the atomic write, then garbage and commit', async () => {
    const recorder = new Recorder();
    await closeAWindow(recorder, join(recorder));
    expect(recorder.steps).toEqual([
      // Predictions only: nothing joined, no window closed — the write, then the commit.
      'write',
      'commit',
      // Labels: joined examples, the closed window's partials, the marker announcing them,
      // the write that records them as published, the closed window's garbage, the commit.
      'examples',
      'partials',
      'progress',
      'write',
      'clear',
      'clear',
      'commit',
    ]);
  });

  it('a failed publish writes nothing; the retried batch publishes and writes as if it were the first', async () => {
    const recorder = new Recorder();
    const j = join(recorder);
    await consume(recorder, j, 'predictions', [prediction('a', T0 + 1000), prediction('b', T0 + 2 * H)]);
    recorder.steps.length = 0;
    recorder.failOn = 'progress';
    const labels = [label('a', T0 + 2000), label('b', T0 + 2 * H + 1)];
    await expect(consume(recorder, j, 'labels', labels)).rejects.toThrow('progress failed');
    expect(recorder.steps).toEqual(['examples', 'partials']);
    recorder.failOn = undefined;
    recorder.steps.length = 0;
    offsets.labels = 0;
    await consume(recorder, j, 'labels', labels);
    expect(recorder.steps).toEqual(['examples', 'partials', 'progress', 'write', 'clear', 'clear', 'commit']);
  });

  it('a failed write is not committed and clears no garbage', async () => {
    const recorder = new Recorder();
    const j = join(recorder);
    await consume(recorder, j, 'predictions', [prediction('a', T0 + 1000), prediction('b', T0 + 2 * H)]);
    recorder.steps.length = 0;
    recorder.failOn = 'write';
    await expect(
      consume(recorder, j, 'labels', [label('a', T0 + 2000), label('b', T0 + 2 * H + 1)]),
    ).rejects.toThrow('write failed');
    expect(recorder.steps).toEqual(['examples', 'partials', 'progress']);
  });
});
