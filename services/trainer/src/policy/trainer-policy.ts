import { type WindowStrategy } from '@continuum/events';
import { type ModelKind } from '@continuum/learning';
import { type ChangePointSettings, DEFAULT_CHANGE_POINT_SETTINGS } from '../core/change-point';

/** How a retrain starts: from scratch, or fine-tuning a copy of the current champion. */
export type RetrainStrategy = 'FULL' | 'WARM_START';

/** Hyper-parameters of a model family; every field optional (the library's defaults apply). */
export interface HyperParameters {
  /** L2 penalty on the kernels. */
  l2?: number;
  optimizer?: 'sgd' | 'adam';
  learningRate?: number;
  momentum?: number;
  /** How `fit`/`fineTune` train: full-batch L-BFGS or epochs of mini-batches. */
  solver?: 'lbfgs' | 'minibatch';
  maxIterations?: number;
  epochs?: number;
  batchSize?: number;
  /** MLP only. */
  hiddenLayers?: number[];
  activation?: 'relu' | 'tanh' | 'sigmoid' | 'linear';
}

export interface RepresentativeSettings {
  method: 'stratified' | 'weighted' | 'weights';
  /** Features whose production bins form the strata (stratified); default: every feature. */
  stratifyBy: string[];
}

export interface OnlineSettings {
  enabled: boolean;
  /** Where a learner without a checkpoint starts reading ct.examples: the oldest record kept, or the end. */
  start: 'earliest' | 'latest';
  /** Examples per partialFit step (and per prequential test-then-train step). */
  batchSize: number;
  /** Register a snapshot version after this many learned examples... */
  snapshotEvery: number;
  /** ...or this long after the previous snapshot, whichever comes first (ms). */
  snapshotIntervalMs: number;
  /** Persist the learner and its positions at least this often (ms). */
  checkpointIntervalMs: number;
}

/** What the trainer does for one model. */
export interface ModelTrainingPolicy {
  /** `request`: the retrain request's mode (ONLINE and WARM_START requests fine-tune, FULL trains from scratch). */
  strategy: RetrainStrategy | 'request';
  /** `request`: the retrain request's window. */
  window: WindowStrategy | 'request';
  /** `auto`: logistic, softmax or linear regression by the model's task. */
  family: ModelKind | 'auto';
  hyperParameters: HyperParameters;
  /** Classes in label order; default: the labels found in the window, sorted. */
  classes: string[] | null;
  seed: number;
  /** Newest examples held out to evaluate the candidate, the champion and the persistence baseline. */
  holdout: number;
  /** How far back (Kafka record time) ct.examples is replayed for count-based windows (ms). */
  lookbackMs: number;
  /** Memory bound: at most this many examples are kept; larger windows are sampled (seeded). */
  maxExamples: number;
  representative: RepresentativeSettings;
  online: OnlineSettings;
  /** Change-triggered retrains (drift, performance): how many labelled examples after the change to wait for, and how long. */
  afterChange: ChangePointSettings;
}

export interface TrainerPolicy {
  /** Per model id; `*` applies to every other model (absent: only the listed models are managed). */
  models: Record<string, ModelTrainingPolicy>;
}

export const DEFAULT_MODEL_POLICY: ModelTrainingPolicy = {
  strategy: 'request',
  window: 'request',
  family: 'auto',
  hyperParameters: {},
  classes: null,
  seed: 1,
  holdout: 2_000,
  lookbackMs: 30 * 24 * 3600_000,
  maxExamples: 200_000,
  representative: { method: 'stratified', stratifyBy: [] },
  online: {
    enabled: false,
    start: 'latest',
    batchSize: 32,
    snapshotEvery: 50_000,
    snapshotIntervalMs: 15 * 60_000,
    checkpointIntervalMs: 5_000,
  },
  afterChange: DEFAULT_CHANGE_POINT_SETTINGS,
};

/** The model's policy, or undefined when the trainer does not manage the model. */
export function policyFor(policy: TrainerPolicy, modelId: string): ModelTrainingPolicy | undefined {
  return policy.models[modelId] ?? policy.models['*'];
}
