import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import { Topics } from '@continuum/events';
import { RegistryClient } from '@continuum/registry';
import { ServiceProcess, createTopics, privateTopics, uniqueName } from '@continuum/testing';

export const API_TOKEN = 'registry-test-token-0123456789';

export interface RegistryUnderTest {
  names: ReturnType<typeof privateTopics>['names'];
  env: Record<string, string>;
  process: ServiceProcess;
  client: RegistryClient;
  /** Mutating calls without the token. */
  anonymous: RegistryClient;
}

/** Topics, artifact directory and env of a fresh registry deployment (not started). */
export async function prepareRegistry(
  kafka: Kafka,
  prefix: string,
): Promise<Omit<RegistryUnderTest, 'process' | 'client' | 'anonymous'>> {
  const { names, env } = privateTopics(prefix);
  await createTopics(kafka, [
    { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
    { topic: names.deadLetter, partitions: Topics.deadLetter.partitions },
  ]);
  return {
    names,
    env: {
      ...env,
      REGISTRY_API_TOKEN: API_TOKEN,
      REGISTRY_GROUP_ID: uniqueName('registry'),
      REGISTRY_SESSION_TIMEOUT_MS: '6000',
      ARTIFACT_STORE_URL: `file://${mkdtempSync(join(tmpdir(), 'registry-artifacts-'))}`,
    },
  };
}

export async function startRegistry(
  prepared: Omit<RegistryUnderTest, 'process' | 'client' | 'anonymous'>,
  extraEnv: Record<string, string> = {},
): Promise<RegistryUnderTest> {
  const process = await ServiceProcess.startService('registry', { ...prepared.env, ...extraEnv }, 180_000);
  return {
    ...prepared,
    process,
    client: new RegistryClient({ baseUrl: process.baseUrl!, token: API_TOKEN }),
    anonymous: new RegistryClient({ baseUrl: process.baseUrl! }),
  };
}

export const FEATURES = [
  { name: 'age', type: 'NUMERIC' as const, min: 0, max: 120 },
  { name: 'country', type: 'CATEGORICAL' as const, categories: ['FR', 'DE'] },
];
