import { InvalidArgumentError } from '../errors';
import type { FeatureJSON, ObservedEvent, ProfileOptions, ResolvedProfileOptions } from './profile-types';
import {
  ReferenceProfile,
  categoricalFeatureJSON,
  numericFeatureJSON,
  resolveOptions,
} from './reference-profile';

export interface ReferenceProfileBuilderOptions extends ProfileOptions {
  /** Stop accumulating after this many events (default: unbounded; set it for a bootstrap reference). */
  maxRows?: number;
}

interface NumericColumn {
  values: number[];
}

interface CategoricalColumn {
  counts: Map<string, number>;
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

  constructor(options: ReferenceProfileBuilderOptions = {}) {
    const { maxRows, ...profileOptions } = options;
    this.opts = resolveOptions(profileOptions);
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
    this.rowCount++;
    if (event.numeric) {
      for (const name in event.numeric) {
        if (this.categorical.has(name)) continue;
        let col = this.numeric.get(name);
        if (!col) this.numeric.set(name, (col = { values: [] }));
        const v = event.numeric[name];
        if (typeof v === 'number' && Number.isFinite(v)) col.values.push(v);
      }
    }
    if (event.categorical) {
      for (const name in event.categorical) {
        if (this.numeric.has(name)) continue;
        let col = this.categorical.get(name);
        if (!col) this.categorical.set(name, (col = { counts: new Map() }));
        const v = event.categorical[name];
        if (typeof v === 'string') col.counts.set(v, (col.counts.get(v) ?? 0) + 1);
      }
    }
    const p = event.prediction;
    if (typeof p === 'number' && !this.categoricalPrediction) {
      this.numericPrediction ??= { values: [] };
      if (Number.isFinite(p)) this.numericPrediction.values.push(p);
    } else if (typeof p === 'string' && !this.numericPrediction) {
      this.categoricalPrediction ??= { counts: new Map() };
      this.categoricalPrediction.counts.set(p, (this.categoricalPrediction.counts.get(p) ?? 0) + 1);
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
    return ReferenceProfile.fromJSON({
      format: 'continuum.drift/reference-profile',
      version: 1,
      rows,
      options: this.opts,
      features,
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
