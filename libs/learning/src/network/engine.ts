import type { OptimizerState, ResolvedOptimizer } from './optimizer';
import type { NetworkSpec } from './spec';

/**
 * A mini-batch in the network's encoded form.
 * - `x`: row-major `rows x inputSize` features (only the first `rows * inputSize` values are read);
 * - `y`: targets — logistic head: 0/1 per row; softmax head: the class index per row;
 *   identity head: `rows x outputSize` values;
 * - `weights`: optional non-negative weight per row (a missing `weights` means all ones).
 */
export interface TrainBatch {
  readonly x: Float32Array;
  readonly rows: number;
  readonly y: Float32Array;
  readonly weights?: Float32Array | null;
}

/**
 * The full-batch training objective of one data set, for deterministic solvers (L-BFGS):
 * `(1/n) sum_i w_i loss_i + (l2/2) sum ||kernel||^2` evaluated at a flat parameter vector.
 */
export interface FullBatchObjective {
  /** Number of parameters (length of the flat vector). */
  readonly size: number;
  /** Relative rounding noise of the value: 0 when computed in float64, ~1e-6 in float32. */
  readonly noise: number;
  /** Returns the objective at `flat` and writes its gradient into `gradient`. */
  evaluate(flat: Float64Array, gradient: Float64Array): number;
  dispose(): void;
}

/** What an engine needs to build a network. */
export interface EngineInit {
  readonly spec: NetworkSpec;
  readonly optimizer: ResolvedOptimizer;
  readonly l2: number;
  readonly parameters: readonly Float32Array[];
  readonly optimizerState?: OptimizerState;
}

/**
 * Computes a dense network's forward pass, gradients and optimizer updates. Two
 * implementations agree to float32 rounding: {@link TfjsNetwork} (TensorFlow.js ops on the
 * process's tfjs backend: cpu, wasm or native tensorflow) and {@link JsNetwork}
 * (hand-written TypeScript loops, which win on small models because a tfjs call costs a
 * fixed tens of microseconds whatever its size).
 */
export interface NetworkEngine {
  /** `js`, or `tfjs-<backend>`. */
  readonly name: string;
  readonly spec: NetworkSpec;
  /** Head outputs (probabilities, or values for the identity head), `rows x outputSize`. */
  predict(x: Float32Array, rows: number): Float32Array;
  /** One optimizer step on the batch's mean (weighted) loss. */
  trainStep(batch: TrainBatch): void;
  /** The objective (mean weighted loss plus L2 penalty) on a batch, without training. */
  loss(batch: TrainBatch): number;
  createObjective(batch: TrainBatch): FullBatchObjective;
  getParameters(): Float32Array[];
  setParameters(parameters: readonly Float32Array[]): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
  /** Releases tensors (tfjs); a disposed engine must not be used again. */
  dispose(): void;
}
