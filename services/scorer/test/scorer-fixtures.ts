import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ArtifactRef, FilesystemArtifactStore } from '@continuum/artifact-store';
import {
  type ModelContract,
  type ModelStage,
  type ModelVersionEvent,
  ModelVersionEventContract,
  Topics,
  type TopicKey,
} from '@continuum/events';
import { EventProducer } from '@continuum/kafka';
import { modelRegisteredEvent, stageChangedEvent, versionRegisteredEvent } from '@continuum/registry';
import { encodeModelArtifact, LogisticRegression } from '@continuum/learning';
import {
  createTopics,
  privateTopics,
  testCodecs,
  testKafka,
  uniqueName,
} from '../../../tools/testing/integration';

/** The scorer's topics under private names, an artifact directory, and a producer for registry events. */
export async function scorerEnvironment(prefix: string, contract: ModelContract = CONTRACT) {
  const topics = privateTopics(prefix);
  const kafka = testKafka();
  const keys: TopicKey[] = [
    'modelVersions',
    'predictions',
    'scoringRequests',
    'scoringResponses',
    'deadLetter',
  ];
  await createTopics(
    kafka,
    keys.map((key) => ({ topic: topics.names[key], partitions: Topics[key].partitions })),
  );
  const root = mkdtempSync(join(tmpdir(), 'scorer-artifacts-'));
  const store = new FilesystemArtifactStore(root);
  const codecs = testCodecs();
  const producer = new EventProducer(kafka, codecs);
  await producer.connect();
  const env = {
    ...topics.env,
    ARTIFACT_STORE_URL: pathToFileURL(root).href,
    KAFKA_PROVISION_TOPICS: 'false',
    SCORER_GROUP_ID: uniqueName('scorer'),
    LOG_LEVEL: 'info',
  };
  const meta = () => ({
    eventId: uniqueName('mv'),
    occurredAt: Date.now(),
    actor: 'scorer-test',
    sequence: 0,
  });
  const publish = (value: ModelVersionEvent) =>
    producer.send(topics.names.modelVersions, ModelVersionEventContract, [{ key: value.modelId, value }]);
  await publish(
    modelRegisteredEvent(meta(), {
      modelId: MODEL_ID,
      task: contract.task,
      features: contract.features,
      owner: null,
      policyRef: null,
    }),
  );
  return {
    topics,
    kafka,
    store,
    codecs,
    producer,
    env,
    /** Stores a logistic model sigmoid(w1·x1 + w2·x2) and returns its reference. */
    async storeModel(version: string, w1: number, w2: number): Promise<ArtifactRef> {
      return store.put(`models/${MODEL_ID}/${version}/model.ctm`, modelBytes(w1, w2));
    },
    async storeBytes(version: string, bytes: Uint8Array): Promise<ArtifactRef> {
      return store.put(`models/${MODEL_ID}/${version}/model.ctm`, bytes);
    },
    async register(version: string, stage: ModelStage, artifact: ArtifactRef): Promise<void> {
      await publish(
        versionRegisteredEvent(meta(), {
          modelId: MODEL_ID,
          version,
          parentVersion: null,
          strategy: 'FULL',
          stage,
          lineage: null,
          trainingWindow: null,
          metrics: {},
          metricsRef: null,
          referenceProfile: null,
          referenceProfileRef: null,
          artifact,
          idempotencyKey: null,
          reason: null,
        }),
      );
    },
    async changeStage(version: string, stage: ModelStage): Promise<void> {
      await publish(
        stageChangedEvent(meta(), {
          modelId: MODEL_ID,
          version,
          stage,
          reason: 'scorer test',
          evidence: null,
        }),
      );
    },
    async close(): Promise<void> {
      await producer.disconnect();
    },
  };
}

export const MODEL_ID = 'churn';

export const CONTRACT: ModelContract = {
  task: 'BINARY_CLASSIFICATION',
  features: [
    { name: 'x1', type: 'NUMERIC', required: true, min: -100, max: 100, categories: [] },
    { name: 'x2', type: 'NUMERIC', required: true, min: null, max: null, categories: [] },
  ],
};

export function modelBytes(w1: number, w2: number): Uint8Array {
  const model = new LogisticRegression({
    features: {
      features: [
        { name: 'x1', type: 'numeric', standardize: false },
        { name: 'x2', type: 'numeric', standardize: false },
      ],
    },
    classes: [0, 1],
  });
  model.setState({ ...model.getState(), parameters: [Float32Array.from([w1, w2]), Float32Array.from([0])] });
  return encodeModelArtifact(model, { modelId: MODEL_ID });
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
