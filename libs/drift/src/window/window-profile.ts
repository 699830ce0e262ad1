import { IncompatibleStateError, InvalidStateError } from '../errors';
import type { CategoricalFeature, NumericFeature, ReferenceProfile } from '../profile/reference-profile';
import { binIndex } from '../profile/binning';
import {
  COLUMN_ABSENT,
  COLUMN_ABSENT_CODE,
  COLUMN_NULL,
  COLUMN_NULL_CODE,
  COLUMN_PRESENT,
  type EventColumns,
  PREDICTION_ABSENT,
  PREDICTION_NULL,
  PREDICTION_NUMBER,
  PREDICTION_STRING,
} from './event-columns';
import type { ObservedEvent } from '../profile/profile-types';
import { SharedSlots, type SlotTable } from './shared-slots';
import { ByteReader, ByteWriter, fnv1a } from '../sketch/codec';
import { QuantileSketch } from '../sketch/quantile-sketch';
import { type HeavyHitter, SpaceSaving } from '../sketch/space-saving';
import {
  ksGridSlot,
  MOMENT_SLOTS,
  type MomentSummary,
  initMoments,
  mergeMoments,
  summarizeMoments,
  updateMoments,
  type WeightedSample,
} from '@continuum/stats';

const MAGIC = 0x57445443; // 'CTDW' little-endian
// 2: counts on each numeric feature's reference grid (exact KS against the profile).
const FORMAT_VERSION = 2;
/** A merge that would overflow a grid counter (more than 2³² − 1 values at one slot) is refused. */
const GRID_COUNT_MAX = 0xffffffff;

// Quality counters per feature.
const NULLS = 0;
const ABSENT = 1;
const WRONG_TYPE = 2;
const NON_FINITE = 3;
const QUALITY_SLOTS = 4;

/** Time (or sequence) bounds of the events a window state covers; merges take the union. */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/** Per-window data-quality counters of one feature. */
export interface FeatureQualityCounts {
  readonly feature: string;
  readonly role: 'input' | 'prediction';
  /** Events observed by the window. */
  readonly events: number;
  /** Events where the value was null. */
  readonly nulls: number;
  /** Events where the feature was absent (a contract violation: MISSING_FEATURE). */
  readonly absent: number;
  /** Values of the wrong type (a string for a numeric feature, a number for a categorical one). */
  readonly wrongType: number;
  /** NaN or infinite values of a numeric feature. */
  readonly nonFinite: number;
  /** Valid values (finite numbers / strings). */
  readonly valid: number;
  /** Numeric values below the reference minimum / above the reference maximum. */
  readonly belowRange: number;
  readonly aboveRange: number;
  /** Categorical values outside the tracked reference categories. */
  readonly otherCategory: number;
}

/** Where each profile feature is in a batch's columns (-1: no such column), computed once per batch. */
interface ColumnLookup {
  readonly columns: EventColumns;
  /** Per numeric input: its numeric column, and a categorical column of the same name. */
  readonly numeric: Int32Array;
  readonly numericAsCategorical: Int32Array;
  /** Per categorical input: its categorical column, and a numeric column of the same name. */
  readonly categorical: Int32Array;
  readonly categoricalAsNumeric: Int32Array;
  /** Columns whose key is not a feature of the profile (either type): 'unexpected features'. */
  readonly unexpectedNumeric: readonly number[];
  readonly unexpectedCategorical: readonly number[];
}

/**
 * What every window state of one (frozen) profile derives from it alike — feature order, names,
 * bin and grid offsets, category indexes — made once per profile and shared read-only: window
 * states are made per pane, per closed window and per partial read, and this was most of a new
 * state's cost.
 */
interface ProfileLayout {
  /** Inputs first, then the prediction (if any) as the last feature of its type. */
  readonly numFeatures: readonly NumericFeature[];
  readonly numInputCount: number;
  readonly numNames: readonly string[];
  readonly numEdges: readonly Float64Array[];
  readonly numInterior: Int32Array;
  readonly binOffsets: Int32Array;
  readonly numGrids: readonly Float64Array[];
  readonly gridOffsets: Int32Array;
  readonly catFeatures: readonly CategoricalFeature[];
  readonly catInputCount: number;
  readonly catNames: readonly string[];
  readonly catIndex: readonly ReadonlyMap<string, number>[];
  readonly catOffsets: Int32Array;
  readonly numericNames: ReadonlySet<string>;
  readonly categoricalNames: ReadonlySet<string>;
  readonly sketchOptions: { readonly compression: number; readonly exactLimit: number };
}

const layouts = new WeakMap<ReferenceProfile, ProfileLayout>();

function layoutOf(profile: ReferenceProfile): ProfileLayout {
  const known = layouts.get(profile);
  if (known) return known;
  const numInputs = profile.numeric.filter((f) => f.role === 'input');
  const numFeatures = [...numInputs, ...profile.numeric.filter((f) => f.role === 'prediction')];
  const binOffsets = new Int32Array(numFeatures.length + 1);
  numFeatures.forEach((f, i) => (binOffsets[i + 1] = binOffsets[i] + f.interiorBins + 2));
  const numGrids = numFeatures.map((f) => f.ksGrid);
  const gridOffsets = new Int32Array(numFeatures.length + 1);
  numGrids.forEach((g, i) => (gridOffsets[i + 1] = gridOffsets[i] + 2 * g.length + 1));
  const catInputs = profile.categorical.filter((f) => f.role === 'input');
  const catFeatures = [...catInputs, ...profile.categorical.filter((f) => f.role === 'prediction')];
  const catOffsets = new Int32Array(catFeatures.length + 1);
  catFeatures.forEach((f, j) => (catOffsets[j + 1] = catOffsets[j] + f.categories.length + 1));
  const layout: ProfileLayout = {
    numFeatures,
    numInputCount: numInputs.length,
    numNames: numFeatures.map((f) => f.name),
    numEdges: numFeatures.map((f) => f.edges),
    numInterior: Int32Array.from(numFeatures.map((f) => f.interiorBins)),
    binOffsets,
    numGrids,
    gridOffsets,
    catFeatures,
    catInputCount: catInputs.length,
    catNames: catFeatures.map((f) => f.name),
    catIndex: catFeatures.map((f) => f.index),
    catOffsets,
    numericNames: new Set(numInputs.map((f) => f.name)),
    categoricalNames: new Set(catInputs.map((f) => f.name)),
    sketchOptions: {
      compression: profile.options.sketchCompression,
      exactLimit: profile.options.sketchExactLimit,
    },
  };
  layouts.set(profile, layout);
  return layout;
}

/**
 * Mergeable state of one window against a frozen reference profile: per numeric feature the counts
 * over the reference bins (plus under/overflow), moments and a quantile sketch; per categorical
 * feature the counts over the reference categories plus 'other', with SpaceSaving heavy hitters for
 * values outside them; data-quality counters; and unexpected feature names. Memory is
 * O(features × (bins + k)) whatever the number of events.
 *
 * `merge` is associative and commutative: exactly for counts (hence every binned statistic) and,
 * up to floating-point rounding, for moments; sketches merge within their stated error. Two consumers
 * of one topic can each observe some partitions and one combiner can merge their states.
 */
export class WindowProfile {
  readonly profile: ReferenceProfile;
  private events = 0;
  private boundsStart = NaN;
  private boundsEnd = NaN;

  private readonly numFeatures: readonly NumericFeature[];
  private readonly numInputCount: number;
  private readonly numNames: readonly string[];
  private readonly numEdges: readonly Float64Array[];
  private readonly numInterior: Int32Array;
  private readonly binOffsets: Int32Array;
  private readonly bins: Float64Array;
  private readonly moments: Float64Array;
  private readonly sketches: QuantileSketch[];
  private readonly numGrids: readonly Float64Array[];
  private readonly gridOffsets: Int32Array;
  /** Per numeric feature, counts on its reference grid (2·m + 1 slots; Uint32: half the memory). */
  private readonly gridCounts: Uint32Array;
  private readonly numQuality: Float64Array;

  private readonly catFeatures: readonly CategoricalFeature[];
  private readonly catInputCount: number;
  private readonly catNames: readonly string[];
  private readonly catIndex: readonly ReadonlyMap<string, number>[];
  private readonly catOffsets: Int32Array;
  private readonly cats: Float64Array;
  private readonly unseen: SpaceSaving[];
  private readonly catQuality: Float64Array;

  private readonly numericNames: ReadonlySet<string>;
  private readonly categoricalNames: ReadonlySet<string>;
  private unexpected: SpaceSaving;
  private unexpectedCount = 0;
  private lookup?: ColumnLookup;

  constructor(profile: ReferenceProfile, bounds?: WindowBounds) {
    this.profile = profile;
    const layout = layoutOf(profile);
    this.numFeatures = layout.numFeatures;
    this.numInputCount = layout.numInputCount;
    this.numNames = layout.numNames;
    this.numEdges = layout.numEdges;
    this.numInterior = layout.numInterior;
    this.binOffsets = layout.binOffsets;
    this.bins = new Float64Array(this.binOffsets[this.numFeatures.length]);
    this.moments = new Float64Array(MOMENT_SLOTS * this.numFeatures.length);
    for (let i = 0; i < this.numFeatures.length; i++) initMoments(this.moments, MOMENT_SLOTS * i);
    this.sketches = this.numFeatures.map(() => new QuantileSketch(layout.sketchOptions));
    this.numGrids = layout.numGrids;
    this.gridOffsets = layout.gridOffsets;
    this.gridCounts = new Uint32Array(this.gridOffsets[this.numFeatures.length]);
    this.numQuality = new Float64Array(QUALITY_SLOTS * this.numFeatures.length);

    this.catFeatures = layout.catFeatures;
    this.catInputCount = layout.catInputCount;
    this.catNames = layout.catNames;
    this.catIndex = layout.catIndex;
    this.catOffsets = layout.catOffsets;
    this.cats = new Float64Array(this.catOffsets[this.catFeatures.length]);
    this.unseen = this.catFeatures.map(() => new SpaceSaving(profile.options.heavyHitters));
    this.catQuality = new Float64Array(QUALITY_SLOTS * this.catFeatures.length);

    this.numericNames = layout.numericNames;
    this.categoricalNames = layout.categoricalNames;
    this.unexpected = new SpaceSaving(profile.options.heavyHitters);
    if (bounds) {
      this.boundsStart = bounds.start;
      this.boundsEnd = bounds.end;
    }
  }

  /** Events observed (or merged in). */
  get eventCount(): number {
    return this.events;
  }

  /** Union of the bounds of the merged windows; null when never set. */
  get bounds(): WindowBounds | null {
    return Number.isNaN(this.boundsStart) ? null : { start: this.boundsStart, end: this.boundsEnd };
  }

  /** Sets the bounds (e.g. the aligned window a merge of panes forms). */
  setBounds(bounds: WindowBounds | null): void {
    this.boundsStart = bounds ? bounds.start : NaN;
    this.boundsEnd = bounds ? bounds.end : NaN;
  }

  /** Observes one event. Hot path: no allocation per value except inside the sketches' compactions. */
  observe(event: ObservedEvent): void {
    this.events++;
    const num = event.numeric;
    const cat = event.categorical;
    let numPresent = 0;
    let catPresent = 0;
    const q = this.numQuality;
    for (let i = 0; i < this.numInputCount; i++) {
      const v = num === undefined || num === null ? undefined : num[this.numNames[i]];
      if (typeof v === 'number') {
        numPresent++;
        this.observeNumber(i, v);
      } else if (v === null) {
        numPresent++;
        q[QUALITY_SLOTS * i + NULLS]++;
      } else if (v === undefined) {
        const other = cat === undefined || cat === null ? undefined : cat[this.numNames[i]];
        q[QUALITY_SLOTS * i + (other === undefined ? ABSENT : WRONG_TYPE)]++;
      } else {
        numPresent++;
        q[QUALITY_SLOTS * i + WRONG_TYPE]++;
      }
    }
    const cq = this.catQuality;
    for (let j = 0; j < this.catInputCount; j++) {
      const v = cat === undefined || cat === null ? undefined : cat[this.catNames[j]];
      if (typeof v === 'string') {
        catPresent++;
        this.observeCategory(j, v);
      } else if (v === null) {
        catPresent++;
        cq[QUALITY_SLOTS * j + NULLS]++;
      } else if (v === undefined) {
        const other = num === undefined || num === null ? undefined : num[this.catNames[j]];
        cq[QUALITY_SLOTS * j + (other === undefined ? ABSENT : WRONG_TYPE)]++;
      } else {
        catPresent++;
        cq[QUALITY_SLOTS * j + WRONG_TYPE]++;
      }
    }
    if (num) this.checkUnexpected(num, numPresent, this.numericNames, this.categoricalNames);
    if (cat) this.checkUnexpected(cat, catPresent, this.categoricalNames, this.numericNames);
    if (this.numFeatures.length > this.numInputCount || this.catFeatures.length > this.catInputCount) {
      this.observePrediction(event.prediction);
    }
  }

  private observeNumber(i: number, v: number): void {
    if (v - v !== 0) {
      this.numQuality[QUALITY_SLOTS * i + NON_FINITE]++;
      return;
    }
    const one = finiteScratch(1);
    one.values[0] = v;
    this.addFinite(i, one.values, one.rows, 1, null);
  }

  /**
   * Adds `values[0..n)`, finite, to numeric feature `i` in that order: bins, KS grid, moments and
   * sketch, each updated in one tight loop. With a `table`, the slots of the value of batch row
   * `rows[k]` come from it (computed there the first time a pane reads the row).
   */
  private addFinite(
    i: number,
    values: Float64Array,
    rows: Int32Array,
    n: number,
    table: SlotTable | null,
  ): void {
    const bins = this.bins;
    const binAt = this.binOffsets[i];
    const grid = this.gridCounts;
    const gridAt = this.gridOffsets[i];
    if (table !== null) {
      const tableBins = table.bins;
      const tableGrid = table.grid;
      for (let k = 0; k < n; k++) {
        const r = rows[k];
        if (tableBins[r] === 0) table.compute(r, values[k]);
        bins[binAt + tableBins[r] - 1]++;
        grid[gridAt + tableGrid[r] - 1]++;
      }
    } else {
      const edges = this.numEdges[i];
      const interior = this.numInterior[i];
      const ksGrid = this.numGrids[i];
      for (let k = 0; k < n; k++) {
        bins[binAt + binIndex(edges, interior, values[k])]++;
        grid[gridAt + ksGridSlot(ksGrid, values[k])]++;
      }
    }
    const moments = this.moments;
    const at = MOMENT_SLOTS * i;
    for (let k = 0; k < n; k++) updateMoments(moments, at, values[k]);
    this.sketches[i].addAll(values, n);
  }

  private observeCategory(j: number, v: string): void {
    const idx = this.catIndex[j].get(v);
    if (idx !== undefined) {
      this.cats[this.catOffsets[j] + idx]++;
    } else {
      this.cats[this.catOffsets[j + 1] - 1]++;
      this.unseen[j].add(v);
    }
  }

  private observePrediction(p: number | string | null | undefined): void {
    const numeric = this.numFeatures.length > this.numInputCount;
    const i = numeric ? this.numInputCount : this.catInputCount;
    const quality = numeric ? this.numQuality : this.catQuality;
    if (p === undefined) quality[QUALITY_SLOTS * i + ABSENT]++;
    else if (p === null) quality[QUALITY_SLOTS * i + NULLS]++;
    else if (numeric && typeof p === 'number') this.observeNumber(i, p);
    else if (!numeric && typeof p === 'string') this.observeCategory(i, p);
    else quality[QUALITY_SLOTS * i + WRONG_TYPE]++;
  }

  /**
   * Observes rows `rows[0..count)` of a batch of columns, feature by feature: the same state,
   * bit for bit, as `observe` of each row's event in that order (each feature's moments and
   * sketch see its values in row order). One exception: when a row carries several keys that are
   * not profile features, they reach the 'unexpected features' heavy hitters in column order
   * rather than the order the event's map listed them, which matters only once more distinct
   * unexpected names than the tracker's capacity compete.
   */
  observeColumns(columns: EventColumns, rows: ArrayLike<number>, count = rows.length): void {
    if (count === 0) return;
    const at = this.lookupOf(columns);
    const slots = SharedSlots.of(this.profile, columns);
    this.events += count;
    const { values, presence } = columns.numeric;
    const q = this.numQuality;
    for (let i = 0; i < this.numInputCount; i++) {
      const c = at.numeric[i];
      const other = at.numericAsCategorical[i];
      if (c < 0) {
        // Never present in this batch: absent, or sent as a string (wrong type).
        const otherCodes = other < 0 ? null : columns.categorical.codes[other];
        for (let k = 0; k < count; k++) {
          const wrong = otherCodes !== null && otherCodes[rows[k]] !== COLUMN_ABSENT_CODE;
          q[QUALITY_SLOTS * i + (wrong ? WRONG_TYPE : ABSENT)]++;
        }
        continue;
      }
      this.observeNumbers(
        i,
        values[c],
        presence[c],
        other < 0 ? null : columns.categorical.codes[other],
        rows,
        count,
        slots.table(i, this.numFeatures[i], values[c].length, count),
      );
    }
    const { codes, levels } = columns.categorical;
    const cq = this.catQuality;
    for (let j = 0; j < this.catInputCount; j++) {
      const c = at.categorical[j];
      const other = at.categoricalAsNumeric[j];
      const otherPresence = other < 0 ? null : presence[other];
      if (c < 0) {
        for (let k = 0; k < count; k++) {
          const wrong = otherPresence !== null && otherPresence[rows[k]] !== COLUMN_ABSENT;
          cq[QUALITY_SLOTS * j + (wrong ? WRONG_TYPE : ABSENT)]++;
        }
        continue;
      }
      this.observeCategories(j, codes[c], levels[c], otherPresence, rows, count);
    }
    if (at.unexpectedNumeric.length > 0 || at.unexpectedCategorical.length > 0) {
      this.observeUnexpected(columns, at, rows, count);
    }
    if (this.numFeatures.length > this.numInputCount || this.catFeatures.length > this.catInputCount) {
      this.observePredictions(columns.prediction, rows, count, slots);
    }
  }

  private lookupOf(columns: EventColumns): ColumnLookup {
    if (this.lookup?.columns === columns) return this.lookup;
    const num = columns.numeric.names;
    const cat = columns.categorical.names;
    const find = (names: readonly string[], name: string) => names.indexOf(name);
    const numInputs = this.numNames.slice(0, this.numInputCount);
    const catInputs = this.catNames.slice(0, this.catInputCount);
    const unexpected = (names: readonly string[]) =>
      names
        .map((_, c) => c)
        .filter((c) => !this.numericNames.has(names[c]) && !this.categoricalNames.has(names[c]));
    this.lookup = {
      columns,
      numeric: Int32Array.from(numInputs, (n) => find(num, n)),
      numericAsCategorical: Int32Array.from(numInputs, (n) => find(cat, n)),
      categorical: Int32Array.from(catInputs, (n) => find(cat, n)),
      categoricalAsNumeric: Int32Array.from(catInputs, (n) => find(num, n)),
      unexpectedNumeric: unexpected(num),
      unexpectedCategorical: unexpected(cat),
    };
    return this.lookup;
  }

  /** One numeric feature's column; `asString`: a categorical column of the same name (wrong type). */
  private observeNumbers(
    i: number,
    values: Float64Array,
    presence: Uint8Array,
    asString: Int32Array | null,
    rows: ArrayLike<number>,
    count: number,
    table: SlotTable | null,
  ): void {
    const q = this.numQuality;
    const base = QUALITY_SLOTS * i;
    // Quality counts first, the finite values (and their rows) gathered, then added in one pass.
    const finite = finiteScratch(count);
    const finiteValues = finite.values;
    const finiteRows = finite.rows;
    let n = 0;
    for (let k = 0; k < count; k++) {
      const r = rows[k];
      const p = presence[r];
      if (p === COLUMN_PRESENT) {
        const v = values[r];
        if (v - v !== 0) {
          q[base + NON_FINITE]++;
          continue;
        }
        finiteValues[n] = v;
        finiteRows[n++] = r;
      } else if (p === COLUMN_NULL) {
        q[base + NULLS]++;
      } else {
        q[base + (asString !== null && asString[r] !== COLUMN_ABSENT_CODE ? WRONG_TYPE : ABSENT)]++;
      }
    }
    this.addFinite(i, finiteValues, finiteRows, n, table);
  }

  /** One categorical feature's column; `asNumber`: presence of a numeric column of the same name. */
  private observeCategories(
    j: number,
    codes: Int32Array,
    levels: readonly string[],
    asNumber: Uint8Array | null,
    rows: ArrayLike<number>,
    count: number,
  ): void {
    const cq = this.catQuality;
    const base = QUALITY_SLOTS * j;
    // The batch's levels mapped once to the reference's categories (-1: outside them).
    const index = this.catIndex[j];
    const category = Int32Array.from(levels, (level) => index.get(level) ?? -1);
    const at = this.catOffsets[j];
    const otherSlot = this.catOffsets[j + 1] - 1;
    const unseen = this.unseen[j];
    for (let k = 0; k < count; k++) {
      const r = rows[k];
      const code = codes[r];
      if (code >= 0) {
        const idx = category[code];
        if (idx >= 0) this.cats[at + idx]++;
        else {
          this.cats[otherSlot]++;
          unseen.add(levels[code]);
        }
      } else if (code === COLUMN_NULL_CODE) {
        cq[base + NULLS]++;
      } else {
        cq[base + (asNumber !== null && asNumber[r] !== COLUMN_ABSENT ? WRONG_TYPE : ABSENT)]++;
      }
    }
  }

  /** Row by row (the heavy hitters depend on order): numeric-map keys first, as `observe`. */
  private observeUnexpected(
    columns: EventColumns,
    at: ColumnLookup,
    rows: ArrayLike<number>,
    count: number,
  ): void {
    const { names: numNames, presence } = columns.numeric;
    const { names: catNames, codes } = columns.categorical;
    for (let k = 0; k < count; k++) {
      const r = rows[k];
      for (const c of at.unexpectedNumeric) {
        if (presence[c][r] === COLUMN_ABSENT) continue;
        this.unexpectedCount++;
        this.unexpected.add(numNames[c]);
      }
      for (const c of at.unexpectedCategorical) {
        if (codes[c][r] === COLUMN_ABSENT_CODE) continue;
        this.unexpectedCount++;
        this.unexpected.add(catNames[c]);
      }
    }
  }

  private observePredictions(
    column: EventColumns['prediction'],
    rows: ArrayLike<number>,
    count: number,
    slots: SharedSlots,
  ): void {
    const numeric = this.numFeatures.length > this.numInputCount;
    const i = numeric ? this.numInputCount : this.catInputCount;
    const quality = numeric ? this.numQuality : this.catQuality;
    if (!column) {
      quality[QUALITY_SLOTS * i + ABSENT] += count;
      return;
    }
    const { kind, numbers, strings } = column;
    const table = numeric ? slots.table(i, this.numFeatures[i], numbers.length, count) : null;
    const finite = finiteScratch(numeric ? count : 0);
    let n = 0;
    for (let k = 0; k < count; k++) {
      const r = rows[k];
      const t = kind[r];
      if (t === PREDICTION_ABSENT) quality[QUALITY_SLOTS * i + ABSENT]++;
      else if (t === PREDICTION_NULL) quality[QUALITY_SLOTS * i + NULLS]++;
      else if (numeric && t === PREDICTION_NUMBER) {
        const v = numbers[r];
        if (v - v !== 0) quality[QUALITY_SLOTS * i + NON_FINITE]++;
        else {
          finite.values[n] = v;
          finite.rows[n++] = r;
        }
      } else if (!numeric && t === PREDICTION_STRING) this.observeCategory(i, strings[r] as string);
      else quality[QUALITY_SLOTS * i + WRONG_TYPE]++;
    }
    if (n > 0) this.addFinite(i, finite.values, finite.rows, n, table);
  }

  /** Counts keys that are not profile features; cheap unless the event has such keys. */
  private checkUnexpected(
    map: Readonly<Record<string, unknown>>,
    matched: number,
    own: ReadonlySet<string>,
    otherType: ReadonlySet<string>,
  ): void {
    // Object.keys copies V8's enum cache: cheaper than counting with for...in on the hot path.
    if (Object.keys(map).length === matched) return;
    for (const key in map) {
      if (own.has(key) || map[key] === undefined) continue;
      // A feature of the other type sent in this map was counted as WRONG_TYPE already.
      if (otherType.has(key)) continue;
      this.unexpectedCount++;
      this.unexpected.add(key);
    }
  }

  /** Merges another window state of the same profile into this one. */
  merge(other: WindowProfile): this {
    if (other.profile.fingerprint !== this.profile.fingerprint) {
      throw new IncompatibleStateError(
        `cannot merge window states of different reference profiles (${this.profile.fingerprint} vs ${other.profile.fingerprint})`,
      );
    }
    this.events += other.events;
    addInto(this.bins, other.bins);
    for (let i = 0; i < this.numFeatures.length; i++) {
      mergeMoments(this.moments, MOMENT_SLOTS * i, other.moments, MOMENT_SLOTS * i);
      this.sketches[i].merge(other.sketches[i]);
    }
    for (let s = 0; s < this.gridCounts.length; s++) {
      if (this.gridCounts[s] + other.gridCounts[s] > GRID_COUNT_MAX) {
        throw new IncompatibleStateError(
          'merged window state would hold more than 2^32 - 1 values at one grid slot',
        );
      }
    }
    for (let s = 0; s < this.gridCounts.length; s++) this.gridCounts[s] += other.gridCounts[s];
    addInto(this.numQuality, other.numQuality);
    addInto(this.cats, other.cats);
    for (let j = 0; j < this.catFeatures.length; j++) this.unseen[j].merge(other.unseen[j]);
    addInto(this.catQuality, other.catQuality);
    this.unexpected.merge(other.unexpected);
    this.unexpectedCount += other.unexpectedCount;
    if (!Number.isNaN(other.boundsStart)) {
      this.boundsStart = Number.isNaN(this.boundsStart)
        ? other.boundsStart
        : Math.min(this.boundsStart, other.boundsStart);
      this.boundsEnd = Number.isNaN(this.boundsEnd)
        ? other.boundsEnd
        : Math.max(this.boundsEnd, other.boundsEnd);
    }
    return this;
  }

  /** A deep copy (through the binary form, which is exact). */
  clone(): WindowProfile {
    return WindowProfile.deserialize(this.profile, this.serialize());
  }

  // ---------------------------------------------------------------------------------------------
  // Views used by the drift evaluation and reports.

  /** Index of a numeric feature (inputs by name; the prediction with role 'prediction'). */
  private numericIndex(feature: NumericFeature): number {
    const i = this.numFeatures.indexOf(feature);
    if (i < 0)
      throw new IncompatibleStateError(`feature '${feature.name}' is not a numeric feature of this profile`);
    return i;
  }

  private categoricalIndex(feature: CategoricalFeature): number {
    const j = this.catFeatures.indexOf(feature);
    if (j < 0)
      throw new IncompatibleStateError(
        `feature '${feature.name}' is not a categorical feature of this profile`,
      );
    return j;
  }

  /** Counts over the feature's bins: underflow, interior..., overflow. */
  numericBinCounts(feature: NumericFeature): Float64Array {
    const i = this.numericIndex(feature);
    return this.bins.slice(this.binOffsets[i], this.binOffsets[i + 1]);
  }

  numericMoments(feature: NumericFeature): MomentSummary {
    return summarizeMoments(this.moments, MOMENT_SLOTS * this.numericIndex(feature));
  }

  numericSample(feature: NumericFeature): WeightedSample {
    return this.sketches[this.numericIndex(feature)].toWeightedSample();
  }

  /** Counts on the feature's reference grid (`NumericFeature.ksGrid`, slots of `ksGridSlot`). */
  numericGridCounts(feature: NumericFeature): Uint32Array {
    const i = this.numericIndex(feature);
    return this.gridCounts.slice(this.gridOffsets[i], this.gridOffsets[i + 1]);
  }

  /** The quantile sketch of a numeric feature (read-only use: quantiles, counts). */
  numericSketch(feature: NumericFeature): QuantileSketch {
    return this.sketches[this.numericIndex(feature)];
  }

  /** Counts over the feature's tracked categories, then 'other'. */
  categoryCounts(feature: CategoricalFeature): Float64Array {
    const j = this.categoricalIndex(feature);
    return this.cats.slice(this.catOffsets[j], this.catOffsets[j + 1]);
  }

  /** Most frequent values outside the tracked reference categories. */
  unseenCategories(feature: CategoricalFeature, limit?: number): HeavyHitter[] {
    return this.unseen[this.categoricalIndex(feature)].top(limit);
  }

  /** Feature names present in events but not in the profile, with their counts. */
  unexpectedFeatures(limit?: number): { total: number; top: HeavyHitter[] } {
    return { total: this.unexpectedCount, top: this.unexpected.top(limit) };
  }

  /** Data-quality counters of every feature, inputs then prediction, in profile order. */
  quality(): FeatureQualityCounts[] {
    const out: FeatureQualityCounts[] = [];
    for (const f of this.profile.features) {
      if (f.type === 'numeric') {
        const i = this.numFeatures.indexOf(f);
        const q = this.numQuality.subarray(QUALITY_SLOTS * i, QUALITY_SLOTS * (i + 1));
        const bins = this.bins.subarray(this.binOffsets[i], this.binOffsets[i + 1]);
        out.push({
          feature: f.name,
          role: f.role,
          events: this.events,
          nulls: q[NULLS],
          absent: q[ABSENT],
          wrongType: q[WRONG_TYPE],
          nonFinite: q[NON_FINITE],
          valid: this.moments[MOMENT_SLOTS * i],
          belowRange: bins[0],
          aboveRange: bins[bins.length - 1],
          otherCategory: 0,
        });
      } else {
        const j = this.catFeatures.indexOf(f);
        const q = this.catQuality.subarray(QUALITY_SLOTS * j, QUALITY_SLOTS * (j + 1));
        const counts = this.cats.subarray(this.catOffsets[j], this.catOffsets[j + 1]);
        let valid = 0;
        for (let c = 0; c < counts.length; c++) valid += counts[c];
        out.push({
          feature: f.name,
          role: f.role,
          events: this.events,
          nulls: q[NULLS],
          absent: q[ABSENT],
          wrongType: q[WRONG_TYPE],
          nonFinite: 0,
          valid,
          belowRange: 0,
          aboveRange: 0,
          otherCategory: counts[counts.length - 1],
        });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Binary form: versioned, tied to the profile's fingerprint, checksummed.

  /** Compact binary form (little-endian, varint counts), for Kafka or a state store. */
  serialize(): Uint8Array {
    const w = new ByteWriter();
    w.u32(MAGIC);
    w.u8(FORMAT_VERSION);
    w.string(this.profile.fingerprint);
    w.f64(this.boundsStart);
    w.f64(this.boundsEnd);
    w.varUint(this.events);
    for (let i = 0; i < this.bins.length; i++) w.varUint(this.bins[i]);
    for (let i = 0; i < this.numFeatures.length; i++) {
      const at = MOMENT_SLOTS * i;
      w.varUint(this.moments[at]);
      w.f64s(this.moments, at + 1, at + MOMENT_SLOTS);
      this.sketches[i].write(w);
    }
    writeSparseCounts(w, this.gridCounts);
    for (let i = 0; i < this.numQuality.length; i++) w.varUint(this.numQuality[i]);
    for (let i = 0; i < this.cats.length; i++) w.varUint(this.cats[i]);
    for (const s of this.unseen) s.write(w);
    for (let i = 0; i < this.catQuality.length; i++) w.varUint(this.catQuality[i]);
    w.varUint(this.unexpectedCount);
    this.unexpected.write(w);
    const body = w.finish();
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, fnv1a(body), true);
    return out;
  }

  /** Reads a state written by `serialize` for the same profile; throws InvalidStateError otherwise. */
  static deserialize(profile: ReferenceProfile, bytes: Uint8Array): WindowProfile {
    if (!(bytes instanceof Uint8Array)) throw new InvalidStateError('window state must be a Uint8Array');
    if (bytes.length < 9) throw new InvalidStateError(`window state too short (${bytes.length} bytes)`);
    const bodyLength = bytes.length - 4;
    const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bodyLength, true);
    const r = new ByteReader(bytes.subarray(0, bodyLength), 'window state');
    if (r.u32() !== MAGIC) throw new InvalidStateError('not a window state (bad magic number)');
    const version = r.u8();
    if (version !== FORMAT_VERSION) {
      throw new InvalidStateError(
        `window state format version ${version} is not supported (expected ${FORMAT_VERSION})`,
      );
    }
    if (fnv1a(bytes, 0, bodyLength) !== stored)
      throw new InvalidStateError('window state checksum mismatch (corrupt bytes)');
    const fingerprint = r.string();
    if (fingerprint !== profile.fingerprint) {
      throw new InvalidStateError(
        `window state belongs to reference profile ${fingerprint}, not ${profile.fingerprint}`,
      );
    }
    const wp = new WindowProfile(profile);
    wp.boundsStart = r.f64();
    wp.boundsEnd = r.f64();
    wp.events = r.varUint();
    for (let i = 0; i < wp.bins.length; i++) wp.bins[i] = r.varUint();
    const sketchOptions = {
      compression: profile.options.sketchCompression,
      exactLimit: profile.options.sketchExactLimit,
    };
    for (let i = 0; i < wp.numFeatures.length; i++) {
      const at = MOMENT_SLOTS * i;
      wp.moments[at] = r.varUint();
      for (let s = 1; s < MOMENT_SLOTS; s++) wp.moments[at + s] = r.f64();
      wp.sketches[i] = QuantileSketch.read(r, sketchOptions);
      if (wp.sketches[i].count !== wp.moments[at]) {
        throw new InvalidStateError(
          `window state: feature '${wp.numNames[i]}' sketch and moments disagree on its count`,
        );
      }
    }
    readSparseCounts(r, wp.gridCounts);
    for (let i = 0; i < wp.numFeatures.length; i++) {
      let n = 0;
      for (let s = wp.gridOffsets[i]; s < wp.gridOffsets[i + 1]; s++) n += wp.gridCounts[s];
      if (n !== wp.moments[MOMENT_SLOTS * i]) {
        throw new InvalidStateError(
          `window state: feature '${wp.numNames[i]}' grid counts and moments disagree on its count`,
        );
      }
    }
    for (let i = 0; i < wp.numQuality.length; i++) wp.numQuality[i] = r.varUint();
    for (let i = 0; i < wp.cats.length; i++) wp.cats[i] = r.varUint();
    for (let j = 0; j < wp.unseen.length; j++)
      wp.unseen[j] = SpaceSaving.read(r, profile.options.heavyHitters);
    for (let i = 0; i < wp.catQuality.length; i++) wp.catQuality[i] = r.varUint();
    wp.unexpectedCount = r.varUint();
    wp.unexpected = SpaceSaving.read(r, profile.options.heavyHitters);
    if (r.remaining !== 0)
      throw new InvalidStateError(`window state has ${r.remaining} unexpected trailing bytes`);
    return wp;
  }
}

/** Non-zero counts only, as (index gap, count) varint pairs: most grid slots of a window are empty. */
function writeSparseCounts(w: ByteWriter, counts: Uint32Array): void {
  let nonZero = 0;
  for (let s = 0; s < counts.length; s++) if (counts[s] !== 0) nonZero++;
  w.varUint(nonZero);
  let previous = -1;
  for (let s = 0; s < counts.length; s++) {
    if (counts[s] === 0) continue;
    w.varUint(s - previous - 1);
    w.varUint(counts[s]);
    previous = s;
  }
}

function readSparseCounts(r: ByteReader, into: Uint32Array): void {
  const nonZero = r.varUint();
  let at = -1;
  for (let k = 0; k < nonZero; k++) {
    at += r.varUint() + 1;
    const count = r.varUint();
    if (at >= into.length || count === 0 || count > GRID_COUNT_MAX) {
      throw new InvalidStateError('window state: grid counts out of range');
    }
    into[at] = count;
  }
}

/**
 * Work arrays for the finite values of one feature column and their batch rows, shared by every
 * window (observing is synchronous, one column at a time): no allocation per batch or per pane.
 */
let finiteWork = { values: new Float64Array(1024), rows: new Int32Array(1024) };

function finiteScratch(count: number): { values: Float64Array; rows: Int32Array } {
  if (finiteWork.values.length < count) {
    const size = Math.max(count, 2 * finiteWork.values.length);
    finiteWork = { values: new Float64Array(size), rows: new Int32Array(size) };
  }
  return finiteWork;
}

function addInto(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] += from[i];
}
