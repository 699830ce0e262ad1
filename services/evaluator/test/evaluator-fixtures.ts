/**
 * Shared fixtures of the evaluator's integration tests: Avro producers for predictions and labels,
 * a collector that decodes an output topic continuously, and the per-partition "tick" events that
 * move every partition's watermark past the data so that all its windows close.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Consumer, type Kafka } from 'kafkajs';
import {
  type Contract,
  type Label,
  LabelContract,
  type Prediction,
  PredictionContract,
  Topics,
} from '@continuum/events';
import { FixturePublisher, createTopics, testCodecs, uniqueName } from '@continuum/testing';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export type TimedEvent =
  | { kind: 'prediction'; time: number; value: Prediction; partition?: number }
  | { kind: 'label'; time: number; value: Label; partition?: number };

export function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'evaluator-state-'));
}

export async function createEvaluatorTopics(
  kafka: Kafka,
  names: Record<keyof typeof Topics, string>,
): Promise<void> {
  await createTopics(
    kafka,
    (['predictions', 'labels', 'examples', 'performance', 'evaluatorPartials', 'deadLetter'] as const).map(
      (k) => ({
        topic: names[k],
        partitions: Topics[k].partitions,
      }),
    ),
  );
}

/**
 * A producer of events in the order given, with Avro encoders made once: a test that stops the
 * registry makes its sender before, as real producers keep their schema ids.
 */
export async function eventSender(
  kafka: Kafka,
  names: { predictions: string; labels: string },
): Promise<(events: TimedEvent[]) => Promise<void>> {
  const codecs = testCodecs();
  const pEnc = await codecs.encoderFor(names.predictions, PredictionContract);
  const lEnc = await codecs.encoderFor(names.labels, LabelContract);
  return async (events) => {
    const publisher = await FixturePublisher.connect(kafka);
    try {
      // Runs of the same topic keep the global order while batching sends.
      let i = 0;
      while (i < events.length) {
        const kind = events[i].kind;
        const run: TimedEvent[] = [];
        while (i < events.length && events[i].kind === kind && run.length < 500) run.push(events[i++]);
        await publisher.send(
          kind === 'prediction' ? names.predictions : names.labels,
          run.map((e) => ({
            key: e.value.eventId,
            partition: e.partition,
            value: e.kind === 'prediction' ? pEnc.encode(e.value) : lEnc.encode(e.value),
          })),
        );
      }
    } finally {
      await publisher.close();
    }
  };
}

/** Event-time order: by time, a prediction before a label at the same time. */
export function inTimeOrder(events: TimedEvent[]): TimedEvent[] {
  return [...events].sort(
    (a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'prediction' ? -1 : 1),
  );
}

/** Produces events in event-time order (each topic is then in event-time order, as in production). */
export async function produceInTimeOrder(
  kafka: Kafka,
  names: { predictions: string; labels: string },
  events: TimedEvent[],
): Promise<void> {
  await (
    await eventSender(kafka, names)
  )(inTimeOrder(events));
}

/** A binary classifier's prediction (version 1) at `time` with one numeric feature. */
export function scorePrediction(
  eventId: string,
  modelId: string,
  time: number,
  score: number,
  x = 0,
): Prediction {
  return {
    eventId,
    modelId,
    modelVersion: '1',
    timestamp: time,
    entityId: null,
    numeric: { x },
    categorical: {},
    segments: {},
    output: { score, predictedClass: null, classProbabilities: {} },
  };
}

/** A prediction and its label on each partition at `time`, for model `tick`: closes every window before it. */
export function ticks(time: number, partitions = Topics.predictions.partitions): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (let p = 0; p < partitions; p++) {
    const eventId = `tick-${time}-${p}`;
    out.push({
      kind: 'prediction',
      time,
      partition: p,
      value: {
        eventId,
        modelId: 'tick',
        modelVersion: '1',
        timestamp: time,
        entityId: null,
        numeric: {},
        categorical: {},
        segments: {},
        output: { score: 0.5, predictedClass: null, classProbabilities: {} },
      },
    });
    out.push({
      kind: 'label',
      time,
      partition: p,
      value: { eventId, modelId: 'tick', timestamp: time, label: 1 },
    });
  }
  return out;
}

/** Decodes every record of a topic from the beginning, continuously, into `values`. */
export class TopicCollector<T> {
  readonly values: Array<{ key: string | null; value: T }> = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly contract: Contract<T>,
  ) {}

  async start(): Promise<this> {
    const decoder = testCodecs().decoderFor(this.contract);
    this.consumer = this.kafka.consumer({ groupId: uniqueName('collector'), maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        await decoder.prepare(batch.messages.map((m) => m.value));
        for (const m of batch.messages)
          this.values.push({ key: m.key?.toString() ?? null, value: decoder.decode(m.value) });
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
