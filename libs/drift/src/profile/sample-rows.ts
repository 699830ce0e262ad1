/**
 * From tabular sample rows (a training-data export: CSV, JSON Lines, Parquet, JSON) to the events
 * ReferenceProfileBuilder observes: which column is a numeric feature, a categorical feature, the
 * prediction, a segment tag, or left out. Types come from the model's contract when there is one,
 * otherwise from the data: a column is numeric when every value it has is a number or a numeric
 * string, categorical otherwise. Used by `continuum profile build` and the registry's
 * profile-from-sample endpoint, so both make the same profile of the same rows.
 */
import { PerformanceEstimation } from './performance-estimation';
import type { ObservedEvent } from './profile-types';
import { ReferenceProfileBuilder, type ReferenceProfileBuilderOptions } from './reference-profile-builder';
import type { ReferenceProfile } from './reference-profile';

/** One row of a sample: column name to value (strings from CSV, JSON values otherwise). */
export type SampleRow = Readonly<Record<string, unknown>>;

/** The part of a model's feature contract that types a sample's columns. */
export interface SampleContract {
  readonly features: ReadonlyArray<{ readonly name: string; readonly type: 'NUMERIC' | 'CATEGORICAL' }>;
}

export type SampleColumnKind = 'numeric' | 'categorical';

export interface SampleColumnPlan {
  numeric: string[];
  categorical: string[];
  prediction?: { column: string; kind: SampleColumnKind };
  /** Segment tag columns: each row's values go to the builder as the event's segments. */
  segmentBy: string[];
  /** The true-label column (not a feature): with a numeric prediction, the performance-estimation reference is fitted. */
  label?: string;
  /** Columns not profiled, with why. */
  ignored: Array<{ column: string; why: string }>;
}

/** What one pass over the rows learns about each column's values. */
export class SampleColumnTypes {
  private readonly seen = new Map<string, { values: number; numeric: boolean }>();
  /** Columns in first-seen order. */
  readonly columns: string[] = [];

  observe(row: SampleRow): void {
    for (const column in row) {
      let s = this.seen.get(column);
      if (!s) {
        this.seen.set(column, (s = { values: 0, numeric: true }));
        this.columns.push(column);
      }
      const v = row[column];
      if (isMissing(v)) continue;
      s.values++;
      if (s.numeric && toNumber(v) === undefined) s.numeric = false;
    }
  }

  /** undefined when the column never had a value. */
  kindOf(column: string): SampleColumnKind | undefined {
    const s = this.seen.get(column);
    if (!s || s.values === 0) return undefined;
    return s.numeric ? 'numeric' : 'categorical';
  }
}

export interface SamplePlanOptions {
  contract?: SampleContract;
  /** The prediction column (default: 'prediction' when the sample has one). */
  prediction?: string;
  segmentBy?: readonly string[];
  exclude?: readonly string[];
  /** The true-label column, when the sample has labels (never a feature). */
  label?: string;
}

export function planSampleColumns(types: SampleColumnTypes, options: SamplePlanOptions): SampleColumnPlan {
  const segmentBy = new Set(options.segmentBy ?? []);
  const plan: SampleColumnPlan = { numeric: [], categorical: [], segmentBy: [...segmentBy], ignored: [] };
  if (options.label !== undefined) plan.label = options.label;
  const columns = new Set(types.columns);
  const excluded = new Set(options.exclude ?? []);
  const predictionColumn = options.prediction ?? (columns.has('prediction') ? 'prediction' : undefined);
  if (predictionColumn !== undefined) {
    const kind = types.kindOf(predictionColumn);
    if (kind) plan.prediction = { column: predictionColumn, kind };
    else plan.ignored.push({ column: predictionColumn, why: 'the prediction column has no value' });
  }
  const contractTypes = new Map(options.contract?.features.map((f) => [f.name, f.type]));
  for (const column of types.columns) {
    if (column === predictionColumn) continue;
    if (column === options.label) {
      plan.ignored.push({ column, why: 'the label' });
      continue;
    }
    // A segment tag is a feature too only when the contract says so.
    if (segmentBy.has(column) && !contractTypes.has(column)) continue;
    if (excluded.has(column)) {
      plan.ignored.push({ column, why: 'excluded' });
      continue;
    }
    if (options.contract) {
      const type = contractTypes.get(column);
      if (type === undefined) plan.ignored.push({ column, why: 'not in the contract' });
      else (type === 'NUMERIC' ? plan.numeric : plan.categorical).push(column);
      continue;
    }
    const kind = types.kindOf(column);
    if (kind === undefined) plan.ignored.push({ column, why: 'no value in the sample' });
    else (kind === 'numeric' ? plan.numeric : plan.categorical).push(column);
  }
  return plan;
}

/** Contract features the sample does not have at all (profiled as entirely missing: worth a warning). */
export function absentContractFeatures(
  types: SampleColumnTypes,
  contract: SampleContract | undefined,
): string[] {
  if (!contract) return [];
  const columns = new Set(types.columns);
  return contract.features.map((f) => f.name).filter((name) => !columns.has(name));
}

/** One row as the builder's event; values that do not fit the column's type count as missing. */
export function sampleRowEvent(row: SampleRow, plan: SampleColumnPlan): ObservedEvent {
  const numeric: Record<string, number | null> = {};
  const categorical: Record<string, string | null> = {};
  for (const column of plan.numeric) numeric[column] = toNumber(row[column]) ?? null;
  for (const column of plan.categorical) categorical[column] = toCategory(row[column]);
  let prediction: number | string | null = null;
  if (plan.prediction) {
    const v = row[plan.prediction.column];
    prediction = plan.prediction.kind === 'numeric' ? (toNumber(v) ?? null) : toCategory(v);
  }
  if (plan.segmentBy.length === 0) return { numeric, categorical, prediction };
  // A row without a value for a key belongs to no segment of that key (as in the monitor).
  const segments: Record<string, string> = {};
  for (const key of plan.segmentBy) {
    const value = toCategory(row[key]);
    if (value !== null) segments[key] = value;
  }
  return { numeric, categorical, prediction, segments };
}

/** How a profile is built from a sample: the column plan's options and the builder's. */
export type SampleBuildOptions = SamplePlanOptions &
  Pick<ReferenceProfileBuilderOptions, 'bins' | 'maxCategories'> & {
    /** Values per segment tag with their own reference (default 20). */
    maxSegments?: number;
  };

/** The builder for a sample: the profile options, and segment references for the segment tags. */
export function sampleProfileBuilder(options: SampleBuildOptions): ReferenceProfileBuilder {
  const segmentBy = options.segmentBy ?? [];
  return new ReferenceProfileBuilder({
    ...(options.bins ? { bins: options.bins } : {}),
    ...(options.maxCategories ? { maxCategories: options.maxCategories } : {}),
    ...(segmentBy.length > 0 ? { segments: { keys: segmentBy, maxValues: options.maxSegments ?? 20 } } : {}),
  });
}

/** Labelled rows kept at most for the estimation reference (the first ones of the sample). */
export const MAX_ESTIMATION_ROWS = 20_000;

/** Fewer labelled rows give sampling-error components too noisy to draw a band from. */
const MIN_ESTIMATION_ROWS = 50;

/**
 * The sample's labelled rows (label column and numeric prediction both present), the first
 * `MAX_ESTIMATION_ROWS`, fitted into the profile's performance-estimation reference: CBPE when
 * every label is 0/1 and every prediction a probability, DLE otherwise. The sample stands for the
 * reference period: rows the model was not trained on give an honest reference.
 */
export class SampleEstimationRows {
  private readonly rows: Array<{
    score: number;
    numeric: ObservedEvent['numeric'];
    categorical: ObservedEvent['categorical'];
  }> = [];
  private readonly labels: number[] = [];

  constructor(private readonly plan: SampleColumnPlan) {}

  /** Keeps a row (as its builder event) when it has a label and a numeric prediction. */
  observe(row: SampleRow, event: ObservedEvent): void {
    if (this.plan.label === undefined || this.rows.length >= MAX_ESTIMATION_ROWS) return;
    const label = toNumber(row[this.plan.label]);
    if (label === undefined || typeof event.prediction !== 'number') return;
    this.rows.push({ score: event.prediction, numeric: event.numeric, categorical: event.categorical });
    this.labels.push(label);
  }

  /** The reference, or why there is none. */
  fit(): { estimation: PerformanceEstimation } | { problem: string } {
    if (this.plan.label === undefined) return { problem: 'no label column' };
    if (this.plan.prediction?.kind !== 'numeric') return { problem: 'no numeric prediction column' };
    if (this.rows.length < MIN_ESTIMATION_ROWS)
      return { problem: `${this.rows.length} labelled rows (at least ${MIN_ESTIMATION_ROWS} needed)` };
    const binary =
      this.labels.every((y) => y === 0 || y === 1) && this.rows.every((r) => r.score >= 0 && r.score <= 1);
    if (binary) {
      if (new Set(this.labels).size < 2) return { problem: 'the labels hold one class only' };
      return {
        estimation: PerformanceEstimation.fitBinary(
          this.rows.map((r) => r.score),
          this.labels,
        ),
      };
    }
    return { estimation: PerformanceEstimation.fitRegression(this.rows, this.labels) };
  }
}

/**
 * A profile of rows held in memory (two passes: column types, then the builder): the registry's
 * endpoint. A file too large for memory goes through the same pieces streamed (tools/cli).
 */
export function profileFromSample(
  rows: readonly SampleRow[],
  options: SampleBuildOptions,
): { profile: ReferenceProfile; plan: SampleColumnPlan; estimationProblem?: string } {
  const types = new SampleColumnTypes();
  for (const row of rows) types.observe(row);
  const plan = planSampleColumns(types, options);
  const builder = sampleProfileBuilder(options);
  const labelled = new SampleEstimationRows(plan);
  for (const row of rows) {
    const event = sampleRowEvent(row, plan);
    builder.observe(event);
    labelled.observe(row, event);
  }
  const profile = builder.build();
  if (options.label === undefined) return { profile, plan };
  const fitted = labelled.fit();
  if ('problem' in fitted) return { profile, plan, estimationProblem: fitted.problem };
  return { profile: profile.withPerformanceEstimation(fitted.estimation), plan };
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function toCategory(v: unknown): string | null {
  if (isMissing(v)) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
