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
import {
  modelRegisteredEvent,
  RegistryClient,
  stageChangedEvent,
  versionRegisteredEvent,
  versionRegistration,
} from '@continuum/registry';
import { encodeModelArtifact, LogisticRegression } from '@continuum/learning';
import {
  createTopics,
  privateTopics,
  ServiceProcess,
  testCodecs,
  testKafka,
  uniqueName,
} from '@continuum/testing';

export const REGISTRY_TOKEN = 'scorer-test-registry-token-0123456789';

/**
 * The scorer's topics under private names, an artifact directory, and the model registry: the real
 * registry service as a process (`registry: 'service'`, the integration tests), or registry events
 * published directly to ct.model-versions (`'events'`, the benchmark: it times from the event).
 */
export async function scorerEnvironment(
  prefix: string,
  contract: ModelContract = CONTRACT,
  registry: 'service' | 'events' = 'events',
) {
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
  const service =
    registry === 'service'
      ? await ServiceProcess.startService(
          'registry',
          { ...env, REGISTRY_API_TOKEN: REGISTRY_TOKEN, REGISTRY_GROUP_ID: uniqueName('registry') },
          180_000,
        )
      : undefined;
  const client = service
    ? new RegistryClient({ baseUrl: service.baseUrl!, token: REGISTRY_TOKEN })
    : undefined;
  const meta = () => ({
    eventId: uniqueName('mv'),
    occurredAt: Date.now(),
    actor: 'scorer-test',
    sequence: 0,
  });
  const publish = (value: ModelVersionEvent) =>
    producer.send(topics.names.modelVersions, ModelVersionEventContract, [{ key: value.modelId, value }]);
  if (client) {
    await client.createModel({
      modelId: MODEL_ID,
      task: contract.task,
      contract: { features: contract.features },
      owner: 'scorer-test',
    });
  } else {
    await publish(
      modelRegisteredEvent(meta(), {
        modelId: MODEL_ID,
        task: contract.task,
        features: contract.features,
        owner: null,
        policyRef: null,
      }),
    );
  }
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
      if (client) {
        await client.registerVersion(MODEL_ID, { strategy: 'FULL', artifact, stage, actor: 'scorer-test' });
        return;
      }
      await publish(
        versionRegisteredEvent(meta(), versionRegistration(MODEL_ID, version, stage, { artifact })),
      );
    },
    async changeStage(version: string, stage: ModelStage): Promise<void> {
      if (client) {
        await client.changeStage(MODEL_ID, version, { stage, reason: 'scorer test', actor: 'scorer-test' });
        return;
      }
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
      await service?.stop();
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
