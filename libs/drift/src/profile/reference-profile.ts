import { InvalidArgumentError, InvalidProfileError } from '../errors';
import { fnv1aString } from '../sketch/codec';
import { ksReferenceGrid, type WeightedSample } from '@continuum/stats';
import { wassersteinDistance } from '../statistics/wasserstein';
import { type Binning, binIndex, interiorBinCount, linearQuantileEdges, uniqueSorted } from './binning';
import {
  type CategoricalFeatureJSON,
  DEFAULT_PROFILE_OPTIONS,
  type FeatureJSON,
  type FeatureRole,
  type NumericFeatureJSON,
  type ProfileOptions,
  type ReferenceProfileJSON,
  type ResolvedProfileOptions,
  type SegmentReferenceJSON,
} from './profile-types';
import { PerformanceEstimation } from './performance-estimation';
import { validateProfileJSON } from './validate-profile';

/** A numeric feature of a reference profile, with its frozen bins and reference distribution. */
export class NumericFeature {
  readonly type = 'numeric' as const;
  readonly edges: Float64Array;
  readonly interiorBins: number;
  /** Reference counts over all bins: underflow, interior..., overflow. */
  readonly binCounts: Float64Array;
  private sampleCache: WeightedSample | undefined;
  private gridCache: Float64Array | undefined;

  constructor(readonly json: Readonly<NumericFeatureJSON>) {
    this.edges = Float64Array.from(json.edges);
    this.interiorBins = interiorBinCount(json.binning, json.edges);
    this.binCounts = new Float64Array(this.interiorBins + 2);
    this.binCounts.set(json.binCounts, 1);
  }

  get name(): string {
    return this.json.name;
  }
  get role(): FeatureRole {
    return this.json.role;
  }
  get count(): number {
    return this.json.count;
  }
  get distinctValues(): number {
    return this.json.distinctValues;
  }
  /** Population standard deviation of the reference values (NumPy's `np.std`). */
  get std(): number {
    return this.json.count > 0 ? Math.sqrt(this.json.m2 / this.json.count) : NaN;
  }

  /** Bin of a finite value (0 = underflow, interiorBins + 1 = overflow). */
  bin(x: number): number {
    return binIndex(this.edges, this.interiorBins, x);
  }

  /**
   * The distinct values of the reference sample: windows count their values on this grid so that KS
   * against the profile is computed exactly from bounded, mergeable counts (`kolmogorovSmirnovGridTest`).
   */
  get ksGrid(): Float64Array {
    if (!this.gridCache) this.gridCache = ksReferenceGrid(this.sample());
    return this.gridCache;
  }

  /** The reference values (exact) or their equally spaced order statistics, as a weighted sample. */
  sample(): WeightedSample {
    if (!this.sampleCache) {
      const values = Float64Array.from(this.json.summary);
      const exact = values.length === this.json.count;
      const weight = values.length > 0 ? this.json.count / values.length : 0;
      this.sampleCache = {
        values,
        weights: exact ? null : new Float64Array(values.length).fill(weight),
        count: this.json.count,
        // Equally spaced order statistics misplace the CDF by at most half a point's weight.
        rankError: exact ? 0 : 0.5 / values.length,
        wassersteinError: this.json.summaryError,
      };
    }
    return this.sampleCache;
  }
}

/** A categorical feature of a reference profile: tracked categories plus an 'other' bucket. */
export class CategoricalFeature {
  readonly type = 'categorical' as const;
  /** Category → index; index `categories.length` is the 'other' bucket. */
  readonly index: Map<string, number>;
  /** Reference counts: tracked categories..., other. */
  readonly counts: Float64Array;

  constructor(readonly json: Readonly<CategoricalFeatureJSON>) {
    this.index = new Map(json.categories.map((c, i) => [c, i]));
    this.counts = new Float64Array(json.categories.length + 1);
    this.counts.set(json.categoryCounts);
    this.counts[json.categories.length] = json.otherCount;
  }

  get name(): string {
    return this.json.name;
  }
  get role(): FeatureRole {
    return this.json.role;
  }
  get count(): number {
    return this.json.count;
  }
  get categories(): readonly string[] {
    return this.json.categories;
  }
  get distinctValues(): number {
    return this.json.distinctValues;
  }
  /** Whether every reference value is tracked, so a value outside them is new (unseen). */
  get vocabularyComplete(): boolean {
    return this.json.distinctValues === this.json.categories.length;
  }
}

export type Feature = NumericFeature | CategoricalFeature;

/**
 * The reference distribution of one segment (a value of a segment key, or the rest of its values)
 * on the profile's bins and categories: what a window of that segment is compared with.
 */
export class SegmentReference {
  private readonly byName: Map<string, Feature>;

  constructor(
    /** The segment as windows name it: `key=value`, `key=other` for the rest. */
    readonly segment: string,
    readonly json: Readonly<SegmentReferenceJSON>,
  ) {
    this.byName = new Map(
      json.features.map((f) => [
        `${f.role}:${f.name}`,
        f.type === 'numeric' ? new NumericFeature(f) : new CategoricalFeature(f),
      ]),
    );
  }

  get rows(): number {
    return this.json.rows;
  }

  /** This segment's distribution of a profile feature. */
  feature<F extends Feature>(profileFeature: F): F {
    return this.byName.get(`${profileFeature.role}:${profileFeature.name}`) as F;
  }
}

/**
 * The training-time (or bootstrap) distribution of a model's features and output, frozen: bin edges
 * from the reference quantiles, categories, moments and a quantile summary. Windows are binned with
 * these edges only — never re-binned on current data — so a window's statistics depend on the window
 * alone. Serializable to JSON to be stored with the model version.
 */
export class ReferenceProfile {
  readonly options: ResolvedProfileOptions;
  readonly features: readonly Feature[];
  readonly numeric: readonly NumericFeature[];
  readonly categorical: readonly CategoricalFeature[];
  /** The model output's feature, if the reference had predictions. */
  readonly prediction: Feature | null;
  /** Identifies the binning and options; window states of different profiles never merge. */
  readonly fingerprint: string;
  private readonly byName: Map<string, Feature>;
  private readonly segmentReferences: Map<string, SegmentReference>;
  private estimationCache: PerformanceEstimation | undefined;

  private constructor(private readonly json: ReferenceProfileJSON) {
    this.options = json.options;
    this.features = json.features.map((f) =>
      f.type === 'numeric' ? new NumericFeature(f) : new CategoricalFeature(f),
    );
    this.numeric = this.features.filter((f): f is NumericFeature => f.type === 'numeric');
    this.categorical = this.features.filter((f): f is CategoricalFeature => f.type === 'categorical');
    this.prediction = this.features.find((f) => f.role === 'prediction') ?? null;
    this.byName = new Map(this.features.map((f) => [`${f.role}:${f.name}`, f]));
    this.fingerprint = fingerprint(json);
    this.segmentReferences = new Map();
    for (const k of json.segments ?? []) {
      for (const v of k.values) {
        const segment = `${k.key}=${v.value as string}`;
        this.segmentReferences.set(segment, new SegmentReference(segment, v));
      }
      if (k.other)
        this.segmentReferences.set(`${k.key}=other`, new SegmentReference(`${k.key}=other`, k.other));
    }
  }

  /** Segment keys with references in this profile. */
  get segmentKeys(): string[] {
    return (this.json.segments ?? []).map((k) => k.key);
  }

  /** The tracked values of a segment key, most frequent first (undefined when the profile has no references for it). */
  segmentValues(key: string): readonly string[] | undefined {
    const k = (this.json.segments ?? []).find((s) => s.key === key);
    return k ? k.values.map((v) => v.value as string) : undefined;
  }

  /** The reference of a segment (`key=value`, `key=other`), or null when the profile has none for it. */
  segmentReference(segment: string): SegmentReference | null {
    return this.segmentReferences.get(segment) ?? null;
  }

  /** What label-free performance estimation learnt on the reference's labelled rows, if it had any. */
  get performanceEstimation(): PerformanceEstimation | null {
    const json = this.json.performanceEstimation;
    if (json === undefined) return null;
    this.estimationCache ??= PerformanceEstimation.fromJSON(json);
    return this.estimationCache;
  }

  /** This profile with a performance-estimation reference (replacing any); drift state is unaffected. */
  withPerformanceEstimation(estimation: PerformanceEstimation): ReferenceProfile {
    return new ReferenceProfile({ ...this.json, performanceEstimation: estimation.toJSON() });
  }

  /** Rows the profile was built from. */
  get rows(): number {
    return this.json.rows;
  }

  /** An input feature by name. */
  feature(name: string): Feature | undefined {
    return this.byName.get(`input:${name}`);
  }

  toJSON(): ReferenceProfileJSON {
    return this.json;
  }

  /** Parses and validates a stored profile; throws InvalidProfileError naming the bad field. */
  static fromJSON(json: unknown): ReferenceProfile {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (cause) {
        throw new InvalidProfileError('$', 'not valid JSON', { cause });
      }
    }
    return new ReferenceProfile(validateProfileJSON(value));
  }

  /**
   * Builds a profile from reference columns (all the same length; null or undefined = missing).
   * `prediction` holds the model's outputs on the reference rows, numbers or classes.
   */
  static fromColumns(
    columns: {
      numeric?: Record<string, ArrayLike<number | null | undefined>>;
      categorical?: Record<string, ArrayLike<string | null | undefined>>;
      prediction?: ArrayLike<number | null | undefined> | ArrayLike<string | null | undefined>;
    },
    options: ProfileOptions = {},
  ): ReferenceProfile {
    const opts = resolveOptions(options);
    const lengths = new Set<number>();
    for (const group of [columns.numeric ?? {}, columns.categorical ?? {}]) {
      for (const col of Object.values(group)) lengths.add(col.length);
    }
    if (columns.prediction) lengths.add(columns.prediction.length);
    if (lengths.size > 1) {
      throw new InvalidArgumentError(
        `reference columns must have the same length (got ${[...lengths].join(', ')})`,
      );
    }
    const rows = lengths.size === 1 ? [...lengths][0] : 0;
    const features: FeatureJSON[] = [];
    for (const [name, col] of Object.entries(columns.numeric ?? {})) {
      features.push(numericFeatureJSON(name, 'input', finiteValues(col), rows, opts));
    }
    for (const [name, col] of Object.entries(columns.categorical ?? {})) {
      if (columns.numeric && name in columns.numeric) {
        throw new InvalidArgumentError(`feature '${name}' is given both as numeric and as categorical`);
      }
      features.push(categoricalFeatureJSON(name, 'input', categoryCounts(col, name), rows, opts));
    }
    if (columns.prediction) features.push(predictionFeatureJSON(columns.prediction, rows, opts));
    return ReferenceProfile.fromJSON({
      format: 'continuum.drift/reference-profile',
      version: 1,
      rows,
      options: opts,
      features,
    } satisfies ReferenceProfileJSON);
  }
}

export function resolveOptions(options: ProfileOptions): ResolvedProfileOptions {
  const o = { ...DEFAULT_PROFILE_OPTIONS, ...stripUndefined(options) };
  const int = (name: keyof ResolvedProfileOptions, min: number, max: number) => {
    const v = o[name] as number;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(
        `profile option ${name} must be an integer in [${min}, ${max}] (got ${String(v)})`,
      );
    }
  };
  int('bins', 1, 1000);
  int('maxCategories', 1, 100_000);
  int('summarySize', 1, 1_000_000);
  int('sketchCompression', 20, 100_000);
  int('sketchExactLimit', 0, 1 << 24);
  int('heavyHitters', 1, 65536);
  if (typeof o.predictionName !== 'string' || o.predictionName.length === 0) {
    throw new InvalidArgumentError('profile option predictionName must be a non-empty string');
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Finite values of a column; anything else counts as missing. */
function finiteValues(col: ArrayLike<unknown>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return Float64Array.from(out);
}

function categoryCounts(col: ArrayLike<unknown>, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string') {
      throw new InvalidArgumentError(
        `categorical column '${name}'[${i}] is ${typeof v}; expected a string or null`,
      );
    }
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

function predictionFeatureJSON(
  col: ArrayLike<unknown>,
  rows: number,
  opts: ResolvedProfileOptions,
): FeatureJSON {
  let numbers = 0;
  let strings = 0;
  for (let i = 0; i < col.length; i++) {
    if (typeof col[i] === 'number') numbers++;
    else if (typeof col[i] === 'string') strings++;
  }
  if (numbers > 0 && strings > 0) {
    throw new InvalidArgumentError('prediction column mixes numbers and strings');
  }
  return strings > 0
    ? categoricalFeatureJSON(
        opts.predictionName,
        'prediction',
        categoryCounts(col, opts.predictionName),
        rows,
        opts,
      )
    : numericFeatureJSON(opts.predictionName, 'prediction', finiteValues(col), rows, opts);
}

/** Reference distribution of a numeric feature from its finite values. */
export function numericFeatureJSON(
  name: string,
  role: FeatureRole,
  values: Float64Array,
  rows: number,
  opts: ResolvedProfileOptions,
  /** A segment's distribution: the profile feature's bins, and the segment's summary size. */
  frozen?: { readonly binning: Binning; readonly edges: readonly number[]; readonly summarySize: number },
): NumericFeatureJSON {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const distinct = uniqueSorted(sorted);
  const summarySize = frozen ? frozen.summarySize : opts.summarySize;
  let binning: Binning;
  let edges: Float64Array;
  if (frozen) {
    binning = frozen.binning;
    edges = Float64Array.from(frozen.edges);
  } else if (distinct.length <= opts.bins) {
    binning = 'distinct';
    edges = distinct;
  } else {
    binning = 'quantile';
    edges = uniqueSorted(linearQuantileEdges(sorted, opts.bins));
  }
  const interior = interiorBinCount(binning, edges);
  const binCounts = new Array<number>(interior).fill(0);
  for (let i = 0; i < n; i++) binCounts[binIndex(edges, interior, sorted[i]) - 1]++;
  // Two-pass moments with a compensated sum: the reference is built once, accuracy is cheap here.
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const y = sorted[i] - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += (sorted[i] - mean) ** 2;
  let summary: number[];
  let summaryError = 0;
  if (n <= summarySize) {
    summary = Array.from(sorted);
  } else {
    const m = summarySize;
    summary = Array.from({ length: m }, (_, i) => sorted[Math.floor(((i + 0.5) * n) / m)]);
    const points = Float64Array.from(summary);
    summaryError = wassersteinDistance(
      { values: sorted, weights: null, count: n, rankError: 0 },
      { values: points, weights: new Float64Array(m).fill(n / m), count: n, rankError: 0 },
    ).distance;
  }
  return {
    name,
    type: 'numeric',
    role,
    count: n,
    missing: rows - n,
    binning,
    edges: Array.from(edges),
    binCounts,
    mean,
    m2,
    min: n > 0 ? sorted[0] : 0,
    max: n > 0 ? sorted[n - 1] : 0,
    distinctValues: distinct.length,
    summary,
    summaryError,
  };
}

/** Reference distribution of a categorical feature from its value counts. */
export function categoricalFeatureJSON(
  name: string,
  role: FeatureRole,
  counts: Map<string, number>,
  rows: number,
  opts: ResolvedProfileOptions,
  /** A segment's distribution: the profile feature's categories and distinct-value count. */
  frozen?: { readonly categories: readonly string[]; readonly distinctValues: number },
): CategoricalFeatureJSON {
  let count = 0;
  for (const c of counts.values()) count += c;
  let categories: string[];
  if (frozen) categories = [...frozen.categories];
  else {
    const ordered = [...counts.entries()].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    categories = ordered.slice(0, opts.maxCategories).map(([k]) => k);
  }
  const categoryCounts = categories.map((c) => counts.get(c) ?? 0);
  return {
    name,
    type: 'categorical',
    role,
    count,
    missing: rows - count,
    categories,
    categoryCounts,
    otherCount: count - categoryCounts.reduce((s, c) => s + c, 0),
    distinctValues: frozen ? frozen.distinctValues : counts.size,
  };
}

/** 64-bit FNV-1a (two 32-bit lanes) over what determines bins, categories and state layout. */
function fingerprint(json: ReferenceProfileJSON): string {
  const canonical = JSON.stringify({
    options: json.options,
    features: json.features.map((f) =>
      f.type === 'numeric'
        ? [f.name, f.type, f.role, f.binning, f.edges, fnv1aString(JSON.stringify(f.summary))]
        : [f.name, f.type, f.role, f.categories, f.distinctValues === f.categories.length],
    ),
  });
  const a = fnv1aString(canonical);
  const b = fnv1aString(canonical, 0x01234567);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
