import {
  type ModelContract,
  type ModelTask,
  type RetrainRequest,
  type WindowStrategy,
} from '@continuum/events';
import { type ModelKind } from '@continuum/learning';
import { DEFAULT_CHANGE_POINT_SETTINGS, changePointOf } from './change-point';
import {
  type HyperParameters,
  type ModelTrainingPolicy,
  type RetrainStrategy,
} from '../policy/trainer-policy';

/** Why a request cannot be served; each ends the run with a FAILED status naming it. */
export type FailureKind = 'UNKNOWN_MODEL' | 'EMPTY_WINDOW' | 'INVALID_REQUEST' | 'TRAINING_ERROR';

export class TrainingFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TrainingFailure';
  }
}

/** What the registry knows of a model that a plan needs. */
export interface ModelInfo {
  modelId: string;
  task: ModelTask | null;
  contract: ModelContract | null;
}

/** A registered version a plan may start from or compare with. */
export interface ChampionInfo {
  version: string;
  artifact: { uri: string; sha256: string; size: number } | null;
}

/**
 * Everything a retrain does, fixed when the request is accepted and recorded in the ACCEPTED
 * status event: a restart, or a re-training from lineage, follows the same plan.
 */
export interface TrainingPlan {
  requestId: string;
  modelId: string;
  acceptedAt: number;
  strategy: RetrainStrategy;
  /** The champion at acceptance: the WARM_START parent and the version the candidate is compared with. */
  parentVersion: string | null;
  parentArtifact: ChampionInfo['artifact'];
  window: WindowStrategy;
  family: ModelKind;
  task: ModelTask;
  contract: ModelContract | null;
  hyperParameters: HyperParameters;
  classes: string[] | null;
  seed: number;
  holdout: number;
  maxExamples: number;
  representative: ModelTrainingPolicy['representative'];
  /** Kafka record time from which ct.examples is replayed. */
  replayFrom: number;
  /**
   * Event time the change a drift/performance request answers began (changePointOf): only
   * examples at or after it are trained on, and the run waits for enough of them. Null otherwise.
   */
  changePoint: number | null;
  /** Notes on choices the trainer made (e.g. no champion to warm-start from). */
  notes: string[];
}

const FAMILY_TASKS: Record<ModelKind, ModelTask[]> = {
  'logistic-regression': ['BINARY_CLASSIFICATION'],
  'softmax-regression': ['MULTICLASS_CLASSIFICATION'],
  'linear-regression': ['REGRESSION'],
  mlp: ['BINARY_CLASSIFICATION', 'MULTICLASS_CLASSIFICATION', 'REGRESSION'],
};

const AUTO_FAMILY: Record<ModelTask, ModelKind> = {
  BINARY_CLASSIFICATION: 'logistic-regression',
  MULTICLASS_CLASSIFICATION: 'softmax-regression',
  REGRESSION: 'linear-regression',
};

/**
 * Turns an accepted request into a plan, or throws a TrainingFailure naming why it cannot be
 * served. The policy's strategy and window win over the request's unless they say `request`.
 */
export function planRetrain(
  request: RetrainRequest,
  policy: ModelTrainingPolicy,
  model: ModelInfo | null,
  champion: ChampionInfo | null,
  acceptedAt: number,
): TrainingPlan {
  if (!model) throw new TrainingFailure('UNKNOWN_MODEL', `model '${request.modelId}' is not in the registry`);
  const task = model.task ?? model.contract?.task ?? null;
  if (!task)
    throw new TrainingFailure('INVALID_REQUEST', `model '${request.modelId}' has no task in the registry`);
  const family = resolveFamily(policy.family, task);
  const window = windowFor(request, policy);
  checkWindow(window);
  const notes: string[] = [];
  let strategy: RetrainStrategy =
    policy.strategy === 'request' ? (request.mode === 'FULL' ? 'FULL' : 'WARM_START') : policy.strategy;
  if (strategy === 'WARM_START' && !champion?.artifact) {
    notes.push('no champion artifact to warm-start from: trained from scratch');
    strategy = 'FULL';
  }
  if (request.mode === 'ONLINE' && policy.strategy === 'request')
    notes.push('ONLINE request answered by fine-tuning the champion on the window');
  const holdout =
    window.kind === 'DYNAMIC' && window.holdoutCount !== null ? window.holdoutCount : policy.holdout;
  return {
    requestId: request.requestId,
    modelId: request.modelId,
    acceptedAt,
    strategy,
    parentVersion: champion?.version ?? null,
    parentArtifact: champion?.artifact ?? null,
    window,
    family,
    task,
    contract: model.contract,
    hyperParameters: policy.hyperParameters,
    classes: policy.classes,
    seed: policy.seed,
    holdout,
    maxExamples: policy.maxExamples,
    representative: policy.representative,
    replayFrom: replayFrom(request, policy, acceptedAt),
    changePoint: changePointFor(request, policy),
    notes,
  };
}

/** The policy's family for the task (`auto`: logistic, softmax or linear regression); a family that cannot learn it fails. */
export function resolveFamily(family: ModelTrainingPolicy['family'], task: ModelTask): ModelKind {
  const resolved = family === 'auto' ? AUTO_FAMILY[task] : family;
  if (!FAMILY_TASKS[resolved].includes(task))
    throw new TrainingFailure('INVALID_REQUEST', `model family ${resolved} cannot learn a ${task} model`);
  return resolved;
}

/** The window a request is trained on: the policy's, or the request's when the policy says `request`. */
export function windowFor(request: RetrainRequest, policy: ModelTrainingPolicy): WindowStrategy {
  return policy.window === 'request' ? request.window : policy.window;
}

/**
 * Kafka record time from which ct.examples is replayed: the change point for a request answering a
 * change (an example is recorded after its event), else the window's duration for FIXED_DURATION
 * (the window is what arrived in that time), the policy's lookback for the count-based windows.
 */
export function replayFrom(request: RetrainRequest, policy: ModelTrainingPolicy, acceptedAt: number): number {
  const changePoint = changePointFor(request, policy);
  if (changePoint !== null) return changePoint;
  const window = windowFor(request, policy);
  const lookback =
    window.kind === 'FIXED_DURATION' && window.durationMs !== null ? window.durationMs : policy.lookbackMs;
  return acceptedAt - lookback;
}

/** The change point a run trains after and waits for labels from, when the model's policy turns that on. */
export function changePointFor(request: RetrainRequest, policy: ModelTrainingPolicy): number | null {
  // ACCEPTED events written before the setting existed carry a policy without it.
  const settings =
    (policy.afterChange as ModelTrainingPolicy['afterChange'] | undefined) ?? DEFAULT_CHANGE_POINT_SETTINGS;
  return settings.enabled ? changePointOf(request) : null;
}

function checkWindow(window: WindowStrategy): void {
  const bad = (field: string, why: string) =>
    new TrainingFailure('INVALID_REQUEST', `window.${field} ${why} for kind ${window.kind}`);
  switch (window.kind) {
    case 'FIXED_COUNT':
      if (!(window.count !== null && window.count >= 2)) throw bad('count', 'must be at least 2');
      return;
    case 'FIXED_DURATION':
      if (!(window.durationMs !== null && window.durationMs > 0)) throw bad('durationMs', 'must be positive');
      return;
    case 'DYNAMIC':
      if (window.candidateCounts.length === 0 || window.candidateCounts.some((c) => !(c >= 1)))
        throw bad('candidateCounts', 'must be a non-empty list of positive counts');
      return;
    case 'REPRESENTATIVE':
      if (window.count !== null && !(window.count >= 2)) throw bad('count', 'must be at least 2');
      return;
  }
}
