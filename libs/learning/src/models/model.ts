import { ConfigurationError, InvalidInputError } from '../errors';
import type { Example, Label, LabelledExample } from '../example';
import { FeaturePipeline, type FeaturePipelineSpec } from '../features/feature-pipeline';
import { createEngine, ENGINE_CHOICES, type EngineChoice } from '../network/create-engine';
import type { NetworkEngine, TrainBatch } from '../network/engine';
import { minimizeLbfgs } from '../network/lbfgs';
import { refineNewton } from '../network/newton';

/** Largest linear model refined with Newton steps after L-BFGS (each step costs O(n³)). */
const NEWTON_MAX_PARAMETERS = 512;
/** Newton stops here: far below what 1e-4 agreement with scikit-learn needs on κ ≈ 1e8 data. */
const NEWTON_GRADIENT_TOLERANCE = 1e-13;
import {
  emptyOptimizerState,
  resolveOptimizer,
  type OptimizerConfig,
  type OptimizerState,
  type ResolvedOptimizer,
} from '../network/optimizer';
import {
  flattenParameters,
  initialParameters,
  parameterShapes,
  unflattenParameters,
  validateNetworkSpec,
  type NetworkSpec,
} from '../network/spec';
import { SeededRandom } from '../random';
import { LabelCodec, type Task } from './labels';

export type ModelKind = 'logistic-regression' | 'softmax-regression' | 'linear-regression' | 'mlp';

/** Options every model takes. */
export interface ModelOptions {
  /** The feature pipeline (or its spec) that turns examples into the network's inputs. */
  readonly features: FeaturePipeline | FeaturePipelineSpec;
  /** Seeds weight initialisation and shuffling (default 0). */
  readonly seed?: number;
  readonly optimizer?: OptimizerConfig;
  /** L2 penalty strength on the kernels (not the biases): adds (l2/2)·||W||² to the mean loss. */
  readonly l2?: number;
  readonly engine?: EngineChoice;
}

/** Everything that defines a model apart from its learned state; stored in artifacts. */
export interface ModelConfig {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly classes: readonly Label[];
  readonly network: NetworkSpec;
  readonly optimizer: ResolvedOptimizer;
  readonly l2: number;
  readonly seed: number;
  readonly engine: EngineChoice;
}

/** A model's learned state: what an artifact stores besides the config and pipeline. */
export interface ModelState {
  readonly parameters: Float32Array[];
  readonly optimizerState: OptimizerState;
  readonly examplesSeen: number;
}

/**
 * How `fit` / `fineTune` train:
 * - `lbfgs` (default for the linear models): full-batch L-BFGS on the whole data set, to
 *   convergence (`maxIterations`, `gradientTolerance` on the largest gradient component),
 *   then, for a linear model on a float64 (js) objective, Newton steps to the optimum;
 * - `minibatch` (default for the MLP): `epochs` passes of the model's optimizer over
 *   seeded shuffles of the data in batches of `batchSize`.
 */
export interface FitOptions {
  readonly solver?: 'lbfgs' | 'minibatch';
  readonly maxIterations?: number;
  readonly gradientTolerance?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
}

export interface FineTuneOptions extends FitOptions {
  /** Also update the pipeline's running statistics with the new data (default false). */
  readonly updatePipeline?: boolean;
}

export interface FitReport {
  readonly solver: 'lbfgs' | 'minibatch';
  readonly examples: number;
  /** L-BFGS iterations, or optimizer steps for minibatch. */
  readonly iterations: number;
  readonly epochs: number;
  /** Objective (mean loss + penalty) on the training data after training. */
  readonly loss: number;
  readonly converged: boolean;
  readonly stopReason: string;
  readonly engine: string;
}

export interface PartialFitOptions {
  /** Update the pipeline's running statistics with this batch first (default true). */
  readonly updatePipeline?: boolean;
}

/**
 * A model: a feature pipeline, a dense network with its output head, and the label codec.
 * Learning modes, in the article's terms:
 * - online / continual learning: {@link partialFit} — one optimizer step per micro-batch;
 * - offline / batch learning from scratch on a window: {@link fit};
 * - transfer learning / warm start from a parent version: {@link clone} then {@link fineTune}.
 *
 * Deterministic: the same seed and the same calls with the same data give the same
 * parameters on a given engine (see README for the cross-backend caveats).
 */
export abstract class Model {
  readonly config: ModelConfig;
  readonly pipeline: FeaturePipeline;
  protected readonly labels: LabelCodec;
  protected engine: NetworkEngine;
  private seen = 0;
  private xBuffer = new Float32Array(0);
  private yBuffer = new Float32Array(0);

  protected constructor(
    kind: ModelKind,
    task: Task,
    options: ModelOptions,
    network: (inputSize: number, labels: LabelCodec) => Omit<NetworkSpec, 'inputSize'>,
    classes: readonly Label[] | undefined,
    defaultOptimizer: OptimizerConfig,
  ) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('options', 'required');
    const pipeline =
      options.features instanceof FeaturePipeline
        ? options.features.clone()
        : new FeaturePipeline(options.features);
    const labels = new LabelCodec(task, classes);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new ConfigurationError('seed', `must be an integer, got ${seed}`);
    const l2 = options.l2 ?? 0;
    if (!(l2 >= 0) || !Number.isFinite(l2)) throw new ConfigurationError('l2', `must be >= 0, got ${l2}`);
    const engine = options.engine ?? 'auto';
    if (!ENGINE_CHOICES.includes(engine))
      throw new ConfigurationError(
        'engine',
        `must be one of ${ENGINE_CHOICES.join(', ')}, got ${String(engine)}`,
      );
    const spec = validateNetworkSpec({ inputSize: pipeline.width, ...network(pipeline.width, labels) });
    this.config = Object.freeze({
      kind,
      task,
      classes: labels.classes,
      network: spec,
      optimizer: resolveOptimizer(options.optimizer ?? defaultOptimizer),
      l2,
      seed,
      engine,
    });
    this.pipeline = pipeline;
    this.labels = labels;
    this.engine = this.newEngine(initialParameters(spec, seed));
  }

  get kind(): ModelKind {
    return this.config.kind;
  }

  get task(): Task {
    return this.config.task;
  }

  get classes(): readonly Label[] {
    return this.config.classes;
  }

  /** Examples trained on since creation or the last fit from scratch. */
  get examplesSeen(): number {
    return this.seen;
  }

  /** The engine computing this model, e.g. `js`, `tfjs-wasm`. */
  get engineName(): string {
    return this.engine.name;
  }

  /** Hard predictions: the most probable class, or the regression value. */
  predict(examples: readonly Example[]): Label[] {
    const out = this.predictRaw(examples);
    return this.decode(out, examples.length);
  }

  /**
   * Class probabilities, row-major `rows x classes` in the order of {@link classes}
   * (a binary model gives `[P(negative), P(positive)]` per row, like scikit-learn).
   */
  predictProba(examples: readonly Example[]): Float32Array {
    if (this.task === 'regression')
      throw new ConfigurationError('predictProba', 'a regression model has no classes');
    const out = this.predictRaw(examples);
    if (this.task !== 'binary') return out;
    const proba = new Float32Array(out.length * 2);
    for (let r = 0; r < out.length; r++) {
      proba[2 * r] = 1 - out[r];
      proba[2 * r + 1] = out[r];
    }
    return proba;
  }

  /**
   * Head outputs per example: P(positive class) for a binary model, the class
   * probabilities (`rows x classes`) for a multiclass one, the value for regression.
   */
  predictRaw(examples: readonly Example[]): Float32Array {
    checkBatch(examples, 'examples');
    const x = this.encodeFeatures(examples);
    return this.engine.predict(x, examples.length);
  }

  /** Head outputs for rows already encoded by the pipeline (`rows x pipeline.width`). */
  predictEncoded(x: Float32Array, rows: number): Float32Array {
    this.checkEncoded(x, rows);
    return this.engine.predict(x, rows);
  }

  /**
   * Factor on every row's loss term. The engines' squared-error head is halved, (p − y)² / 2;
   * `LinearRegression` sets 2 so that its loss is River's `optim.losses.Squared`, (p − y)² with
   * gradient 2(p − y), and an SGD step at a given learning rate is River's step.
   */
  protected readonly lossScale: number = 1;

  /** Per-row loss weights: the examples' weights times {@link lossScale} (null: all 1). */
  private lossWeights(examples: readonly LabelledExample[]): Float32Array | null {
    return scaledWeights(encodeWeights(examples), examples.length, this.lossScale);
  }

  /** Online learning: one optimizer step on the batch (test-then-train callers predict first). */
  partialFit(examples: readonly LabelledExample[], options: PartialFitOptions = {}): this {
    checkBatch(examples, 'examples');
    const rows = examples.length;
    if (rows === 0) return this;
    if (this.yBuffer.length < rows) this.yBuffer = new Float32Array(Math.max(rows, this.yBuffer.length * 2));
    const y = this.yBuffer;
    for (let i = 0; i < rows; i++) y[i] = this.labels.encode(examples[i].label, `examples[${i}].label`);
    const weights = this.lossWeights(examples);
    const x = this.reserveX(rows);
    if (options.updatePipeline ?? true) this.pipeline.learnAndTransform(examples, x);
    else this.pipeline.transform(examples, x);
    this.engine.trainStep({ x, rows, y, weights });
    this.seen += examples.length;
    return this;
  }

  /** Online learning on rows already encoded by the pipeline (no statistics update). */
  partialFitEncoded(batch: TrainBatch): this {
    this.checkEncoded(batch.x, batch.rows);
    this.engine.trainStep(
      this.lossScale === 1
        ? batch
        : { ...batch, weights: scaledWeights(batch.weights ?? null, batch.rows, this.lossScale) },
    );
    this.seen += batch.rows;
    return this;
  }

  /**
   * Trains from scratch on a data set: refits the pipeline's statistics on it,
   * re-initialises the parameters from the seed, then trains (see {@link FitOptions}).
   */
  fit(dataset: Iterable<LabelledExample>, options: FitOptions = {}): FitReport {
    const examples = collect(dataset);
    const y = this.encodeLabels(examples);
    const weights = this.lossWeights(examples);
    this.pipeline.reset();
    this.pipeline.learn(examples);
    const x = this.pipeline.transform(examples);
    this.engine.setParameters(initialParameters(this.config.network, this.config.seed));
    this.resetOptimizer();
    this.seen = 0;
    return this.train({ x, rows: examples.length, y, weights }, options);
  }

  /**
   * Warm start: continues training from the current parameters on a data set (fine-tuning a
   * copy of a parent version, see {@link clone}). The optimizer state starts fresh; the
   * pipeline's statistics stay as they are unless `updatePipeline`.
   */
  fineTune(dataset: Iterable<LabelledExample>, options: FineTuneOptions = {}): FitReport {
    const examples = collect(dataset);
    const y = this.encodeLabels(examples);
    const weights = this.lossWeights(examples);
    if (options.updatePipeline) this.pipeline.learn(examples);
    const x = this.pipeline.transform(examples);
    this.resetOptimizer();
    return this.train({ x, rows: examples.length, y, weights }, options);
  }

  /** Mean loss (plus L2 penalty) of the model on labelled examples. */
  loss(examples: readonly LabelledExample[]): number {
    checkBatch(examples, 'examples');
    if (examples.length === 0) throw new InvalidInputError('examples', 'empty');
    const y = this.encodeLabels(examples);
    const x = this.pipeline.transform(examples);
    return this.engine.loss({ x, rows: examples.length, y, weights: this.lossWeights(examples) });
  }

  /** Encodes labels into the network's targets (class index or value). */
  encodeLabels(examples: readonly LabelledExample[]): Float32Array {
    const y = new Float32Array(examples.length);
    for (let i = 0; i < examples.length; i++)
      y[i] = this.labels.encode(examples[i].label, `examples[${i}].label`);
    return y;
  }

  /** Decodes head outputs into labels (argmax class, or value). */
  decode(outputs: Float32Array, rows: number): Label[] {
    const result: Label[] = new Array(rows);
    const k = this.config.network.outputSize;
    for (let r = 0; r < rows; r++) {
      if (this.task === 'regression') result[r] = outputs[r];
      else if (this.task === 'binary') result[r] = this.labels.decode(outputs[r] > 0.5 ? 1 : 0);
      else {
        let best = 0;
        for (let j = 1; j < k; j++) if (outputs[r * k + j] > outputs[r * k + best]) best = j;
        result[r] = this.labels.decode(best);
      }
    }
    return result;
  }

  /** Copies of the parameters, named and shaped as in {@link parameterShapes}. */
  getParameters(): Float32Array[] {
    return this.engine.getParameters();
  }

  /** The learned state (parameters, optimizer state, count), for artifacts. */
  getState(): ModelState {
    return {
      parameters: this.engine.getParameters(),
      optimizerState: this.engine.getOptimizerState(),
      examplesSeen: this.seen,
    };
  }

  /** Replaces the learned state (shapes are checked). */
  setState(state: ModelState): void {
    this.engine.setParameters(state.parameters);
    this.engine.setOptimizerState(state.optimizerState);
    if (!Number.isInteger(state.examplesSeen) || state.examplesSeen < 0)
      throw new ConfigurationError(
        'examplesSeen',
        `must be a non-negative integer, got ${state.examplesSeen}`,
      );
    this.seen = state.examplesSeen;
  }

  /**
   * An independent copy (pipeline, parameters, optimizer state), optionally on another
   * engine: the starting point of a warm start from this version.
   */
  clone(options: { engine?: EngineChoice } = {}): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    const config = options.engine ? { ...this.config, engine: options.engine } : this.config;
    Object.assign(copy, this, {
      config: Object.freeze(config),
      pipeline: this.pipeline.clone(),
      xBuffer: new Float32Array(0),
      yBuffer: new Float32Array(0),
    });
    copy.engine = copy.newEngine(this.engine.getParameters(), this.engine.getOptimizerState());
    return copy;
  }

  /** Releases the engine's tensors. */
  dispose(): void {
    this.engine.dispose();
  }

  private newEngine(parameters: Float32Array[], optimizerState?: OptimizerState): NetworkEngine {
    return createEngine(this.config.engine, {
      spec: this.config.network,
      optimizer: this.config.optimizer,
      l2: this.config.l2,
      parameters,
      optimizerState,
    });
  }

  private resetOptimizer(): void {
    const sizes = parameterShapes(this.config.network).map((s) => s.size);
    this.engine.setOptimizerState(emptyOptimizerState(this.config.optimizer, sizes));
  }

  private encodeFeatures(examples: readonly Example[]): Float32Array {
    return this.pipeline.transform(examples, this.reserveX(examples.length));
  }

  private reserveX(rows: number): Float32Array {
    const need = rows * this.pipeline.width;
    if (this.xBuffer.length < need) this.xBuffer = new Float32Array(Math.max(need, this.xBuffer.length * 2));
    return this.xBuffer;
  }

  private checkEncoded(x: Float32Array, rows: number): void {
    if (!(x instanceof Float32Array)) throw new InvalidInputError('x', 'must be a Float32Array');
    if (!Number.isInteger(rows) || rows < 0)
      throw new InvalidInputError('rows', `must be a non-negative integer`);
    if (x.length < rows * this.pipeline.width)
      throw new InvalidInputError('x', `holds ${x.length} values, need ${rows} x ${this.pipeline.width}`);
  }

  private train(batch: TrainBatch, options: FitOptions): FitReport {
    const linear = this.config.network.hidden.length === 0;
    const solver = options.solver ?? (linear ? 'lbfgs' : 'minibatch');
    let report: FitReport;
    if (solver === 'lbfgs') {
      const objective = this.engine.createObjective(batch);
      try {
        const result = minimizeLbfgs(
          (x, g) => objective.evaluate(x, g),
          flattenParameters(this.engine.getParameters()),
          {
            maxIterations: options.maxIterations ?? 1000,
            gradientTolerance: options.gradientTolerance ?? 1e-6,
            functionNoise: objective.noise,
          },
        );
        let final = { x: result.x, value: result.value, converged: result.converged, reason: result.reason };
        // Linear models on a float64 objective: finish with Newton steps, which reach the optimum
        // (scikit-learn's, to 1e-4) on ill-conditioned data where L-BFGS's relative decrease
        // stalls first (see refineNewton). The float32 engines cannot resolve those last steps.
        if (linear && objective.noise === 0 && objective.size <= NEWTON_MAX_PARAMETERS) {
          const refined = refineNewton((x, g) => objective.evaluate(x, g), result.x, {
            gradientTolerance: NEWTON_GRADIENT_TOLERANCE,
          });
          if (refined.value <= result.value) {
            const converged = refined.gradientNorm <= (options.gradientTolerance ?? 1e-6);
            final = {
              x: refined.x,
              value: refined.value,
              converged: converged || result.converged,
              reason: converged ? 'gradient' : result.reason,
            };
          }
        }
        this.engine.setParameters(unflattenParameters(this.config.network, final.x));
        report = {
          solver,
          examples: batch.rows,
          iterations: result.iterations,
          epochs: 0,
          loss: final.value,
          converged: final.converged,
          stopReason: final.reason,
          engine: this.engine.name,
        };
      } finally {
        objective.dispose();
      }
    } else if (solver === 'minibatch') {
      const epochs = options.epochs ?? 20;
      const size = Math.min(options.batchSize ?? 32, batch.rows);
      if (!Number.isInteger(epochs) || epochs < 1)
        throw new ConfigurationError('epochs', `must be a positive integer, got ${epochs}`);
      if (!Number.isInteger(size) || size < 1)
        throw new ConfigurationError('batchSize', `must be a positive integer, got ${options.batchSize}`);
      const d = this.pipeline.width;
      const yWidth = batch.y.length / batch.rows;
      const xb = new Float32Array(size * d);
      const yb = new Float32Array(size * yWidth);
      const wb = batch.weights ? new Float32Array(size) : null;
      const rng = new SeededRandom(this.config.seed ^ 0x5bd1e995);
      let steps = 0;
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = rng.permutation(batch.rows);
        for (let start = 0; start < batch.rows; start += size) {
          const rows = Math.min(size, batch.rows - start);
          for (let r = 0; r < rows; r++) {
            const src = order[start + r];
            xb.set(batch.x.subarray(src * d, src * d + d), r * d);
            for (let k = 0; k < yWidth; k++) yb[r * yWidth + k] = batch.y[src * yWidth + k];
            if (wb && batch.weights) wb[r] = batch.weights[src];
          }
          this.engine.trainStep({ x: xb, rows, y: yb, weights: wb });
          steps++;
        }
      }
      report = {
        solver,
        examples: batch.rows,
        iterations: steps,
        epochs,
        loss: this.engine.loss(batch),
        converged: false,
        stopReason: 'epochs',
        engine: this.engine.name,
      };
    } else {
      throw new ConfigurationError('solver', `must be 'lbfgs' or 'minibatch', got ${String(solver)}`);
    }
    this.seen += batch.rows;
    return report;
  }
}

function checkBatch(examples: readonly unknown[], where: string): void {
  if (!Array.isArray(examples)) throw new InvalidInputError(where, 'must be an array of examples');
}

function collect(dataset: Iterable<LabelledExample>): LabelledExample[] {
  if (dataset === null || typeof (dataset as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function')
    throw new InvalidInputError('dataset', 'must be an iterable of labelled examples');
  const examples = Array.isArray(dataset) ? (dataset as LabelledExample[]) : Array.from(dataset);
  if (examples.length === 0) throw new InvalidInputError('dataset', 'is empty');
  return examples;
}

function scaledWeights(weights: Float32Array | null, rows: number, scale: number): Float32Array | null {
  if (scale === 1) return weights;
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = (weights === null ? 1 : weights[i]) * scale;
  return out;
}

function encodeWeights(examples: readonly LabelledExample[]): Float32Array | null {
  let any = false;
  for (const e of examples) if (e.weight !== undefined) any = true;
  if (!any) return null;
  const w = new Float32Array(examples.length);
  for (let i = 0; i < examples.length; i++) {
    const v = examples[i].weight ?? 1;
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
      throw new InvalidInputError(`examples[${i}].weight`, `must be a finite number >= 0, got ${String(v)}`);
    w[i] = v;
  }
  return w;
}
