import { type ConfigOf, type ConfigSpec, integer, loadConfig, text } from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const registryConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (REST API, /docs, /health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port of the REST API, /openapi.json, /docs, /health and /metrics.',
    default: 9468,
    min: 0,
    max: 65535,
  }),
  apiToken: text({
    env: 'REGISTRY_API_TOKEN',
    description: 'Bearer token of every mutating call (POST, PUT); at least 16 characters.',
    pattern: /^\S{16,}$/,
    example: 'a random string of 16 or more non-space characters',
  }),
  groupId: text({
    env: 'REGISTRY_GROUP_ID',
    description:
      "Consumer group of the registry instances: its assignment of ct.model-versions' partitions decides which instance writes a model's events.",
    default: 'continuum-registry',
  }),
  sessionTimeoutMs: integer({
    env: 'REGISTRY_SESSION_TIMEOUT_MS',
    description: 'Consumer group session timeout: how soon a crashed instance loses its models to another.',
    default: 30_000,
    min: 6_000,
  }),
  inlineLimitBytes: integer({
    env: 'REGISTRY_INLINE_LIMIT_BYTES',
    description:
      'Largest reference profile or metrics table (JSON bytes) carried inside a ct.model-versions event; larger ones go to the artifact store and the event carries URI + SHA-256 + size.',
    default: 128 * 1024,
    min: 1024,
  }),
  maxEventBytes: integer({
    env: 'REGISTRY_MAX_EVENT_BYTES',
    description:
      "Largest encoded event the registry writes (below the topic's max.message.bytes, 1 MiB by default); a larger one is refused with 413.",
    default: 900 * 1024,
    min: 16 * 1024,
  }),
  maxBodyBytes: integer({
    env: 'REGISTRY_MAX_BODY_BYTES',
    description: 'Largest JSON request body.',
    default: 64 * 1024 * 1024,
    min: 1024,
  }),
  maxArtifactBytes: integer({
    env: 'REGISTRY_MAX_ARTIFACT_BYTES',
    description: 'Largest artifact accepted by PUT .../artifact.',
    default: 512 * 1024 * 1024,
    min: 1024,
  }),
  writeTimeoutMs: integer({
    env: 'REGISTRY_WRITE_TIMEOUT_MS',
    description:
      'How long a command waits for its event to come back from ct.model-versions before answering 503.',
    default: 30_000,
    min: 1000,
  }),
} satisfies ConfigSpec;

export type RegistryConfig = ConfigOf<typeof registryConfigSpec> & { kafka: KafkaConfig };

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return {
    ...loadConfig('registry', registryConfigSpec, env),
    kafka: loadKafkaConfig('registry', env),
  };
}
