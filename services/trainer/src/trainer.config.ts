import { hostname } from 'node:os';
import {
  flag,
  integer,
  list,
  loadConfig,
  optional,
  text,
  type ConfigOf,
  type ConfigSpec,
} from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const trainerConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (/health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health and /metrics.',
    default: 9467,
    min: 0,
    max: 65535,
  }),
  policyFile: optional(
    text({
      env: 'TRAINER_POLICY_FILE',
      description:
        'Training policy per model (YAML, or JSON for a .json name); validated at start-up. Unset: every model is managed with the default policy.',
    }),
  ),
  registryUrls: list({
    env: 'REGISTRY_URL',
    description:
      'Base URL of the model registry REST API (services/registry); several comma-separated are tried in turn.',
    default: ['http://127.0.0.1:9468'],
    item: (value) => (/^https?:\/\/\S+$/.test(value) ? undefined : 'must be an http(s) URL'),
  }),
  registryToken: optional(
    text({
      env: 'REGISTRY_API_TOKEN',
      description: 'Bearer token for registering versions in the registry.',
    }),
  ),
  groupId: text({
    env: 'TRAINER_GROUP_ID',
    description: 'Kafka consumer group of the trainer instances (retrain requests).',
    default: 'continuum-trainer',
  }),
  instanceId: text({
    env: 'TRAINER_INSTANCE_ID',
    description: 'Name of this instance in status events and logs.',
    default: hostname(),
  }),
  sessionTimeoutMs: integer({
    env: 'TRAINER_SESSION_TIMEOUT_MS',
    description: 'Consumer group session timeout (training runs off the consumer loop, in a worker thread).',
    default: 30_000,
    min: 6_000,
  }),
  progressIntervalMs: integer({
    env: 'TRAINER_PROGRESS_INTERVAL_MS',
    description:
      'How often a running retrain logs its progress (examples read / total, ETA) and publishes a PROGRESS status.',
    default: 5_000,
    min: 100,
  }),
  retryDelayMs: integer({
    env: 'TRAINER_RETRY_DELAY_MS',
    description:
      'Wait before retrying a run that failed on an unreachable registry, artifact store or broker.',
    default: 5_000,
    min: 10,
  }),
  replayTimeoutMs: integer({
    env: 'TRAINER_REPLAY_TIMEOUT_MS',
    description: 'Longest replay of a pinned training window before the run is retried.',
    default: 600_000,
    min: 1_000,
  }),
  codeVersion: text({
    env: 'TRAINER_CODE_VERSION',
    description: "Recorded in every version's lineage (e.g. the git commit of the deployed build).",
    default: 'dev',
  }),
  trainInWorker: flag({
    env: 'TRAINER_TRAIN_IN_WORKER',
    description: 'Train in a worker thread (the consumer keeps its heartbeats); false: on the main thread.',
    default: true,
  }),
} satisfies ConfigSpec;

export type TrainerConfig = ConfigOf<typeof trainerConfigSpec> & { kafka: KafkaConfig };

export function loadTrainerConfig(env: NodeJS.ProcessEnv = process.env): TrainerConfig {
  return { ...loadConfig('trainer', trainerConfigSpec, env), kafka: loadKafkaConfig('trainer', env) };
}
