export * from './errors';
export * from './example';
export {
  exampleFromRecord,
  taskOfRegisteredTask,
  registeredTaskOf,
  type ExampleRecord,
  type RegisteredTask,
} from './example-record';
export { SeededRandom } from './random';
// TensorFlow.js loads on first use (tfjs-loader, createEngine): importing this entry point loads none of it.
export * from './backend/tfjs-loader';
export * from './features/feature-pipeline';
export { murmurhash3 } from './features/murmurhash3';
export type { Activation, Head, NetworkSpec, ParameterShape } from './network/spec';
export { parameterShapes, parameterCount } from './network/spec';
export type {
  OptimizerConfig,
  SgdConfig,
  AdamConfig,
  OptimizerState,
  ResolvedOptimizer,
} from './network/optimizer';
export type { NetworkEngine, TrainBatch, FullBatchObjective } from './network/engine';
export { JsNetwork } from './network/js-network';
export {
  type AutoEngine,
  chooseAutoEngine,
  type EngineChoice,
  MLP_NATIVE_MIN_PARAMETERS,
  MLP_NATIVE_SMALL_THRESHOLD,
  MLP_NATIVE_THRESHOLD,
  MLP_TFJS_THRESHOLD,
} from './network/create-engine';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult } from './network/lbfgs';
export { LabelCodec, type Task } from './models/labels';
export * from './models/model';
export * from './models/linear-models';
export * from './models/mlp';
export { restoreModel } from './models/restore';
// Metric formulas (accuracy, ROC AUC, log loss, R², …) are @continuum/stats's.
export * from './evaluation/accumulators';
export * from './evaluation/baselines';
export * from './evaluation/evaluate';
export { type WindowSelection, windowMetadata } from './windows/window';
export { ExampleBuffer, type ExampleBufferOptions } from './windows/example-buffer';
export { fixedWindow, type WindowSize, type FixedWindowOptions } from './windows/fixed-window';
export * from './windows/dynamic-window';
export * from './windows/representative-subsample';
export { productionProfileFromReference } from './windows/reference-bins';
export * from './artifacts/model-artifact';
export * from './serving';
