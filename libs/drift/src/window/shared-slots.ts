import { ksGridSlot } from '@continuum/stats';
import { binIndex } from '../profile/binning';
import type { NumericFeature, ReferenceProfile } from '../profile/reference-profile';
import type { EventColumns } from './event-columns';

/**
 * A table is made only for a call that reads at least 1/DENSE of the batch's rows: a profile whose
 * rows are few in a batch (many models in one partition) computes its slots directly, so the tables
 * made per batch stay within DENSE times the batch's own size whatever the number of profiles.
 */
const DENSE = 8;

/** Bin and KS grid slot (each + 1; 0: not computed yet) of one numeric feature, per batch row. */
export class SlotTable {
  readonly bins: Int32Array;
  readonly grid: Int32Array;

  constructor(
    rows: number,
    private readonly feature: NumericFeature,
  ) {
    this.bins = new Int32Array(rows);
    this.grid = new Int32Array(rows);
  }

  /** Computes row `r`'s slots for its finite value `v`. */
  compute(r: number, v: number): void {
    const f = this.feature;
    this.bins[r] = binIndex(f.edges, f.interiorBins, v) + 1;
    this.grid[r] = ksGridSlot(f.ksGrid, v) + 1;
  }
}

const latest = new WeakMap<ReferenceProfile, SharedSlots>();

/**
 * The reference bin and KS grid slot of each numeric value of one batch of columns against one
 * reference profile, computed the first time a window pane reads the value and reused by the
 * other panes of that profile: the monitor windows each event in several streams (segment '*'
 * and one per segment key) whose panes share the reference, so each value's two binary searches
 * run once per batch instead of once per stream. Only a cache — a slot is a function of the value
 * and the frozen reference — so window states are the same with or without it. One batch per
 * profile is kept (the latest read); the columns must not change once observed (EventColumns).
 */
export class SharedSlots {
  private readonly tables: Array<SlotTable | undefined> = [];

  private constructor(readonly columns: EventColumns) {}

  /** The slots of `columns` for `profile` (a new set when the profile last read other columns). */
  static of(profile: ReferenceProfile, columns: EventColumns): SharedSlots {
    let slots = latest.get(profile);
    if (slots?.columns !== columns) latest.set(profile, (slots = new SharedSlots(columns)));
    return slots;
  }

  /**
   * The table of numeric feature `index` (a WindowProfile's numeric feature order, the same for
   * every window of one profile) over a column of `rows` rows, when there is one or this read of
   * `count` rows is dense enough to make one; null: compute the slots directly.
   */
  table(index: number, feature: NumericFeature, rows: number, count: number): SlotTable | null {
    const table = this.tables[index];
    if (table) return table;
    if (count * DENSE < rows) return null;
    return (this.tables[index] = new SlotTable(rows, feature));
  }
}
