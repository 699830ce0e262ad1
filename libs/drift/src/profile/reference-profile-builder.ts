import { InvalidArgumentError } from '../errors';
import type {
  FeatureJSON,
  ObservedEvent,
  ProfileOptions,
  ResolvedProfileOptions,
  SegmentKeyJSON,
  SegmentReferenceJSON,
} from './profile-types';
import {
  ReferenceProfile,
  categoricalFeatureJSON,
  numericFeatureJSON,
  resolveOptions,
} from './reference-profile';

/** Which per-segment references to build (from the events' segment tags). */
export interface SegmentReferenceOptions {
  /** Segment keys (tags); 'all' takes every key the events carry, the `maxKeys` most common. */
  keys: readonly string[] | 'all';
  /** Values per key with their own reference, the most frequent (default 20); the rest share one. */
  maxValues?: number;
  /** Keys with 'all' (default 8). */
  maxKeys?: number;
  /** Quantile-summary points per numeric feature and segment (default 200). */
  summarySize?: number;
}

export interface ReferenceProfileBuilderOptions extends ProfileOptions {
  /** Stop accumulating after this many events (default: unbounded; set it for a bootstrap reference). */
  maxRows?: number;
  /** Per-segment references stored in the profile (default: none). */
  segments?: SegmentReferenceOptions;
}

/** Values with the row each came from (segment references split them by row). */
interface NumericColumn {
  values: number[];
  rows: number[];
}

interface CategoricalColumn {
  counts: Map<string, number>;
  values: string[];
  rows: number[];
}

/**
 * Accumulates reference events, then freezes them into a ReferenceProfile: for a model without a
 * registered profile, the monitor bootstraps one from the stream's first `maxRows` events. Feature
 * types are taken from the first event that carries them (numeric map or categorical map); a value of
 * the other type later counts as missing in the reference. Memory is bounded by `maxRows` × features.
 */
export class ReferenceProfileBuilder {
  private readonly opts: ResolvedProfileOptions;
  readonly maxRows: number;
  private readonly numeric = new Map<string, NumericColumn>();
  private readonly categorical = new Map<string, CategoricalColumn>();
  private numericPrediction: NumericColumn | null = null;
  private categoricalPrediction: CategoricalColumn | null = null;
  private rowCount = 0;
  private readonly segmentOptions: Required<SegmentReferenceOptions> | null;
  /** Segment tags per row (only kept when segment references are built). */
  private readonly segmentTags: Array<Readonly<Record<string, string>> | undefined> = [];

  constructor(options: ReferenceProfileBuilderOptions = {}) {
    const { maxRows, segments, ...profileOptions } = options;
    this.opts = resolveOptions(profileOptions);
    this.segmentOptions = segments ? { maxValues: 20, maxKeys: 8, summarySize: 200, ...segments } : null;
    if (this.segmentOptions) {
      for (const k of ['maxValues', 'maxKeys', 'summarySize'] as const) {
        const v = this.segmentOptions[k];
        if (!Number.isInteger(v) || v < 1)
          throw new InvalidArgumentError(`segments.${k} must be a positive integer (got ${String(v)})`);
      }
    }
    this.maxRows = maxRows ?? Infinity;
    if (!(this.maxRows >= 1) || (Number.isFinite(this.maxRows) && !Number.isInteger(this.maxRows))) {
      throw new InvalidArgumentError(`maxRows must be a positive integer (got ${String(maxRows)})`);
    }
  }

  /** Events accumulated so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Whether `maxRows` events have been accumulated (further events are ignored). */
  get isFull(): boolean {
    return this.rowCount >= this.maxRows;
  }

  /** Adds one reference event; returns false (and ignores it) once the builder is full. */
  observe(event: ObservedEvent): boolean {
    if (this.isFull) return false;
    const row = this.rowCount++;
    if (this.segmentOptions) this.segmentTags.push(event.segments);
    if (event.numeric) {
      for (const name in event.numeric) {
        if (this.categorical.has(name)) continue;
        let col = this.numeric.get(name);
        if (!col) this.numeric.set(name, (col = { values: [], rows: [] }));
        pushNumber(col, event.numeric[name], row);
      }
    }
    if (event.categorical) {
      for (const name in event.categorical) {
        if (this.numeric.has(name)) continue;
        let col = this.categorical.get(name);
        if (!col) this.categorical.set(name, (col = { counts: new Map(), values: [], rows: [] }));
        pushCategory(col, event.categorical[name], row);
      }
    }
    const p = event.prediction;
    if (typeof p === 'number' && !this.categoricalPrediction) {
      this.numericPrediction ??= { values: [], rows: [] };
      pushNumber(this.numericPrediction, p, row);
    } else if (typeof p === 'string' && !this.numericPrediction) {
      this.categoricalPrediction ??= { counts: new Map(), values: [], rows: [] };
      pushCategory(this.categoricalPrediction, p, row);
    }
    return true;
  }

  /** Freezes what was accumulated into a profile (the builder can keep accumulating afterwards). */
  build(): ReferenceProfile {
    const rows = this.rowCount;
    const features: FeatureJSON[] = [];
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    for (const name of [...this.numeric.keys()].sort(byName)) {
      features.push(
        numericFeatureJSON(name, 'input', Float64Array.from(this.numeric.get(name)!.values), rows, this.opts),
      );
    }
    for (const name of [...this.categorical.keys()].sort(byName)) {
      features.push(
        categoricalFeatureJSON(name, 'input', this.categorical.get(name)!.counts, rows, this.opts),
      );
    }
    const name = this.opts.predictionName;
    if (this.numericPrediction) {
      features.push(
        numericFeatureJSON(
          name,
          'prediction',
          Float64Array.from(this.numericPrediction.values),
          rows,
          this.opts,
        ),
      );
    } else if (this.categoricalPrediction) {
      features.push(
        categoricalFeatureJSON(name, 'prediction', this.categoricalPrediction.counts, rows, this.opts),
      );
    }
    const segments = this.segmentOptions ? this.segmentReferences(features, this.segmentOptions) : undefined;
    return ReferenceProfile.fromJSON({
      format: 'continuum.drift/reference-profile',
      version: 1,
      rows,
      options: this.opts,
      features,
      // No segment key carried by the events: no segment references (the profile stays as without the option).
      ...(segments && segments.length > 0 ? { segments } : {}),
    });
  }

  /** The column of a profile feature, as accumulated. */
  private column(f: FeatureJSON): NumericColumn | CategoricalColumn {
    if (f.role === 'prediction') return (this.numericPrediction ?? this.categoricalPrediction)!;
    return (f.type === 'numeric' ? this.numeric.get(f.name) : this.categorical.get(f.name))!;
  }

  /**
   * Per segment key, the `maxValues` most frequent values (ties by value) and the rest, each with the
   * profile's features counted over its rows on the profile's bins and categories.
   */
  private segmentReferences(
    features: readonly FeatureJSON[],
    o: Required<SegmentReferenceOptions>,
  ): SegmentKeyJSON[] {
    const byCountThenName = (a: [string, number], b: [string, number]) =>
      b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    let keys: readonly string[];
    if (o.keys === 'all') {
      const carried = new Map<string, number>();
      for (const tags of this.segmentTags) {
        for (const k in tags ?? {})
          if (typeof tags![k] === 'string') carried.set(k, (carried.get(k) ?? 0) + 1);
      }
      keys = [...carried.entries()]
        .sort(byCountThenName)
        .slice(0, o.maxKeys)
        .map(([k]) => k);
    } else keys = o.keys;
    return keys.map((key) => {
      const counts = new Map<string, number>();
      for (const tags of this.segmentTags) {
        const v = tags?.[key];
        if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const tracked = [...counts.entries()].sort(byCountThenName).slice(0, o.maxValues);
      const groupOf = new Map(tracked.map(([v], g) => [v, g]));
      const restGroup = tracked.length;
      // Group of each row: a tracked value's index, the rest, or -1 (no tag).
      const group = new Int32Array(this.rowCount).fill(-1);
      const groupRows = new Array<number>(tracked.length + 1).fill(0);
      this.segmentTags.forEach((tags, row) => {
        const v = tags?.[key];
        if (typeof v !== 'string') return;
        group[row] = groupOf.get(v) ?? restGroup;
        groupRows[group[row]]++;
      });
      const groups = tracked.length + 1;
      const perGroup: FeatureJSON[][] = Array.from({ length: groups }, () => []);
      for (const f of features) {
        const col = this.column(f);
        if (f.type === 'numeric') {
          const split = splitRows(groups, group, (col as NumericColumn).values, col.rows);
          split.forEach((values, g) =>
            perGroup[g].push(
              numericFeatureJSON(f.name, f.role, Float64Array.from(values), groupRows[g], this.opts, {
                binning: f.binning,
                edges: f.edges,
                summarySize: o.summarySize,
              }),
            ),
          );
        } else {
          const split = splitRows(groups, group, (col as CategoricalColumn).values, col.rows);
          split.forEach((values, g) => {
            const c = new Map<string, number>();
            for (const v of values) c.set(v, (c.get(v) ?? 0) + 1);
            perGroup[g].push(
              categoricalFeatureJSON(f.name, f.role, c, groupRows[g], this.opts, {
                categories: f.categories,
                distinctValues: f.distinctValues,
              }),
            );
          });
        }
      }
      const reference = (g: number, value: string | null): SegmentReferenceJSON => ({
        value,
        rows: groupRows[g],
        features: perGroup[g],
      });
      return {
        key,
        maxValues: o.maxValues,
        distinctValues: counts.size,
        values: tracked.map(([v], g) => reference(g, v)),
        other: counts.size > tracked.length ? reference(restGroup, null) : null,
      };
    });
  }

  /** Builds a profile from an iterable of reference events. */
  static fromEvents(
    events: Iterable<ObservedEvent>,
    options: ReferenceProfileBuilderOptions = {},
  ): ReferenceProfile {
    const builder = new ReferenceProfileBuilder(options);
    for (const e of events) builder.observe(e);
    return builder.build();
  }
}

function pushNumber(col: NumericColumn, v: unknown, row: number): void {
  if (typeof v === 'number' && Number.isFinite(v)) {
    col.values.push(v);
    col.rows.push(row);
  }
}

function pushCategory(col: CategoricalColumn, v: unknown, row: number): void {
  if (typeof v === 'string') {
    col.counts.set(v, (col.counts.get(v) ?? 0) + 1);
    col.values.push(v);
    col.rows.push(row);
  }
}

/** Values of a column split by the group of the row each came from (rows of group -1 are dropped). */
function splitRows<T>(
  groups: number,
  group: Int32Array,
  values: readonly T[],
  rows: readonly number[],
): T[][] {
  const out: T[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < values.length; i++) {
    const g = group[rows[i]];
    if (g >= 0) out[g].push(values[i]);
  }
  return out;
}
