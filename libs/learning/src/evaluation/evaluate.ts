import { ConfigurationError, InvalidInputError } from '../errors';
import type { LabelledExample } from '../example';
import type { Model } from '../models/model';
import { createAccumulator, type MetricsAccumulator, type MetricsResult } from './accumulators';
import { PersistenceBaseline, PriorBaseline, type Baseline } from './baselines';

/** One point of a learning curve: the metric over the examples since the previous point. */
export interface CurvePoint {
  /** Examples evaluated so far (end of this interval). */
  readonly examples: number;
  readonly model: number;
  readonly baselines: Readonly<Record<string, number>>;
}

export interface EvaluationReport {
  readonly method: 'prequential' | 'holdout';
  readonly examples: number;
  readonly model: MetricsResult;
  /** `persistence` (last seen label) and `prior` (running class frequencies / mean). */
  readonly baselines: Readonly<Record<string, MetricsResult>>;
  /** Accuracy (classification) or MAE (regression) per interval of `curveInterval` examples. */
  readonly curveMetric: 'accuracy' | 'mae';
  readonly curve: readonly CurvePoint[];
}

export interface PrequentialOptions {
  /** Examples per test-then-train step (default 1: predict one, then learn it). */
  readonly batchSize?: number;
  /** Examples per learning-curve point (default: no curve). */
  readonly curveInterval?: number;
  /** Passed to partialFit (default true: the pipeline's statistics follow the stream). */
  readonly updatePipeline?: boolean;
}

export interface HoldoutOptions {
  /** Examples preceding the test set (e.g. the training window), shown to the baselines only. */
  readonly context?: Iterable<LabelledExample>;
  readonly curveInterval?: number;
}

/**
 * Prequential ("test-then-train", Dawid 1984; Gama, Sebastião & Rodrigues, "On evaluating
 * stream learning algorithms", Machine Learning 90, 2013) evaluation: each micro-batch is
 * first predicted by the model as it stands, scored, then learned with partialFit. The
 * baselines are updated example by example (persistence predicts the label of the example
 * just before). The model is trained by this call.
 */
export function prequentialEvaluate(
  model: Model,
  stream: Iterable<LabelledExample>,
  options: PrequentialOptions = {},
): EvaluationReport {
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigurationError('batchSize', `must be a positive integer, got ${batchSize}`);
  const run = new EvaluationRun(model, options.curveInterval);
  let batch: LabelledExample[] = [];
  const flush = () => {
    run.score(batch);
    model.partialFit(batch, { updatePipeline: options.updatePipeline ?? true });
    batch = [];
  };
  for (const example of iterate(stream)) {
    batch.push(example);
    if (batch.length === batchSize) flush();
  }
  if (batch.length > 0) flush();
  return run.report('prequential');
}

/**
 * Hold-out evaluation: the model predicts every test example without learning; baselines
 * see the test labels in order after predicting each (persistence = previous label), after
 * first seeing `context`.
 */
export function holdoutEvaluate(
  model: Model,
  test: Iterable<LabelledExample>,
  options: HoldoutOptions = {},
): EvaluationReport {
  const run = new EvaluationRun(model, options.curveInterval);
  if (options.context) {
    const context = Array.from(iterate(options.context));
    run.warmBaselines(model.encodeLabels(context));
  }
  const examples = Array.from(iterate(test));
  if (examples.length === 0) throw new InvalidInputError('test', 'is empty');
  const chunk = 4096;
  for (let i = 0; i < examples.length; i += chunk) run.score(examples.slice(i, i + chunk));
  return run.report('holdout');
}

class EvaluationRun {
  private readonly width: number;
  private readonly modelMetrics: MetricsAccumulator;
  private readonly baselines: Baseline[];
  private readonly baselineMetrics: MetricsAccumulator[];
  private readonly curve: CurvePoint[] = [];
  private readonly curveMetric: 'accuracy' | 'mae';
  private interval: { n: number; model: number; baselines: number[] };
  private n = 0;
  private buffer = new Float32Array(0);

  constructor(
    private readonly model: Model,
    private readonly curveInterval: number | undefined,
  ) {
    if (curveInterval !== undefined && (!Number.isInteger(curveInterval) || curveInterval < 1))
      throw new ConfigurationError('curveInterval', `must be a positive integer, got ${curveInterval}`);
    const k = model.task === 'regression' ? 1 : model.classes.length;
    this.width = model.task === 'multiclass' ? k : 1;
    this.modelMetrics = createAccumulator(model.task, k);
    this.baselines = [new PersistenceBaseline(model.task, k), new PriorBaseline(model.task, k)];
    this.baselineMetrics = this.baselines.map(() => createAccumulator(model.task, k));
    this.curveMetric = model.task === 'regression' ? 'mae' : 'accuracy';
    this.interval = { n: 0, model: 0, baselines: this.baselines.map(() => 0) };
  }

  warmBaselines(targets: Float32Array): void {
    for (const t of targets) for (const b of this.baselines) b.learn(t);
  }

  score(batch: readonly LabelledExample[]): void {
    const rows = batch.length;
    const targets = this.model.encodeLabels(batch);
    const outputs = this.model.predictRaw(batch);
    this.modelMetrics.update(targets, outputs, rows);
    if (this.buffer.length < rows * this.width) this.buffer = new Float32Array(rows * this.width);
    const buf = this.buffer;
    this.baselines.forEach((b, i) => {
      for (let r = 0; r < rows; r++) {
        b.predictInto(buf, r * this.width);
        b.learn(targets[r]);
      }
      this.baselineMetrics[i].update(targets, buf, rows);
      if (this.curveInterval)
        this.accumulateCurve(targets, buf, rows, (v) => (this.interval.baselines[i] += v));
    });
    if (this.curveInterval) {
      this.accumulateCurve(targets, outputs, rows, (v) => (this.interval.model += v));
      this.interval.n += rows;
    }
    this.n += rows;
    if (this.curveInterval && this.interval.n >= this.curveInterval) this.closeInterval();
  }

  report(method: 'prequential' | 'holdout'): EvaluationReport {
    if (this.curveInterval && this.interval.n > 0) this.closeInterval();
    const baselines: Record<string, MetricsResult> = {};
    this.baselines.forEach((b, i) => (baselines[b.name] = this.baselineMetrics[i].result()));
    return {
      method,
      examples: this.n,
      model: this.modelMetrics.result(),
      baselines,
      curveMetric: this.curveMetric,
      curve: this.curve,
    };
  }

  /** Adds per-example hits (classification) or absolute errors (regression) for the curve. */
  private accumulateCurve(
    targets: Float32Array,
    outputs: Float32Array,
    rows: number,
    add: (value: number) => void,
  ): void {
    const k = this.width;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      if (this.model.task === 'regression') sum += Math.abs(targets[r] - outputs[r]);
      else if (this.model.task === 'binary') sum += (outputs[r] > 0.5 ? 1 : 0) === targets[r] ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < k; c++) if (outputs[r * k + c] > outputs[r * k + best]) best = c;
        sum += best === targets[r] ? 1 : 0;
      }
    }
    add(sum);
  }

  private closeInterval(): void {
    const { n } = this.interval;
    const baselines: Record<string, number> = {};
    this.baselines.forEach((b, i) => (baselines[b.name] = this.interval.baselines[i] / n));
    this.curve.push({ examples: this.n, model: this.interval.model / n, baselines });
    this.interval = { n: 0, model: 0, baselines: this.baselines.map(() => 0) };
  }
}

function iterate<T>(source: Iterable<T>): Iterable<T> {
  if (source === null || typeof (source as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function')
    throw new InvalidInputError('stream', 'must be an iterable of labelled examples');
  return source;
}
