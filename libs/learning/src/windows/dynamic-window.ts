import { ConfigurationError, InvalidInputError } from '../errors';
import type { LabelledExample, TimedExample } from '../example';
import type { MetricsResult } from '../evaluation/accumulators';
import { holdoutEvaluate, type EvaluationReport } from '../evaluation/evaluate';
import type { Model } from '../models/model';
import { byTime, checkSize, describe, type WindowSize } from './fixed-window';
import type { WindowSelection } from './window';

/** Metrics a dynamic window can be chosen by. */
export type SelectionMetric = 'accuracy' | 'f1' | 'rocAuc' | 'logLoss' | 'brier' | 'mae' | 'rmse' | 'r2';

const HIGHER_IS_BETTER: Record<SelectionMetric, boolean> = {
  accuracy: true,
  f1: true,
  rocAuc: true,
  r2: true,
  logLoss: false,
  brier: false,
  mae: false,
  rmse: false,
};

export interface DynamicWindowOptions<M extends Model> {
  /** Candidate training-window sizes (the grid searched). */
  readonly candidates: readonly WindowSize[];
  /** The newest slice, held out as the test set (the article: the 5,000 newest records). */
  readonly holdout: WindowSize;
  /** Trains a fresh model on a window and returns it (e.g. `w => { const m = new X(...); m.fit(w); return m; }`). */
  readonly train: (examples: TimedExample[]) => M;
  /** Default: `logLoss` for classifiers, `rmse` for regressors. */
  readonly metric?: SelectionMetric;
  /**
   * After choosing, retrain on a window of the chosen size that ends with the newest data
   * (hold-out included) — the model to deploy. Default true; false returns the candidate
   * model trained without the hold-out.
   */
  readonly refit?: boolean;
}

export interface CandidateScore {
  readonly size: WindowSize;
  readonly count: number;
  readonly start: number | null;
  readonly end: number | null;
  readonly score: number;
  readonly report: EvaluationReport;
}

export interface DynamicWindowResult<M extends Model> {
  /** The chosen window (with `refit`, the one the returned model was trained on). */
  readonly selection: WindowSelection;
  readonly model: M;
  readonly metric: SelectionMetric;
  readonly chosen: CandidateScore;
  readonly candidates: readonly CandidateScore[];
  readonly holdout: { readonly count: number; readonly start: number | null; readonly end: number | null };
}

/**
 * Dynamic window — the article's "dynamic window size": hold out the newest slice as the
 * test set, train one model per candidate window size on the data just before it, score
 * each on the hold-out, and keep the best (a tie goes to the smaller window: cheaper and
 * more recent). Candidates are trained one at a time and the losers disposed, so memory is
 * the examples of the largest candidate plus the hold-out (see ExampleBuffer for sizes).
 */
export function selectDynamicWindow<M extends Model>(
  source: Iterable<TimedExample>,
  options: DynamicWindowOptions<M>,
): DynamicWindowResult<M> {
  if (!Array.isArray(options?.candidates) || options.candidates.length === 0)
    throw new ConfigurationError('candidates', 'at least one candidate window size is needed');
  options.candidates.forEach((c, i) => checkSize(c, `candidates[${i}]`));
  checkSize(options.holdout, 'holdout');
  if (typeof options.train !== 'function') throw new ConfigurationError('train', 'must be a function');

  const all = Array.from(source, (e, i) => {
    if (typeof e?.timestamp !== 'number' || !Number.isFinite(e.timestamp))
      throw new InvalidInputError(
        `source[${i}].timestamp`,
        `must be a finite number, got ${String(e?.timestamp)}`,
      );
    return { t: e.timestamp, i, e };
  })
    .sort(byTime)
    .map((x) => x.e);
  const holdoutStart = startIndex(all, all.length, options.holdout);
  const holdout = all.slice(holdoutStart);
  if (holdout.length === 0 || holdoutStart === 0)
    throw new InvalidInputError(
      'source',
      `too few examples (${all.length}) for a hold-out and a training window`,
    );

  let metric = options.metric;
  const scores: CandidateScore[] = [];
  let best: { score: CandidateScore; model: M } | null = null;
  for (const size of options.candidates) {
    const from = startIndex(all, holdoutStart, size);
    const training = all.slice(from, holdoutStart);
    if (training.length === 0) continue;
    const model = options.train(training);
    const report = holdoutEvaluate(model, holdout, { context: training as LabelledExample[] });
    metric ??= model.task === 'regression' ? 'rmse' : 'logLoss';
    const score = metricOf(report.model, metric);
    const candidate: CandidateScore = {
      size,
      count: training.length,
      start: training[0].timestamp,
      end: training[training.length - 1].timestamp,
      score,
      report,
    };
    scores.push(candidate);
    if (
      best === null ||
      better(score, best.score.score, HIGHER_IS_BETTER[metric], candidate.count, best.score.count)
    ) {
      best?.model.dispose();
      best = { score: candidate, model };
    } else {
      model.dispose();
    }
  }
  if (best === null || metric === undefined)
    throw new InvalidInputError('source', 'no candidate window has data');

  const holdoutInfo = {
    count: holdout.length,
    start: holdout[0].timestamp,
    end: holdout[holdout.length - 1].timestamp,
  };
  const details = {
    metric,
    holdout: holdoutInfo,
    chosen: best.score.size,
    candidates: scores.map((s) => ({ size: s.size, count: s.count, score: s.score })),
  };
  if (options.refit ?? true) {
    best.model.dispose();
    const windowed = all.slice(startIndex(all, all.length, best.score.size));
    const model = options.train(windowed);
    return {
      selection: describe('dynamic', windowed, { ...details, refit: true }),
      model,
      metric,
      chosen: best.score,
      candidates: scores,
      holdout: holdoutInfo,
    };
  }
  const training = all.slice(startIndex(all, holdoutStart, best.score.size), holdoutStart);
  return {
    selection: describe('dynamic', training, { ...details, refit: false }),
    model: best.model,
    metric,
    chosen: best.score,
    candidates: scores,
    holdout: holdoutInfo,
  };
}

/** Index of the first example of a window of `size` ending just before index `end`. */
function startIndex(sorted: readonly TimedExample[], end: number, size: WindowSize): number {
  if ('lastN' in size) return Math.max(0, end - size.lastN);
  if (end === 0) return 0;
  // Duration: examples within durationMs of the newest one in the window.
  const cutoff = sorted[end - 1].timestamp - size.durationMs;
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].timestamp <= cutoff) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function metricOf(result: MetricsResult, metric: SelectionMetric): number {
  const value = (result as unknown as Record<string, unknown>)[metric];
  if (typeof value !== 'number')
    throw new ConfigurationError('metric', `'${metric}' is not reported for a ${result.task} model`);
  return value;
}

function better(
  score: number,
  bestScore: number,
  higher: boolean,
  count: number,
  bestCount: number,
): boolean {
  if (Number.isNaN(score)) return false;
  if (Number.isNaN(bestScore)) return true;
  if (score === bestScore) return count < bestCount;
  return higher ? score > bestScore : score < bestScore;
}
