import { type LabelledExample } from '@continuum/events';
import { loadServingModel, outputProblem, warmUp, type ServingModel } from '@continuum/learning';

export interface InfraCheckInput {
  /** The candidate's artifact bytes and the SHA-256 the registry recorded. */
  bytes: Uint8Array;
  sha256: string;
  /** Recent ct.examples records of the model (their features are the sample inputs). */
  sample: readonly LabelledExample[];
  /** Largest allowed p99 of a single-event prediction (ms). */
  latencyBudgetMs: number;
  /** Monotonic clock (ms). */
  now: () => number;
}

export type InfraVerdict =
  | { ok: true; predictions: number; p50Ms: number; p99Ms: number; engine: string }
  | { ok: false; reason: string; p99Ms: number | null };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Before any traffic: the candidate's artifact loads in the scorer's runtime (libs/learning
 * serving: checksums, manifest), is warmed up, predicts every sample event one at a time without
 * an error and with every output in range, and its single-event p99 is within the budget.
 */
export function infraCheck(input: InfraCheckInput): InfraVerdict {
  let model: ServingModel;
  try {
    model = loadServingModel(input.bytes, { sha256: input.sha256 });
  } catch (error) {
    return { ok: false, reason: `artifact does not load: ${message(error)}`, p99Ms: null };
  }
  try {
    const inputs = input.sample.map((e) => ({
      timestamp: e.predictionTimestamp,
      numeric: e.numeric,
      categorical: e.categorical,
    }));
    if (inputs.length === 0) return { ok: false, reason: 'no sample events to predict on', p99Ms: null };
    warmUp(model, { inputs, iterations: 20, batchSizes: [1, Math.min(100, inputs.length)], now: input.now });
    const times: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const t0 = input.now();
      const [output] = model.predict([inputs[i]]);
      times.push(input.now() - t0);
      const problem = outputProblem(model, output);
      if (problem)
        return {
          ok: false,
          reason: `output out of range on sample event ${input.sample[i].eventId}: ${problem}`,
          p99Ms: null,
        };
    }
    times.sort((a, b) => a - b);
    const p50Ms = quantile(times, 0.5);
    const p99Ms = quantile(times, 0.99);
    if (p99Ms > input.latencyBudgetMs) {
      return {
        ok: false,
        reason: `single-event p99 ${p99Ms.toFixed(3)} ms exceeds the budget of ${input.latencyBudgetMs} ms`,
        p99Ms,
      };
    }
    return { ok: true, predictions: inputs.length, p50Ms, p99Ms, engine: model.engine };
  } catch (error) {
    return { ok: false, reason: `prediction failed: ${message(error)}`, p99Ms: null };
  } finally {
    model.dispose();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
