import { type ModelTask, type PredictionOutput } from '@continuum/events';
import {
  BinaryMetrics,
  type BinaryMetricsJSON,
  MulticlassMetrics,
  type MulticlassMetricsJSON,
  RegressionMetrics,
  type RegressionMetricsJSON,
} from '@continuum/stats';

export type { ModelTask };
export type TaskMetrics = BinaryMetrics | MulticlassMetrics | RegressionMetrics;
export type TaskMetricsJSON = BinaryMetricsJSON | MulticlassMetricsJSON | RegressionMetricsJSON;
export type LabelValue = number | string;

/** What a joined pair contributes to the metrics: the prediction's output and the true label. */
export interface ScoredPair {
  score: number | null;
  predictedClass: string | null;
  probabilities: Record<string, number> | null;
  label: LabelValue;
}

function hasClassOutput(output: PredictionOutput): boolean {
  return output.predictedClass !== null || Object.keys(output.classProbabilities).length > 0;
}

/** Where a model's task is known before its first pair is seen (a Map of overrides is one). */
export interface TaskSource {
  get(modelId: string): ModelTask | undefined;
}

/**
 * The configured override (EVALUATOR_MODEL_TASKS) first, else the task of the model's registered
 * contract (`@continuum/registry`'s fold of ct.model-versions); undefined leaves the task to
 * `inferTask` on the version's first pair (models never registered).
 */
export function configuredOrRegisteredTask(
  overrides: ReadonlyMap<string, ModelTask>,
  registry: { model(modelId: string): { task: ModelTask | null } | undefined },
): TaskSource {
  return { get: (modelId) => overrides.get(modelId) ?? registry.model(modelId)?.task ?? undefined };
}

/**
 * The task of a model version, read from its first joined pair when neither an override nor the
 * registered contract gives it:
 * a string label, or a class output without a score, is multiclass; a score in [0, 1] with a 0/1
 * label is binary; any other numeric label with a score is regression.
 */
export function inferTask(
  output: PredictionOutput,
  label: LabelValue,
): { task: ModelTask } | { problem: string } {
  if (typeof label === 'string' || (output.score === null && hasClassOutput(output))) {
    if (!hasClassOutput(output))
      return {
        problem: `label ${JSON.stringify(label)} is a class but the prediction has no predictedClass or classProbabilities`,
      };
    return { task: 'MULTICLASS_CLASSIFICATION' };
  }
  if (output.score === null) return { problem: 'the prediction has no output.score for a numeric label' };
  if ((label === 0 || label === 1) && output.score >= 0 && output.score <= 1)
    return { task: 'BINARY_CLASSIFICATION' };
  return { task: 'REGRESSION' };
}

/** Why a pair cannot be evaluated as `task`, or undefined when it can. */
export function taskMismatch(
  task: ModelTask,
  output: PredictionOutput,
  label: LabelValue,
): string | undefined {
  switch (task) {
    case 'BINARY_CLASSIFICATION':
      if (label !== 0 && label !== 1)
        return `label ${JSON.stringify(label)} is not 0 or 1 (task BINARY_CLASSIFICATION)`;
      if (output.score === null || !(output.score >= 0 && output.score <= 1))
        return `output.score ${String(output.score)} is not a probability in [0, 1] (task BINARY_CLASSIFICATION)`;
      return undefined;
    case 'MULTICLASS_CLASSIFICATION':
      if (!hasClassOutput(output))
        return 'the prediction has no predictedClass or classProbabilities (task MULTICLASS_CLASSIFICATION)';
      return undefined;
    case 'REGRESSION':
      if (typeof label !== 'number') return `label ${JSON.stringify(label)} is not numeric (task REGRESSION)`;
      if (output.score === null) return 'the prediction has no output.score (task REGRESSION)';
      return undefined;
  }
}

export function createTaskMetrics(task: ModelTask): TaskMetrics {
  switch (task) {
    case 'BINARY_CLASSIFICATION':
      return new BinaryMetrics();
    case 'MULTICLASS_CLASSIFICATION':
      return new MulticlassMetrics();
    case 'REGRESSION':
      return new RegressionMetrics();
  }
}

export function taskMetricsFromJSON(json: TaskMetricsJSON): TaskMetrics {
  switch (json.kind) {
    case 'binary':
      return BinaryMetrics.fromJSON(json);
    case 'multiclass':
      return MulticlassMetrics.fromJSON(json);
    case 'regression':
      return RegressionMetrics.fromJSON(json);
  }
}

/**
 * Adds a pair to the task's metrics and returns its error for the concept-drift detector:
 * 1/0 misclassification for classification, the absolute error for regression.
 */
export function addPair(metrics: TaskMetrics, pair: ScoredPair): number {
  if (metrics instanceof BinaryMetrics) {
    const label = pair.label === 1 ? 1 : 0;
    const score = pair.score as number;
    metrics.add(score, label);
    return (score > 0.5 ? 1 : 0) === label ? 0 : 1;
  }
  if (metrics instanceof MulticlassMetrics) {
    const label = String(pair.label);
    const predicted = metrics.add(pair.predictedClass, pair.probabilities ?? {}, label);
    return predicted === label ? 0 : 1;
  }
  const label = pair.label as number;
  const predicted = pair.score as number;
  metrics.add(predicted, label);
  return Math.abs(label - predicted);
}

/**
 * The persistence baseline's prediction of a pair from the previous label of the same model:
 * that label as a hard prediction (probability 1), or undefined when it cannot stand for one.
 */
export function persistencePrediction(
  task: ModelTask,
  previous: LabelValue,
  label: LabelValue,
): ScoredPair | undefined {
  switch (task) {
    case 'BINARY_CLASSIFICATION':
      return previous === 0 || previous === 1
        ? { score: previous, predictedClass: null, probabilities: null, label }
        : undefined;
    case 'MULTICLASS_CLASSIFICATION': {
      const c = String(previous);
      return { score: null, predictedClass: c, probabilities: { [c]: 1 }, label };
    }
    case 'REGRESSION':
      return typeof previous === 'number'
        ? { score: previous, predictedClass: null, probabilities: null, label }
        : undefined;
  }
}
