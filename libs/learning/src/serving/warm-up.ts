import type { Example } from '../example';
import type { FeaturePipeline } from '../features/feature-pipeline';
import { SeededRandom } from '../random';
import { ServingError, type ServingModel, type ServingOutput } from './serving-model';

/**
 * Plausible inputs for a pipeline: numeric features drawn around the pipeline's running mean
 * and standard deviation (standard normal when it has none), categorical values from a one-hot
 * vocabulary (a fixed token for hashed features). Seeded, so warm-ups are reproducible.
 */
export function syntheticInputs(pipeline: FeaturePipeline, count: number, seed = 1): Example[] {
  const moments = pipeline.toJSON().moments;
  const random = new SeededRandom(seed);
  const inputs: Example[] = [];
  for (let i = 0; i < count; i++) {
    const numeric: Record<string, number> = {};
    const categorical: Record<string, string> = {};
    for (const f of pipeline.features) {
      if (f.type === 'numeric') {
        const m = moments[f.name];
        const sd = m && m.count > 1 ? Math.sqrt(m.m2 / m.count) : 1;
        numeric[f.name] = (m && m.count > 0 ? m.mean : 0) + sd * random.normal();
      } else if (f.type === 'one-hot') {
        categorical[f.name] = f.vocabulary[random.int(f.vocabulary.length)];
      } else categorical[f.name] = `warm-up-${random.int(16)}`;
    }
    inputs.push({ numeric, categorical });
  }
  return inputs;
}

/**
 * Why an output is out of range, or null: scores and probabilities must be finite, a binary
 * score and every probability within [0, 1], probabilities summing to 1 (±1e-3), the predicted
 * class one of the model's.
 */
export function outputProblem(
  model: Pick<ServingModel, 'task' | 'classes'>,
  output: ServingOutput,
): string | null {
  if (model.task === 'regression') {
    return typeof output.score === 'number' && Number.isFinite(output.score)
      ? null
      : `regression value ${String(output.score)} is not finite`;
  }
  if (
    model.task === 'binary' &&
    !(typeof output.score === 'number' && output.score >= 0 && output.score <= 1)
  )
    return `binary score ${String(output.score)} is not a probability`;
  if (output.predictedClass === null || !model.classes.includes(output.predictedClass))
    return `predicted class ${String(output.predictedClass)} is not one of ${model.classes.join(', ')}`;
  let sum = 0;
  for (const [label, p] of Object.entries(output.classProbabilities)) {
    if (!(p >= 0 && p <= 1)) return `probability of class ${label} is ${p}`;
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-3) return `class probabilities sum to ${sum}`;
  return null;
}

export interface WarmUpOptions {
  /** Calls per batch size (default 200). */
  readonly iterations?: number;
  /** Batch sizes to exercise (default [1, 100]: a single event and a full request batch). */
  readonly batchSizes?: readonly number[];
  /** Inputs to use instead of synthetic ones (e.g. recent real events). */
  readonly inputs?: readonly Example[];
  /** Monotonic clock in milliseconds (default performance.now). */
  readonly now?: () => number;
}

export interface WarmUpReport {
  readonly calls: number;
  readonly rows: number;
  readonly durationMs: number;
  /** Latency of the single-row calls of the last half of the warm-up (JIT settled), ms. */
  readonly singleRowP50Ms: number;
  readonly singleRowMaxMs: number;
}

/**
 * Runs predictions until the JIT has compiled the model's hot paths, checking every output's
 * range: a model that throws or answers out of range fails here (ServingError naming the
 * problem), before any caller sees it.
 */
export function warmUp(model: ServingModel, options: WarmUpOptions = {}): WarmUpReport {
  const iterations = options.iterations ?? 200;
  const batchSizes = options.batchSizes ?? [1, 100];
  const now = options.now ?? (() => performance.now());
  const largest = Math.max(1, ...batchSizes);
  const inputs =
    options.inputs && options.inputs.length > 0 ? options.inputs : syntheticInputs(model.pipeline, largest);
  const single: number[] = [];
  let calls = 0;
  let rows = 0;
  const start = now();
  for (const size of batchSizes) {
    const batch = Array.from({ length: size }, (_, i) => inputs[i % inputs.length]);
    for (let i = 0; i < iterations; i++) {
      const t0 = now();
      const outputs = model.predict(batch);
      const elapsed = now() - t0;
      if (size === 1 && i >= iterations / 2) single.push(elapsed);
      calls += 1;
      rows += size;
      if (i === 0 || i === iterations - 1) {
        outputs.forEach((output, r) => {
          const problem = outputProblem(model, output);
          if (problem) throw new ServingError(`warm-up output out of range (row ${r}): ${problem}`);
        });
      }
    }
  }
  single.sort((a, b) => a - b);
  return {
    calls,
    rows,
    durationMs: now() - start,
    singleRowP50Ms: single.length ? single[Math.floor(single.length / 2)] : 0,
    singleRowMaxMs: single.length ? single[single.length - 1] : 0,
  };
}
