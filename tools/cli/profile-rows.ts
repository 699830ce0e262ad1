/**
 * From sample rows to the events ReferenceProfileBuilder observes: which column is a numeric
 * feature, a categorical feature, the prediction, the segment tag, or left out. Types come from
 * the model's contract when there is one, otherwise from the data: a column is numeric when every
 * value it has is a number or a numeric string, categorical otherwise. Pure.
 */
import { type ObservedEvent } from '@continuum/drift';
import { type ContractFile } from './contract-file';
import { type Row } from './profile-io';

export type ColumnKind = 'numeric' | 'categorical';

export interface ColumnPlan {
  numeric: string[];
  categorical: string[];
  prediction?: { column: string; kind: ColumnKind };
  /** Segment tag columns: each row's values go to the builder as the event's segments. */
  segmentBy: string[];
  /** Columns not profiled, with why. */
  ignored: Array<{ column: string; why: string }>;
}

/** What one pass over the rows learns about each column's values. */
export class ColumnTypes {
  private readonly seen = new Map<string, { values: number; numeric: boolean }>();
  /** Columns in first-seen order. */
  readonly columns: string[] = [];

  observe(row: Row): void {
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
  kindOf(column: string): ColumnKind | undefined {
    const s = this.seen.get(column);
    if (!s || s.values === 0) return undefined;
    return s.numeric ? 'numeric' : 'categorical';
  }
}

export interface PlanOptions {
  contract?: ContractFile;
  /** The prediction column (default: 'prediction' when the sample has one). */
  prediction?: string;
  segmentBy?: readonly string[];
  exclude?: readonly string[];
}

export function planColumns(types: ColumnTypes, options: PlanOptions): ColumnPlan {
  const segmentBy = new Set(options.segmentBy ?? []);
  const plan: ColumnPlan = { numeric: [], categorical: [], segmentBy: [...segmentBy], ignored: [] };
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
export function absentContractFeatures(types: ColumnTypes, contract: ContractFile | undefined): string[] {
  if (!contract) return [];
  const columns = new Set(types.columns);
  return contract.features.map((f) => f.name).filter((name) => !columns.has(name));
}

/** One row as the builder's event; values that do not fit the column's type count as missing. */
export function rowToEvent(row: Row, plan: ColumnPlan): ObservedEvent {
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
