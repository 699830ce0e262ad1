import {
  ConfigError,
  decimal,
  duration,
  integer,
  loadConfig,
  oneOf,
  optional,
  text,
  url,
  type ConfigOf,
  type ConfigSpec,
} from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';
import { LOSS_METRICS, type LossMetric } from './core/losses';
import { GATE_METHODS, GATE_MODES, type ModelGatePolicy } from './policy/promoter-policy';

export const promoterConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health, /metrics, the tests and the manual promote/reject/rollback API.',
    default: 9469,
    min: 0,
    max: 65535,
  }),
  apiToken: optional(
    text({
      env: 'PROMOTER_API_TOKEN',
      description:
        'Bearer token of the manual promote/reject/rollback calls (16+ characters). Unset: they answer 503.',
      pattern: /^\S{16,}$/,
      example: 'a random string of 16 or more non-space characters',
    }),
  ),
  registryUrl: url({
    env: 'REGISTRY_URL',
    description: 'The model registry’s REST API.',
    default: 'http://127.0.0.1:9468',
  }),
  registryToken: optional(
    text({
      env: 'REGISTRY_API_TOKEN',
      description: 'Bearer token of the registry’s mutating calls (stage changes).',
    }),
  ),
  policyFile: optional(
    text({
      env: 'PROMOTER_POLICY_FILE',
      description:
        'Gate settings per model (YAML, or JSON for a .json name; format below); validated at start-up. Unset: the variables below apply to every model.',
    }),
  ),
  groupId: text({
    env: 'PROMOTER_GROUP_ID',
    description: 'Consumer group reading ct.examples.',
    default: 'continuum-promoter',
  }),
  metric: oneOf({
    env: 'PROMOTER_METRIC',
    description:
      'Per-event loss the gate compares: zero_one (accuracy), log_loss, squared_error (regression).',
    default: 'zero_one',
    values: LOSS_METRICS,
  }),
  method: oneOf({
    env: 'PROMOTER_METHOD',
    description:
      'Sequential test: confidence-sequence (any loss, any δ) or discordant-pairs (0/1 loss, δ = 0, sequential McNemar).',
    default: 'confidence-sequence',
    values: GATE_METHODS,
  }),
  mode: oneOf({
    env: 'PROMOTER_MODE',
    description:
      'improvement: promote when better by more than δ; non-inferiority: when worse by less than δ.',
    default: 'improvement',
    values: GATE_MODES,
  }),
  alpha: decimal({
    env: 'PROMOTER_ALPHA',
    description: 'Error rate α of the always-valid test.',
    default: 0.05,
    min: 1e-6,
    max: 0.5,
  }),
  delta: decimal({
    env: 'PROMOTER_DELTA',
    description: 'Minimum effect δ in loss units (0.01 = one accuracy point).',
    default: 0,
    min: 0,
  }),
  minPairs: integer({
    env: 'PROMOTER_MIN_PAIRS',
    description: 'No decision before this many paired events.',
    default: 1000,
    min: 2,
  }),
  minDurationMs: duration({
    env: 'PROMOTER_MIN_DURATION',
    description:
      'No decision before this much event time between the first and the last pair (one seasonal cycle).',
    default: 24 * 3_600_000,
  }),
  maxPairs: integer({
    env: 'PROMOTER_MAX_PAIRS',
    description: 'Undecided at this many pairs: the challenger is rejected and the champion stays.',
    default: 200_000,
    min: 2,
  }),
  tuningPairs: integer({
    env: 'PROMOTER_TUNING_PAIRS',
    description:
      'N*: pairs (discordant pairs for discordant-pairs) at which the confidence sequence is tightest.',
    default: 10_000,
    min: 1,
  }),
  rollbackMargin: decimal({
    env: 'PROMOTER_ROLLBACK_MARGIN',
    description:
      'After a promotion: roll back when the new champion is worse than the previous one by more than this (loss units).',
    default: 0.02,
    min: 0,
  }),
  watchPairs: integer({
    env: 'PROMOTER_WATCH_PAIRS',
    description:
      'Paired events the new champion is watched against the previous one after a promotion (0: no watch).',
    default: 50_000,
    min: 0,
  }),
  watchMinPairs: integer({
    env: 'PROMOTER_WATCH_MIN_PAIRS',
    description: 'No rollback before this many watched pairs.',
    default: 500,
    min: 2,
  }),
  maxLatencyP99Ms: decimal({
    env: 'PROMOTER_MAX_LATENCY_P99_MS',
    description:
      'Infrastructure check and latency guardrail: largest single-event p99 prediction time of a candidate (ms).',
    default: 5,
    min: 0,
  }),
  maxEceIncrease: decimal({
    env: 'PROMOTER_MAX_ECE_INCREASE',
    description: 'Calibration guardrail: largest ECE increase of the challenger over the champion.',
    default: 0.05,
    min: 0,
  }),
  maxPredictionPsi: decimal({
    env: 'PROMOTER_MAX_PREDICTION_PSI',
    description:
      'Prediction-shift guardrail: largest PSI of the challenger’s scores against the champion’s on the same events (catches collapsed models; a retrain after concept drift shifts them legitimately).',
    default: 2,
    min: 0,
  }),
  segmentMargin: decimal({
    env: 'PROMOTER_SEGMENT_MARGIN',
    description:
      'Segment guardrail: no segment with the challenger worse by more than this (mean loss difference).',
    default: 0.05,
    min: 0,
  }),
  segmentMinPairs: integer({
    env: 'PROMOTER_SEGMENT_MIN_PAIRS',
    description: 'Segments with fewer pairs are not judged by the segment guardrail.',
    default: 500,
    min: 1,
  }),
  infraSampleSize: integer({
    env: 'PROMOTER_INFRA_SAMPLE',
    description: 'Recent ct.examples events of the model the infrastructure check predicts on.',
    default: 200,
    min: 1,
  }),
  infraMinSample: integer({
    env: 'PROMOTER_INFRA_MIN_SAMPLE',
    description: 'The infrastructure check waits until this many recent events of the model have been seen.',
    default: 20,
    min: 1,
  }),
  reconcileMs: duration({
    env: 'PROMOTER_RECONCILE_INTERVAL',
    description: 'How often candidates and shadows are looked for besides registry events.',
    default: 2000,
    min: 100,
  }),
} satisfies ConfigSpec;

export type PromoterConfig = ConfigOf<typeof promoterConfigSpec> & {
  kafka: KafkaConfig;
  env: NodeJS.ProcessEnv;
};

export function loadPromoterConfig(env: NodeJS.ProcessEnv = process.env): PromoterConfig {
  const config = {
    ...loadConfig('promoter', promoterConfigSpec, env),
    kafka: loadKafkaConfig('promoter', env),
    env,
  };
  if (config.maxPairs < config.minPairs) {
    throw new ConfigError('promoter', [
      `PROMOTER_MAX_PAIRS (${config.maxPairs}) must be ≥ PROMOTER_MIN_PAIRS (${config.minPairs})`,
    ]);
  }
  if (config.method === 'discordant-pairs' && (config.delta !== 0 || config.metric !== 'zero_one')) {
    throw new ConfigError('promoter', [
      'PROMOTER_METHOD=discordant-pairs needs PROMOTER_METRIC=zero_one and PROMOTER_DELTA=0',
    ]);
  }
  return config;
}

/** The environment's gate, watch and guardrail settings: every model's, unless the policy file says otherwise. */
export function envGatePolicy(c: PromoterConfig): ModelGatePolicy {
  return {
    metric: c.metric,
    method: c.method,
    mode: c.mode,
    alpha: c.alpha,
    delta: c.delta,
    minPairs: c.minPairs,
    minDurationMs: c.minDurationMs,
    maxPairs: c.maxPairs,
    tuningPairs: c.tuningPairs,
    rollbackMargin: c.rollbackMargin,
    watchPairs: c.watchPairs,
    watchMinPairs: c.watchMinPairs,
    maxLatencyP99Ms: c.maxLatencyP99Ms,
    maxEceIncrease: c.maxEceIncrease,
    maxPredictionPsi: c.maxPredictionPsi,
    segmentMargin: c.segmentMargin,
    segmentMinPairs: c.segmentMinPairs,
  };
}

export type Metric = LossMetric;
