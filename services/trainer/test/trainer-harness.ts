/**
 * Runs the trainer (and the model registry) as child processes against the real broker and schema
 * registry, with topics, groups, artifact directory and policy private to one test, and publishes
 * ct.examples and ct.retrain-requests records as the evaluator and the controller would.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kafka } from 'kafkajs';
import {
  type Contract,
  type LabelledExample as ExampleEvent,
  LabelledExampleContract,
  type RetrainRequest,
  RetrainRequestContract,
  type TrainingRunEvent,
  TrainingRunEventContract,
  Topics,
  type TopicKey,
} from '@continuum/events';
import { RegistryClient } from '@continuum/registry';
import {
  REPO_ROOT,
  ServiceProcess,
  createTopics,
  privateTopics,
  publishFixtures,
  readTopic,
  testCodecs,
  uniqueName,
  waitFor,
} from '@continuum/testing';

export const REGISTRY_TOKEN = 'trainer-integration-token-0123456789';

export interface Deployment {
  names: Record<TopicKey, string>;
  env: Record<string, string>;
  artifactRoot: string;
  registry: ServiceProcess | null;
  registryUrl: string;
  client: RegistryClient;
}

export function writePolicy(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'trainer-policy-')), 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

/**
 * Private topics, an artifact directory and a running model registry (services/registry as a
 * process). TRAINER_IT_REGISTRY_URL points the tests at an already running registry instead.
 */
export async function deploy(kafka: Kafka, prefix: string): Promise<Deployment> {
  const { names, env } = privateTopics(prefix);
  await createTopics(
    kafka,
    (
      [
        'examples',
        'retrainRequests',
        'trainingRuns',
        'trainerCheckpoints',
        'modelVersions',
        'deadLetter',
      ] as const
    ).map((key) => ({ topic: names[key], partitions: Topics[key].partitions })),
  );
  const artifactRoot = mkdtempSync(join(tmpdir(), 'trainer-artifacts-'));
  const shared = {
    ...env,
    ARTIFACT_STORE_URL: pathToFileURL(artifactRoot).href,
    REGISTRY_API_TOKEN: REGISTRY_TOKEN,
  };
  let registry: ServiceProcess | null = null;
  let registryUrl = process.env.TRAINER_IT_REGISTRY_URL ?? '';
  if (!registryUrl) {
    if (!existsSync(join(REPO_ROOT, 'services', 'registry', 'src', 'main.ts')))
      throw new Error(
        'services/registry is not built yet: the trainer integration tests need the real registry',
      );
    registry = await ServiceProcess.startService(
      'registry',
      { ...shared, REGISTRY_GROUP_ID: uniqueName('registry') },
      180_000,
    );
    registryUrl = registry.baseUrl!;
  }
  return {
    names,
    env: shared,
    artifactRoot,
    registry,
    registryUrl,
    client: new RegistryClient({ baseUrl: registryUrl, token: REGISTRY_TOKEN }),
  };
}

export function trainerEnv(
  d: Deployment,
  policyYaml: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...d.env,
    REGISTRY_URL: d.registryUrl,
    TRAINER_POLICY_FILE: writePolicy(policyYaml),
    TRAINER_GROUP_ID: uniqueName('trainer'),
    TRAINER_SESSION_TIMEOUT_MS: '6000',
    TRAINER_PROGRESS_INTERVAL_MS: '500',
    TRAINER_RETRY_DELAY_MS: '500',
    ...extra,
  };
}

export function startTrainer(env: Record<string, string>): Promise<ServiceProcess> {
  return ServiceProcess.startService('trainer', env, 180_000);
}

/** Registers a binary model with numeric features x0..x{n-1}. */
export async function registerModel(d: Deployment, modelId: string, features = 5): Promise<void> {
  await d.client.createModel({
    modelId,
    task: 'BINARY_CLASSIFICATION',
    contract: {
      features: Array.from({ length: features }, (_, j) => ({ name: `x${j}`, type: 'NUMERIC' as const })),
    },
    owner: 'trainer-tests',
  });
}

/** Publishes values with the given key (and Kafka timestamp; absent: the broker's time now). */
export async function publish<T>(
  kafka: Kafka,
  topic: string,
  contract: Contract<T>,
  values: T[],
  key: (v: T) => string,
  timestamp?: (v: T) => number,
): Promise<void> {
  const encoder = await testCodecs().encoderFor(topic, contract);
  await publishFixtures(
    kafka,
    topic,
    values.map((v) => ({
      key: key(v),
      value: encoder.encode(v),
      ...(timestamp ? { timestamp: String(timestamp(v)) } : {}),
    })),
    { batchSize: 2000 },
  );
}

/** A new ct.examples topic for one test (CT_TOPIC_EXAMPLES of its trainers), so its replays read only its records. */
export async function examplesTopic(kafka: Kafka, d: Deployment, name: string): Promise<string> {
  const topic = `${d.names.examples}.${name}`;
  await createTopics(kafka, [{ topic, partitions: Topics.examples.partitions }]);
  return topic;
}

/** ct.examples records keyed by eventId, with the Kafka timestamp = the event time (as the evaluator writes them in order). */
export function publishExamples(
  kafka: Kafka,
  d: Deployment,
  examples: ExampleEvent[],
  topic = d.names.examples,
): Promise<void> {
  return publish(
    kafka,
    topic,
    LabelledExampleContract,
    examples,
    (e) => e.eventId,
    (e) => e.predictionTimestamp,
  );
}

export function retrainRequest(
  modelId: string,
  requestId: string,
  window: Partial<RetrainRequest['window']> & Pick<RetrainRequest['window'], 'kind'>,
  mode: RetrainRequest['mode'] = 'FULL',
): RetrainRequest {
  return {
    requestId,
    modelId,
    modelVersion: null,
    reason: 'MANUAL',
    requestedAt: Date.now(),
    requestedBy: 'trainer-tests',
    evidence: [],
    window: { count: null, durationMs: null, candidateCounts: [], holdoutCount: null, ...window },
    mode,
  };
}

export function publishRequests(kafka: Kafka, d: Deployment, requests: RetrainRequest[]): Promise<void> {
  return publish(kafka, d.names.retrainRequests, RetrainRequestContract, requests, (r) => r.modelId);
}

/** Every status event on ct.training-runs, decoded, in publication order per model. */
export async function statusEvents(kafka: Kafka, d: Deployment): Promise<TrainingRunEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const count = (await admin.fetchTopicOffsets(d.names.trainingRuns)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  if (count === 0) return [];
  const messages = await readTopic(kafka, d.names.trainingRuns, count);
  const decoder = testCodecs().decoderFor(TrainingRunEventContract);
  await decoder.prepare(messages.map((m) => m.value));
  return messages.map((m) => decoder.decode(m.value)).sort((a, b) => a.occurredAt - b.occurredAt);
}

/** Waits for the terminal status (SUCCEEDED or FAILED) of each request. */
export async function results(
  kafka: Kafka,
  d: Deployment,
  requestIds: string[],
  timeoutMs = 120_000,
): Promise<Map<string, TrainingRunEvent>> {
  return waitFor(
    `results of ${requestIds.join(', ')}`,
    async () => {
      const terminal = new Map<string, TrainingRunEvent>();
      for (const e of await statusEvents(kafka, d))
        if ((e.status === 'SUCCEEDED' || e.status === 'FAILED') && requestIds.includes(e.requestId))
          terminal.set(e.requestId, e);
      return terminal.size === requestIds.length && terminal;
    },
    { timeoutMs, intervalMs: 1000 },
  );
}
