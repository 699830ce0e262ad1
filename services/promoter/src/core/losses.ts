import { type LabelledExample, type PredictionOutput } from '@continuum/events';

/**
 * Per-event loss of one prediction against its label: what the gate pairs.
 * - `zero_one`: 1 when the predicted class is wrong (classification; accuracy = 1 − mean).
 * - `log_loss`: −log p(true class), p clipped to [1e−15, 1 − 1e−15] (scikit-learn's eps).
 * - `squared_error`: (prediction − label)² (regression).
 */
export type LossMetric = 'zero_one' | 'log_loss' | 'squared_error';

export const LOSS_METRICS: readonly LossMetric[] = ['zero_one', 'log_loss', 'squared_error'];

const EPS = 1e-15;

/** The class a binary prediction chose: its predictedClass, else score > 0.5 → "1". */
function predictedClass(output: PredictionOutput): string | null {
  if (output.predictedClass !== null) return output.predictedClass;
  if (output.score !== null) return output.score > 0.5 ? '1' : '0';
  return null;
}

/** True when a label and a class name denote the same class ("1" and 1, "true" and 1). */
export function sameClass(label: number | string, cls: string): boolean {
  const l = String(label);
  if (l === cls) return true;
  const truthy = (x: string): string | null =>
    x === '1' || x === 'true' ? '1' : x === '0' || x === 'false' ? '0' : null;
  const a = truthy(l);
  return a !== null && a === truthy(cls);
}

/** Probability the prediction gave the true class, or null when the output carries none. */
function probabilityOfLabel(output: PredictionOutput, label: number | string): number | null {
  for (const [cls, p] of Object.entries(output.classProbabilities)) if (sameClass(label, cls)) return p;
  if (output.score !== null && Object.keys(output.classProbabilities).length === 0) {
    if (sameClass(label, '1')) return output.score;
    if (sameClass(label, '0')) return 1 - output.score;
  }
  return null;
}

/** The loss, or null when the record cannot give one under `metric` (e.g. no probability for log loss). */
export function exampleLoss(
  metric: LossMetric,
  example: Pick<LabelledExample, 'output' | 'label'>,
): number | null {
  const { output, label } = example;
  if (metric === 'zero_one') {
    const cls = predictedClass(output);
    return cls === null ? null : sameClass(label, cls) ? 0 : 1;
  }
  if (metric === 'log_loss') {
    const p = probabilityOfLabel(output, label);
    if (p === null || !Number.isFinite(p)) return null;
    return -Math.log(Math.min(1 - EPS, Math.max(EPS, p)));
  }
  if (typeof label !== 'number' || output.score === null || !Number.isFinite(output.score)) return null;
  return (output.score - label) ** 2;
}

/** The score the prediction-distribution and calibration guardrails look at: P(positive) or the value. */
export function positiveScore(output: PredictionOutput): number | null {
  if (output.score !== null && Number.isFinite(output.score)) return output.score;
  const entries = Object.entries(output.classProbabilities);
  if (entries.length === 0) return null;
  return Math.max(...entries.map(([, p]) => p));
}

/**
 * What calibration is judged on for one prediction: binary — P(positive) and whether the label is
 * the positive class; multiclass — the top class's probability and whether that class is right;
 * regression — nothing.
 */
export function calibrationPoint(
  output: PredictionOutput,
  label: number | string,
): { score: number; hit: boolean } | null {
  if (output.score !== null && Number.isFinite(output.score)) {
    const binary = label === 0 || label === 1 || ['0', '1', 'true', 'false'].includes(String(label));
    return binary && output.score >= 0 && output.score <= 1
      ? { score: output.score, hit: sameClass(label, '1') }
      : null;
  }
  const entries = Object.entries(output.classProbabilities);
  if (entries.length === 0) return null;
  const [cls, p] = entries.reduce((best, e) => (e[1] > best[1] ? e : best));
  return { score: p, hit: sameClass(label, cls) };
}
