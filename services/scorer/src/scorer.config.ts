import {
  decimal,
  flag,
  integer,
  list,
  loadConfig,
  oneOf,
  optional,
  text,
  type ConfigOf,
  type ConfigSpec,
} from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const scorerConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (predict API, /health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port of POST /models/{modelId}/predict, /health and /metrics.',
    default: 9470,
    min: 0,
    max: 65535,
  }),
  models: optional(
    list({
      env: 'SCORER_MODELS',
      description:
        'Model ids this instance serves (comma-separated); readiness waits for each one’s champion. Unset: every model in the registry, ready once each model that has a champion serves it.',
    }),
  ),
  engine: oneOf({
    env: 'SCORER_ENGINE',
    description:
      'libs/learning engine for predictions: js (TypeScript, fastest for the 1-255 rows of a request, never loads TensorFlow.js), auto or tfjs.',
    values: ['js', 'auto', 'tfjs'] as const,
    default: 'js',
  }),
  httpDirect: flag({
    env: 'SCORER_HTTP_DIRECT',
    description:
      'Serve POST /models/{modelId}/predict on Node’s HTTP server directly, in front of NestJS/Express (the same answers; 29 % less CPU per request at 1,000 requests/s, 60 % less at full load). false: through NestJS like every other route.',
    default: true,
  }),
  maxBatch: integer({
    env: 'SCORER_MAX_BATCH',
    description: 'Most instances in one predict request (larger batches get 400).',
    default: 1000,
    min: 1,
    max: 100_000,
  }),
  awaitPublish: flag({
    env: 'SCORER_AWAIT_PUBLISH',
    description:
      'Answer only after the broker acknowledged the prediction on ct.predictions (a label published after the answer always finds its prediction). false: answer at once, publish in the background.',
    default: true,
  }),
  publishTimeoutMs: integer({
    env: 'SCORER_PUBLISH_TIMEOUT_MS',
    description: 'Longest wait for that acknowledgement before the request fails with 503.',
    default: 5000,
    min: 10,
  }),
  publishCapacity: integer({
    env: 'SCORER_PUBLISH_CAPACITY',
    description:
      'Predictions that may wait for the broker at once; beyond it requests get 503 (back-pressure).',
    default: 50_000,
    min: 100,
  }),
  publishProducers: integer({
    env: 'SCORER_PUBLISH_PRODUCERS',
    description:
      'Idempotent producers publishing predictions, each with one produce call in flight: a prediction goes out at once on an idle one and waits for a group commit only when all are busy. 1: one call at a time (each request waits for the call in flight, then its own).',
    default: 2,
    min: 1,
    max: 8,
  }),
  shadowQueue: integer({
    env: 'SCORER_SHADOW_QUEUE',
    description:
      'Shadow jobs (requests) that may wait for the shadows; beyond it they are dropped and counted.',
    default: 10_000,
    min: 1,
  }),
  shadowSliceMs: decimal({
    env: 'SCORER_SHADOW_SLICE_MS',
    description:
      'Longest run of shadow work between two yields to requests, ms: the most a shadow adds to a request.',
    default: 1,
    min: 0.05,
    max: 100,
  }),
  warmUpIterations: integer({
    env: 'SCORER_WARMUP_ITERATIONS',
    description: 'Warm-up predictions per batch size (1 and 100 rows) before a version takes traffic.',
    default: 200,
    min: 1,
  }),
  loadRetryMs: integer({
    env: 'SCORER_LOAD_RETRY_MS',
    description: 'First retry delay after a version failed to load (doubles per failure, up to 60 s).',
    default: 1000,
    min: 10,
  }),
  kafkaRequests: flag({
    env: 'SCORER_KAFKA_REQUESTS',
    description: 'Also answer ScoringRequests from ct.scoring-requests on ct.scoring-responses.',
    default: true,
  }),
  groupId: text({
    env: 'SCORER_GROUP_ID',
    description: 'Consumer group of the scorer instances for ct.scoring-requests.',
    default: 'continuum-scorer',
  }),
} satisfies ConfigSpec;

export type ScorerConfig = ConfigOf<typeof scorerConfigSpec> & { kafka: KafkaConfig };

export function loadScorerConfig(env: NodeJS.ProcessEnv = process.env): ScorerConfig {
  return {
    ...loadConfig('scorer', scorerConfigSpec, env),
    kafka: loadKafkaConfig('scorer', env),
  };
}
