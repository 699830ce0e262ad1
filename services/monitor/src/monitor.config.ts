import { integer, loadConfig, text, type ConfigOf } from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const monitorConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (/health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health and /metrics.',
    default: 9464,
    min: 0,
    max: 65535,
  }),
  groupId: text({
    env: 'MONITOR_GROUP_ID',
    description: 'Kafka consumer group of the monitor instances.',
    default: 'continuum-monitor',
  }),
  maxModels: integer({
    env: 'MONITOR_MAX_MODELS',
    description:
      'Distinct model ids given their own metric series; the rest are counted under model_id="other".',
    default: 1000,
    min: 1,
  }),
};

export type MonitorConfig = ConfigOf<typeof monitorConfigSpec> & { kafka: KafkaConfig };

export function loadMonitorConfig(env: NodeJS.ProcessEnv = process.env): MonitorConfig {
  return { ...loadConfig('monitor', monitorConfigSpec, env), kafka: loadKafkaConfig('monitor', env) };
}
