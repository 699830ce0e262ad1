import {
  type BoostedTreesOptions,
  CbpeReference,
  type CbpeReferenceJSON,
  CbpeWindow,
  type CbpeWindowJSON,
  DleReference,
  type DleReferenceJSON,
  DleWindow,
  type DleWindowJSON,
  type EstimatedMetric,
} from '@continuum/stats';
import { InvalidArgumentError, InvalidProfileError } from '../errors';

/**
 * Performance estimated from predictions alone, before labels arrive (NannyML's CBPE for binary
 * classification, DLE for regression; the estimators are @continuum/stats'). What is learnt on the
 * labelled reference rows travels with the reference profile (`performanceEstimation`), so the
 * trainer, the registry's profile-from-sample endpoint and `continuum profile build` all produce
 * it and the evaluator reads it where it reads the version's profile.
 */
export type EstimationMethod = 'CBPE' | 'DLE';

/** A binary classifier's estimation reference: P(positive) > `threshold` is a positive decision. */
export interface CbpeEstimationJSON {
  method: 'CBPE';
  /** Labelled reference rows it was fitted on. */
  rows: number;
  threshold: number;
  reference: CbpeReferenceJSON;
}

/** A regression model's: the loss models read these features, in this order (categories as codes). */
export interface DleEstimationJSON {
  method: 'DLE';
  rows: number;
  numeric: string[];
  /** Each categorical feature's tracked categories: a value's code is its index, -1 when untracked. */
  categorical: Array<{ name: string; categories: string[] }>;
  reference: DleReferenceJSON;
}

export type PerformanceEstimationJSON = CbpeEstimationJSON | DleEstimationJSON;

/** The window state of either estimator, as JSON (it travels in the evaluator's partials). */
export type EstimationWindowJSON = CbpeWindowJSON | DleWindowJSON;

/** What an estimator reads of one prediction: the model's output and the features it saw. */
export interface EstimationInput {
  /** P(positive) for a binary classifier, the predicted value for a regression model. */
  score: number | null;
  numeric?: Readonly<Record<string, number | null | undefined>>;
  categorical?: Readonly<Record<string, string | null | undefined>>;
}

/**
 * Bounds on DLE's two loss models in a profile: each tree has at most 2 · maxLeaves − 1 nodes of
 * 4 numbers, so both models hold at most 2 · rounds · (2 · maxLeaves − 1) · 4 = 6,000 numbers
 * (about 110 kB of JSON), whatever the number of reference rows. NannyML's LightGBM default, 100
 * rounds of 31 leaves, would be about 49,000 numbers (≈ 1 MB). Fewer, smaller trees cost some
 * accuracy of the per-row loss model; the band's width comes from the reference spread, not from
 * the trees.
 */
export const DLE_PROFILE_TREES: Required<Pick<BoostedTreesOptions, 'rounds' | 'maxLeaves'>> = {
  rounds: 50,
  maxLeaves: 8,
};

/** Categories per categorical feature DLE codes (the rest share code -1). */
const DLE_MAX_CATEGORIES = 100;

/**
 * A version's performance-estimation reference: fitted once on labelled rows, then used per
 * prediction (`observe` into a window state) and per window (`estimate`). Window states are the
 * estimators' own mergeable states.
 */
export class PerformanceEstimation {
  private constructor(
    readonly json: Readonly<PerformanceEstimationJSON>,
    private readonly cbpe: CbpeReference | null,
    private readonly dle: DleReference | null,
  ) {}

  get method(): EstimationMethod {
    return this.json.method;
  }

  /**
   * CBPE from a binary classifier's scores on labelled rows (a hold-out the model was not trained
   * on): the calibrator (if the scores need one) and the sampling-error components.
   */
  static fitBinary(
    scores: ArrayLike<number>,
    labels: ArrayLike<number>,
    options: { threshold?: number } = {},
  ): PerformanceEstimation {
    const threshold = options.threshold ?? 0.5;
    const predicted = Array.from(scores, (s) => (s > threshold ? 1 : 0));
    const reference = CbpeReference.fit(scores, predicted, labels);
    return PerformanceEstimation.fromJSON({
      method: 'CBPE',
      rows: scores.length,
      threshold,
      reference: reference.toJSON(),
    });
  }

  /**
   * DLE from a regression model's predictions on labelled rows: loss models over the rows'
   * numeric features (every name any row has, sorted) and categorical ones (coded by frequency).
   */
  static fitRegression(
    rows: readonly EstimationInput[],
    targets: ArrayLike<number>,
    options: BoostedTreesOptions = {},
  ): PerformanceEstimation {
    if (rows.length !== targets.length)
      throw new InvalidArgumentError(`${rows.length} rows but ${targets.length} targets`);
    const numeric = new Set<string>();
    const categoryCounts = new Map<string, Map<string, number>>();
    for (const r of rows) {
      for (const k in r.numeric ?? {}) numeric.add(k);
      for (const [k, v] of Object.entries(r.categorical ?? {})) {
        const counts = categoryCounts.get(k) ?? new Map<string, number>();
        categoryCounts.set(k, counts);
        if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const categorical = [...categoryCounts.keys()].sort(byName).map((name) => ({
      name,
      categories: [...categoryCounts.get(name)!.entries()]
        .sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))
        .slice(0, DLE_MAX_CATEGORIES)
        .map(([c]) => c),
    }));
    const layout = { numeric: [...numeric].sort(byName), categorical };
    const predictions = rows.map((r, i) => {
      if (typeof r.score !== 'number' || !Number.isFinite(r.score))
        throw new InvalidArgumentError(`row ${i} has no finite prediction`);
      return r.score;
    });
    const reference = DleReference.fit(
      rows.map((r) => encodeFeatures(layout, r)),
      predictions,
      targets,
      { ...DLE_PROFILE_TREES, ...options },
    );
    return PerformanceEstimation.fromJSON({
      method: 'DLE',
      rows: rows.length,
      ...layout,
      reference: reference.toJSON(),
    });
  }

  /** Validates a stored member (throws InvalidProfileError naming the bad field). */
  static fromJSON(json: unknown, path = '$.performanceEstimation'): PerformanceEstimation {
    const o = json as Partial<PerformanceEstimationJSON> | null;
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw new InvalidProfileError(path, 'expected an object');
    if (!Number.isInteger(o.rows) || (o.rows as number) < 1)
      throw new InvalidProfileError(`${path}.rows`, `expected a positive integer, got ${String(o.rows)}`);
    try {
      if (o.method === 'CBPE') {
        const c = o as CbpeEstimationJSON;
        if (typeof c.threshold !== 'number' || !(c.threshold >= 0 && c.threshold <= 1))
          throw new InvalidProfileError(`${path}.threshold`, `expected a number in [0, 1]`);
        return new PerformanceEstimation(c, CbpeReference.fromJSON(c.reference), null);
      }
      if (o.method === 'DLE') {
        const d = o as DleEstimationJSON;
        const names = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
        if (!names(d.numeric)) throw new InvalidProfileError(`${path}.numeric`, 'expected feature names');
        if (!Array.isArray(d.categorical) || !d.categorical.every((c) => c && names(c.categories)))
          throw new InvalidProfileError(`${path}.categorical`, 'expected [{ name, categories }]');
        return new PerformanceEstimation(d, null, DleReference.fromJSON(d.reference));
      }
    } catch (error) {
      if (error instanceof InvalidProfileError) throw error;
      throw new InvalidProfileError(`${path}.reference`, (error as Error).message, { cause: error });
    }
    throw new InvalidProfileError(`${path}.method`, `expected 'CBPE' or 'DLE', got ${String(o.method)}`);
  }

  toJSON(): PerformanceEstimationJSON {
    return this.json as PerformanceEstimationJSON;
  }

  /** An empty window state of this estimator. */
  newWindow(): CbpeWindow | DleWindow {
    return this.cbpe ? new CbpeWindow() : new DleWindow();
  }

  /**
   * Adds one prediction to a window state; false (and nothing added) when the prediction cannot be
   * read by this estimator (no score, or a binary score outside [0, 1]).
   */
  observe(window: CbpeWindow | DleWindow, input: EstimationInput): boolean {
    const s = input.score;
    if (typeof s !== 'number' || !Number.isFinite(s)) return false;
    if (this.cbpe) {
      if (!(s >= 0 && s <= 1)) return false;
      const threshold = (this.json as CbpeEstimationJSON).threshold;
      (window as CbpeWindow).add(this.cbpe.probability(s), s > threshold ? 1 : 0);
      return true;
    }
    this.dle!.observe(window as DleWindow, encodeFeatures(this.json as DleEstimationJSON, input), s);
    return true;
  }

  /** The window's estimates under the metric names of the evaluator's reports; {} for an empty window. */
  estimate(window: CbpeWindow | DleWindow): Record<string, EstimatedMetric> {
    if (window.count === 0) return {};
    const out: Record<string, EstimatedMetric> = {};
    const keep = (name: string, m: EstimatedMetric) => {
      if (Number.isFinite(m.value) && Number.isFinite(m.samplingError)) out[name] = m;
    };
    if (this.cbpe) {
      const e = this.cbpe.estimate(window as CbpeWindow);
      keep('accuracy', e.accuracy);
      keep('f1', e.f1);
      keep('roc_auc', e.rocAuc);
    } else {
      const e = this.dle!.estimate(window as DleWindow);
      keep('mae', e.mae);
      keep('rmse', e.rmse);
    }
    return out;
  }

  /** A window state of this estimator from its JSON (throws on a state of the other one). */
  windowFromJSON(json: EstimationWindowJSON): CbpeWindow | DleWindow {
    return estimationWindowFromJSON(this.method, json);
  }
}

/** A window state from its JSON, checked to be the method's. */
export function estimationWindowFromJSON(
  method: EstimationMethod,
  json: EstimationWindowJSON,
): CbpeWindow | DleWindow {
  if (method === 'CBPE' && json?.kind === 'cbpe-window') return CbpeWindow.fromJSON(json);
  if (method === 'DLE' && json?.kind === 'dle-window') return DleWindow.fromJSON(json);
  throw new InvalidArgumentError(`a ${String(json?.kind)} state is not a ${method} window`);
}

/** A row as DLE's loss models read it: numeric values (missing: −∞, below every split), then category codes. */
function encodeFeatures(
  layout: Pick<DleEstimationJSON, 'numeric' | 'categorical'>,
  input: EstimationInput,
): number[] {
  const row: number[] = [];
  for (const name of layout.numeric) {
    const v = input.numeric?.[name];
    row.push(typeof v === 'number' && Number.isFinite(v) ? v : -Infinity);
  }
  for (const { name, categories } of layout.categorical) {
    const v = input.categorical?.[name];
    row.push(typeof v === 'string' ? categories.indexOf(v) : -1);
  }
  return row;
}
