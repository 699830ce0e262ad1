import { WindowKindValues, type WindowKind, type WindowStrategy } from '@continuum/events';
import {
  type FieldReader,
  INVALID,
  type Mapping,
  Problems,
  bool,
  durationField,
  finiteNumber,
  integerField,
  isMapping,
  mapping,
  oneOfField,
  onlyKnownKeys,
  positiveIntegerList,
  section,
  textList,
  windowStrategyField,
} from '@continuum/config';
import {
  DEFAULT_MODEL_POLICY,
  type HyperParameters,
  type ModelTrainingPolicy,
  type OnlineSettings,
  type RepresentativeSettings,
  type TrainerPolicy,
} from './trainer-policy';
import { type ChangePointSettings } from '../core/change-point';

/** A policy file that cannot be used; `problems` name each field path with what is wrong. */
export class TrainerPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid trainer policy in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'TrainerPolicyError';
  }
}

const FAMILIES = ['auto', 'logistic-regression', 'softmax-regression', 'linear-regression', 'mlp'] as const;

/** Which WindowStrategy fields each kind takes (`duration` is also accepted as `durationMs`). */
const WINDOW_KIND_FIELDS: Record<WindowKind, { required: string[]; optional: string[] }> = {
  FIXED_COUNT: { required: ['count'], optional: [] },
  FIXED_DURATION: { required: ['durationMs'], optional: [] },
  DYNAMIC: { required: ['candidateCounts'], optional: ['holdoutCount'] },
  REPRESENTATIVE: { required: [], optional: ['count'] },
};

const windowStrategy = windowStrategyField({
  kinds: WindowKindValues,
  fields: WINDOW_KIND_FIELDS,
  durationAlias: 'fallback',
  missingKind: 'oneOf',
});

/** `request` (use the retrain request's window) or a window of the retrain-requests contract. */
const windowField: FieldReader<WindowStrategy | 'request'> = (raw, path, problems) =>
  raw === 'request' ? 'request' : windowStrategy(raw, path, problems);

const hyperParameters = section<HyperParameters>({
  l2: finiteNumber(0),
  optimizer: oneOfField(['sgd', 'adam'] as const),
  learningRate: finiteNumber(Number.MIN_VALUE),
  momentum: finiteNumber(0),
  solver: oneOfField(['lbfgs', 'minibatch'] as const),
  maxIterations: integerField(1),
  epochs: integerField(1),
  batchSize: integerField(1),
  hiddenLayers: positiveIntegerList as FieldReader<number[] | undefined>,
  activation: oneOfField(['relu', 'tanh', 'sigmoid', 'linear'] as const),
});

const representative = section<RepresentativeSettings>({
  method: oneOfField(['stratified', 'weighted', 'weights'] as const),
  stratifyBy: textList(true),
});

const online = section<OnlineSettings>({
  enabled: bool,
  start: oneOfField(['earliest', 'latest'] as const),
  batchSize: integerField(1, 100_000),
  snapshotEvery: integerField(1),
  snapshotIntervalMs: durationField(1),
  checkpointIntervalMs: durationField(1),
});

const afterChange = section<ChangePointSettings>({
  enabled: bool,
  minExamples: integerField(1),
  maxWaitMs: durationField(0),
  floorExamples: integerField(0),
});

/** The file's keys for a model; durations are written `snapshotInterval: 10m` and read into `...Ms`. */
const MODEL_KEYS = [
  'strategy',
  'window',
  'family',
  'hyperParameters',
  'classes',
  'seed',
  'holdout',
  'lookback',
  'maxExamples',
  'representative',
  'online',
  'afterChange',
];

function readModel(
  raw: unknown,
  path: string,
  base: ModelTrainingPolicy,
  problems: Problems,
): ModelTrainingPolicy {
  const value = mapping(raw ?? {}, path, problems);
  if (value === INVALID) return base;
  onlyKnownKeys(value, path, MODEL_KEYS, problems);
  const policy: ModelTrainingPolicy = {
    ...base,
    hyperParameters: { ...base.hyperParameters },
    representative: { ...base.representative },
    online: { ...base.online },
    afterChange: { ...base.afterChange },
  };
  const field = <T>(key: string, reader: FieldReader<T>, apply: (v: T) => void) => {
    if (value[key] === undefined) return;
    const v = reader(value[key], `${path}.${key}`, problems);
    if (v !== INVALID) apply(v);
  };
  field('strategy', oneOfField(['FULL', 'WARM_START', 'request'] as const), (v) => (policy.strategy = v));
  field('window', windowField, (v) => (policy.window = v));
  field('family', oneOfField(FAMILIES), (v) => (policy.family = v));
  field('hyperParameters', hyperParameters, (v) => Object.assign(policy.hyperParameters, v));
  field('classes', textList(false), (v) => (policy.classes = v));
  field('seed', integerField(0, 2 ** 32 - 1), (v) => (policy.seed = v));
  field('holdout', integerField(1), (v) => (policy.holdout = v));
  field('lookback', durationField(1), (v) => (policy.lookbackMs = v));
  field('maxExamples', integerField(10), (v) => (policy.maxExamples = v));
  field('representative', representative, (v) => Object.assign(policy.representative, v));
  if (value.online !== undefined) {
    const raw = mapping(value.online, `${path}.online`, problems);
    if (raw !== INVALID) {
      // The file says `snapshotInterval: 10m`; the policy holds milliseconds.
      const renamed: Mapping = {};
      for (const [k, v] of Object.entries(raw))
        renamed[k === 'snapshotInterval' || k === 'checkpointInterval' ? `${k}Ms` : k] = v;
      const v = online(renamed, `${path}.online`, problems);
      if (v !== INVALID) Object.assign(policy.online, v);
    }
  }
  if (value.afterChange !== undefined) {
    const raw = mapping(value.afterChange, `${path}.afterChange`, problems);
    if (raw !== INVALID) {
      // The file says `maxWait: 3d`; the policy holds milliseconds.
      const renamed: Mapping = {};
      for (const [k, v] of Object.entries(raw)) renamed[k === 'maxWait' ? 'maxWaitMs' : k] = v;
      const v = afterChange(renamed, `${path}.afterChange`, problems);
      if (v !== INVALID) Object.assign(policy.afterChange, v);
    }
  }
  return policy;
}

/**
 * Validates a parsed trainer policy document:
 *
 * ```yaml
 * defaults: { family: logistic-regression, seed: 1 }  # applied under every model
 * models:
 *   fraud: { strategy: WARM_START, window: { kind: DYNAMIC, candidateCounts: [5000, 20000] } }
 *   '*': {}                                           # manage every other model with the defaults
 * ```
 *
 * Unknown keys anywhere are errors naming the field path; every problem is reported at once.
 */
export function validateTrainerPolicy(document: unknown, source: string): TrainerPolicy {
  const problems = new Problems();
  const root = document === null || document === undefined ? {} : document;
  if (!isMapping(root)) throw new TrainerPolicyError(source, ['(root) must be a mapping with models']);
  onlyKnownKeys(root, '', ['defaults', 'models'], problems);
  const defaults = readModel(root.defaults ?? {}, 'defaults', DEFAULT_MODEL_POLICY, problems);
  const models: Record<string, ModelTrainingPolicy> = {};
  const listed = root.models === undefined ? {} : mapping(root.models, 'models', problems);
  if (listed !== INVALID) {
    for (const [modelId, raw] of Object.entries(listed))
      models[modelId] = readModel(raw, `models.${modelId}`, defaults, problems);
  }
  if (problems.items.length > 0) throw new TrainerPolicyError(source, problems.items);
  return { models };
}
