import {
  type ConfigField,
  duration,
  integer,
  loadConfig,
  oneOf,
  text,
  type ConfigOf,
} from '@continuum/config';
import { type DetectorName } from '@continuum/drift';
import { type ModelTask, ModelTaskValues } from '@continuum/events';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';
import { hostname } from 'node:os';
import { DETECTOR_NAMES } from './evaluation/detectors';

const DAY_MS = 86_400_000;

export const evaluatorConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (/health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health and /metrics.',
    default: 9465,
    min: 0,
    max: 65535,
  }),
  groupId: text({
    env: 'EVALUATOR_GROUP_ID',
    description:
      'Kafka consumer group of the evaluator instances (ct.predictions, ct.labels, ct.evaluator-partials).',
    default: 'continuum-evaluator',
  }),
  instanceId: {
    ...text({
      env: 'EVALUATOR_INSTANCE_ID',
      description:
        'Stable name of this instance (a StatefulSet pod name). Partitions are assigned by it, so a restarted instance gets back the partitions whose state is on its disk.',
      default: hostname(),
    }),
    defaultText: 'the host name',
  },
  stateDir: text({
    env: 'EVALUATOR_STATE_DIR',
    description:
      "Directory of this instance's LevelDB store (waiting predictions and labels, open windows, detectors, offsets). One per instance; keep it on a persistent volume.",
    default: './evaluator-state',
  }),
  labelHorizonMs: duration({
    env: 'EVALUATOR_LABEL_HORIZON',
    description:
      'Longest event-time gap between a prediction and its label (either order) that still joins; unmatched entries expire after it.',
    default: 90 * DAY_MS,
    min: 1,
  }),
  windowMs: duration({
    env: 'EVALUATOR_WINDOW',
    description:
      'Size of the tumbling event-time windows reports cover (aligned to the epoch), e.g. 15m, 1h, 1d.',
    default: 3_600_000,
    min: 1,
  }),
  allowedLatenessMs: duration({
    env: 'EVALUATOR_ALLOWED_LATENESS',
    description: 'How far past a window end the watermark must be before the window closes.',
    default: 0,
    min: 0,
  }),
  detector: oneOf({
    env: 'EVALUATOR_DETECTOR',
    description:
      "Concept-drift detector run on each model version's error stream (libs/drift, River defaults). Regression models use ADWIN unless the detector takes real values (ADWIN, PageHinkley, KSWIN).",
    values: DETECTOR_NAMES,
    default: 'ADWIN',
  }),
  modelTasks: modelTasks({
    env: 'EVALUATOR_MODEL_TASKS',
    description:
      'Task per model instead of inferring it from the first labelled pair: comma-separated modelId=TASK, TASK one of BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION, REGRESSION.',
  }),
  partitionConcurrency: integer({
    env: 'EVALUATOR_PARTITION_CONCURRENCY',
    description: 'Partition batches handled at the same time (batches of one partition never overlap).',
    default: 2,
    min: 1,
    max: 64,
  }),
  maxBatchBytes: integer({
    env: 'EVALUATOR_MAX_BATCH_BYTES',
    description:
      'Most bytes fetched per partition and batch (smaller batches: less work replayed after a crash).',
    default: 2 * 1024 * 1024,
    min: 1024,
  }),
  maxSeries: integer({
    env: 'EVALUATOR_MAX_SERIES',
    description:
      "Model versions with their own Prometheus series; beyond it the least recently reported version's series are removed.",
    default: 200,
    min: 1,
  }),
};

function modelTasks(options: {
  env: string;
  description: string;
}): ConfigField<ReadonlyMap<string, ModelTask>> {
  return {
    env: options.env,
    description: options.description,
    defaultValue: new Map(),
    defaultText: '(none: inferred)',
    optional: false,
    parse(raw) {
      const map = new Map<string, ModelTask>();
      for (const item of raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const eq = item.lastIndexOf('=');
        const model = item.slice(0, eq).trim();
        const task = item.slice(eq + 1).trim() as ModelTask;
        if (eq <= 0 || !ModelTaskValues.includes(task))
          return { problem: `item '${item}' must be modelId=${ModelTaskValues.join('|')}` };
        map.set(model, task);
      }
      return { value: map };
    },
  };
}

export type EvaluatorConfig = ConfigOf<typeof evaluatorConfigSpec> & {
  detector: DetectorName;
  kafka: KafkaConfig;
};

export function loadEvaluatorConfig(env: NodeJS.ProcessEnv = process.env): EvaluatorConfig {
  return { ...loadConfig('evaluator', evaluatorConfigSpec, env), kafka: loadKafkaConfig('evaluator', env) };
}
