import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import { type ArtifactRef, artifactStoreFromEnv } from '@continuum/artifact-store';
import {
  type LabelledExample,
  LabelledExampleContract,
  type PromotionDecision,
  PromotionDecisionContract,
} from '@continuum/events';
import { EventProducer, type KafkaClient, TopicView } from '@continuum/kafka';
import {
  encodeModelArtifact,
  loadServingModel,
  LogisticRegression,
  type ServingModel,
} from '@continuum/learning';
import { type RegistryClient } from '@continuum/registry';
import { seededUniform } from '@continuum/stats';
import { testCodecs } from '@continuum/testing';

export const FEATURES = ['x1', 'x2'];

/** A logistic model sigmoid(w1·x1 + w2·x2) as artifact bytes and as a serving model. */
export function logisticModel(
  w1: number,
  w2: number,
  modelId: string,
): { bytes: Uint8Array; model: ServingModel } {
  const model = new LogisticRegression({
    features: { features: FEATURES.map((name) => ({ name, type: 'numeric' as const, standardize: false })) },
    classes: [0, 1],
    seed: 1,
  });
  model.setState({ ...model.getState(), parameters: [Float32Array.from([w1, w2]), Float32Array.from([0])] });
  const bytes = encodeModelArtifact(model, { modelId });
  return { bytes, model: loadServingModel(bytes) };
}

/** Registers a binary model with the numeric features x1 and x2. */
export async function createTwoFeatureModel(
  client: RegistryClient,
  modelId: string,
  owner: string,
): Promise<void> {
  await client.createModel({
    modelId,
    task: 'BINARY_CLASSIFICATION',
    contract: { features: FEATURES.map((name) => ({ name, type: 'NUMERIC' as const })) },
    owner,
  });
}

export function artifactStoreUrl(): string {
  return `file://${mkdtempSync(join(tmpdir(), 'continuum-promoter-it-'))}`;
}

export async function storeArtifact(url: string, key: string, bytes: Uint8Array): Promise<ArtifactRef> {
  return artifactStoreFromEnv({ ARTIFACT_STORE_URL: url }).put(key, bytes);
}

/** Deterministic pseudo-random features, uniform in [-1, 1), for event `i`. */
export function features(i: number, seed: number): { x1: number; x2: number } {
  const u = seededUniform(seed * 1_000_003 + i);
  return { x1: 2 * u() - 1, x2: 2 * u() - 1 };
}

/** A ct.examples record of `version` for event `eventId`: the model's own prediction joined with `label`. */
export function labelled(
  modelId: string,
  version: string,
  model: ServingModel,
  eventId: string,
  x: { x1: number; x2: number },
  label: number,
  time: number,
  override?: number,
): LabelledExample {
  const [out] = model.predict([{ numeric: x }]);
  const score = override ?? (out.score as number);
  return {
    eventId,
    modelId,
    modelVersion: version,
    predictionTimestamp: time,
    labelTimestamp: time + 1000,
    entityId: null,
    numeric: x,
    categorical: {},
    segments: {},
    output: {
      score,
      predictedClass: score > 0.5 ? '1' : '0',
      classProbabilities: { '0': 1 - score, '1': score },
    },
    label,
  };
}

/** Publishes examples as the evaluator does (key eventId). */
export class ExamplePublisher {
  private readonly producer: EventProducer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = new EventProducer(kafka as unknown as KafkaClient, testCodecs());
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(examples: LabelledExample[]): Promise<void> {
    await this.producer.send(
      this.topic,
      LabelledExampleContract,
      examples.map((value) => ({ key: value.eventId, value })),
    );
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** Follows ct.promotions from the beginning. */
export class PromotionsReader {
  readonly decisions: PromotionDecision[] = [];
  private view?: TopicView<PromotionDecision>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async start(): Promise<void> {
    this.view = new TopicView(this.kafka as unknown as KafkaClient, testCodecs(), {
      topic: this.topic,
      contract: PromotionDecisionContract,
      onRecord: (r) => {
        if (r.value) this.decisions.push(r.value);
      },
    });
    await this.view.start();
  }

  find(decision: PromotionDecision['decision'], challengerVersion: string): PromotionDecision | undefined {
    return this.decisions.find((d) => d.decision === decision && d.challengerVersion === challengerVersion);
  }

  async stop(): Promise<void> {
    await this.view?.stop();
  }
}
