import {
  type FieldReader,
  INVALID,
  Problems,
  durationField,
  finiteNumber,
  integerField,
  isMapping,
  mapping,
  oneOfField,
  onlyKnownKeys,
  section,
} from '@continuum/config';
import { type GateOptions } from '@continuum/stats';
import { type GuardrailLimits } from '../core/guardrails';
import { LOSS_METRICS, type LossMetric } from '../core/losses';

export const GATE_METHODS = ['confidence-sequence', 'discordant-pairs'] as const;
export const GATE_MODES = ['improvement', 'non-inferiority'] as const;

/** Everything the gate, the watch and the guardrails of one model's tests take. */
export interface ModelGatePolicy {
  metric: LossMetric;
  method: (typeof GATE_METHODS)[number];
  mode: (typeof GATE_MODES)[number];
  alpha: number;
  delta: number;
  minPairs: number;
  minDurationMs: number;
  maxPairs: number;
  tuningPairs: number;
  rollbackMargin: number;
  watchPairs: number;
  watchMinPairs: number;
  maxLatencyP99Ms: number;
  maxEceIncrease: number;
  maxPredictionPsi: number;
  segmentMargin: number;
  segmentMinPairs: number;
}

export interface PromoterPolicy {
  /** The file's `defaults` over the environment's settings: every model not listed. */
  defaults: ModelGatePolicy;
  /** Per model id: its `models.<id>` entry over `defaults`. */
  models: Record<string, ModelGatePolicy>;
}

/** The settings of a model's tests: its own entry, else the defaults. */
export function policyFor(policy: PromoterPolicy, modelId: string): ModelGatePolicy {
  return Object.hasOwn(policy.models, modelId) ? policy.models[modelId] : policy.defaults;
}

/** No policy file: the environment's settings for every model. */
export function uniformPolicy(defaults: ModelGatePolicy): PromoterPolicy {
  return { defaults, models: {} };
}

export function gateOptions(p: ModelGatePolicy): GateOptions {
  return {
    method: p.method,
    mode: p.mode,
    alpha: p.alpha,
    delta: p.delta,
    minPairs: p.minPairs,
    minDurationMs: p.minDurationMs,
    maxPairs: p.maxPairs,
    tuningPairs: p.tuningPairs,
  };
}

/** The post-promotion watch: previous champion vs new champion, non-inferiority at the rollback margin. */
export function watchOptions(p: ModelGatePolicy): GateOptions {
  return {
    method: 'confidence-sequence',
    mode: 'non-inferiority',
    alpha: p.alpha,
    delta: p.rollbackMargin,
    minPairs: p.watchMinPairs,
    minDurationMs: 0,
    maxPairs: Math.max(p.watchPairs, p.watchMinPairs),
    tuningPairs: p.tuningPairs,
  };
}

export function guardrailLimits(p: ModelGatePolicy): GuardrailLimits {
  return {
    maxLatencyP99Ms: p.maxLatencyP99Ms,
    maxEceIncrease: p.maxEceIncrease,
    maxPredictionPsi: p.maxPredictionPsi,
    segmentMargin: p.segmentMargin,
    segmentMinPairs: p.segmentMinPairs,
  };
}

/** A policy file that cannot be used; `problems` name each field path with what is wrong. */
export class PromoterPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid promoter policy in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'PromoterPolicyError';
  }
}

/** The file's keys of a model (durations written `minDuration: 1d`), with the ranges the variables have. */
interface FileFields extends Omit<ModelGatePolicy, 'minDurationMs'> {
  minDuration: number;
}

const modelFields = section<FileFields>({
  metric: oneOfField(LOSS_METRICS),
  method: oneOfField(GATE_METHODS),
  mode: oneOfField(GATE_MODES),
  alpha: finiteNumber(1e-6, 0.5),
  delta: finiteNumber(0),
  minPairs: integerField(2),
  minDuration: durationField(0),
  maxPairs: integerField(2),
  tuningPairs: integerField(1),
  rollbackMargin: finiteNumber(0),
  watchPairs: integerField(0),
  watchMinPairs: integerField(2),
  maxLatencyP99Ms: finiteNumber(0),
  maxEceIncrease: finiteNumber(0),
  maxPredictionPsi: finiteNumber(0),
  segmentMargin: finiteNumber(0),
  segmentMinPairs: integerField(1),
});

function readModel(raw: unknown, path: string, base: ModelGatePolicy, problems: Problems): ModelGatePolicy {
  const read = (modelFields as FieldReader<Partial<FileFields>>)(raw ?? {}, path, problems);
  if (read === INVALID) return base;
  const { minDuration, ...rest } = read;
  const policy: ModelGatePolicy = {
    ...base,
    ...rest,
    ...(minDuration === undefined ? {} : { minDurationMs: minDuration }),
  };
  // The combined settings (this entry over its base) must be a gate that can run.
  if (policy.maxPairs < policy.minPairs)
    problems.add(`${path}.maxPairs`, `(${policy.maxPairs}) must be ≥ minPairs (${policy.minPairs})`);
  if (policy.method === 'discordant-pairs' && (policy.delta !== 0 || policy.metric !== 'zero_one'))
    problems.add(`${path}.method`, `discordant-pairs needs metric zero_one and delta 0`);
  return policy;
}

/**
 * Validates a parsed promoter policy document over `base` (the environment's settings):
 *
 * ```yaml
 * defaults: { alpha: 0.05, minDuration: 1d }   # every model not listed
 * models:
 *   fraud: { mode: non-inferiority, delta: 0.005, minPairs: 5000 }
 * ```
 *
 * Unknown keys anywhere are errors naming the field path; every problem is reported at once.
 */
export function validatePromoterPolicy(
  document: unknown,
  source: string,
  base: ModelGatePolicy,
): PromoterPolicy {
  const problems = new Problems();
  const root = document === null || document === undefined ? {} : document;
  if (!isMapping(root))
    throw new PromoterPolicyError(source, ['(root) must be a mapping with defaults and models']);
  onlyKnownKeys(root, '', ['defaults', 'models'], problems);
  const defaults = readModel(root.defaults, 'defaults', base, problems);
  const models: Record<string, ModelGatePolicy> = {};
  const listed =
    root.models === undefined || root.models === null ? {} : mapping(root.models, 'models', problems);
  if (listed !== INVALID) {
    for (const [modelId, raw] of Object.entries(listed))
      models[modelId] = readModel(raw, `models.${modelId}`, defaults, problems);
  }
  if (problems.items.length > 0) throw new PromoterPolicyError(source, problems.items);
  return { defaults, models };
}
