import { integer, loadConfig, optional, text, type ConfigOf, type ConfigSpec } from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const controllerConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (/health, /metrics, the retrain API) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health, /metrics and POST /models/{id}/retrain.',
    default: 9466,
    min: 0,
    max: 65535,
  }),
  policyFile: text({
    env: 'CONTROLLER_POLICY_FILE',
    description: 'Retrain policy file (YAML, or JSON for a .json name); validated at start-up.',
  }),
  apiToken: optional(
    text({
      env: 'CONTROLLER_API_TOKEN',
      description:
        'Bearer token of POST /models/{id}/retrain (at least 16 characters). Unset: the endpoint answers 503.',
      pattern: /^\S{16,}$/,
      example: 'a random string of 16 or more non-space characters',
    }),
  ),
  groupId: text({
    env: 'CONTROLLER_GROUP_ID',
    description: 'Kafka consumer group of the controller instances.',
    default: 'continuum-controller',
  }),
  stateTopic: text({
    env: 'CT_TOPIC_CONTROLLER_STATE',
    description:
      "Compacted topic of the controller's per-model trigger state (created at start-up if missing).",
    default: 'ct.controller-state',
  }),
  tickMs: integer({
    env: 'CONTROLLER_TICK_MS',
    description:
      'How often schedules are checked and pending requests past their de-duplication interval are emitted.',
    default: 1000,
    min: 50,
    max: 60_000,
  }),
  sessionTimeoutMs: integer({
    env: 'CONTROLLER_SESSION_TIMEOUT_MS',
    description:
      'Consumer group session timeout: how soon a crashed instance is noticed and its partitions reassigned.',
    default: 30_000,
    min: 6_000,
  }),
  maxVersions: integer({
    env: 'CONTROLLER_MAX_VERSIONS_PER_MODEL',
    description:
      'Model versions whose trigger state is kept per model; the least recently reported is dropped first.',
    default: 8,
    min: 1,
  }),
} satisfies ConfigSpec;

export type ControllerConfig = ConfigOf<typeof controllerConfigSpec> & { kafka: KafkaConfig };

export function loadControllerConfig(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  return {
    ...loadConfig('controller', controllerConfigSpec, env),
    kafka: loadKafkaConfig('controller', env),
  };
}
