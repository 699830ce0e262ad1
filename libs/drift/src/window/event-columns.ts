import type { ObservedEvent } from '../profile/profile-types';

/** Presence of a numeric value in a column row (the codes of @continuum/events' columnar reader). */
export const COLUMN_ABSENT = 0;
export const COLUMN_NULL = 1;
export const COLUMN_PRESENT = 2;
/** Categorical codes below zero: the key is absent from the row, or present with a null value. */
export const COLUMN_ABSENT_CODE = -1;
export const COLUMN_NULL_CODE = -2;
/** Kinds of a prediction column row. */
export const PREDICTION_ABSENT = 0;
export const PREDICTION_NULL = 1;
export const PREDICTION_NUMBER = 2;
export const PREDICTION_STRING = 3;

/**
 * A batch of events as columns, the layout @continuum/events' columnar reader decodes into: one
 * typed array per map key (feature name), rows indexed alike. What WindowProfile.observe reads from
 * an event's maps, observeColumns reads from row r of these arrays. A given object must not change
 * once observed (window profiles remember where its features are).
 */
export interface EventColumns {
  readonly numeric: {
    readonly names: readonly string[];
    readonly values: readonly Float64Array[];
    /** COLUMN_ABSENT, COLUMN_NULL or COLUMN_PRESENT per row. */
    readonly presence: readonly Uint8Array[];
  };
  readonly categorical: {
    readonly names: readonly string[];
    /** Index into the key's `levels`, or COLUMN_ABSENT_CODE / COLUMN_NULL_CODE. */
    readonly codes: readonly Int32Array[];
    readonly levels: ReadonlyArray<readonly string[]>;
  };
  /** The model's output per row; undefined: no row carries one (as `prediction` absent). */
  readonly prediction?: {
    /** PREDICTION_ABSENT, _NULL, _NUMBER (in `numbers`) or _STRING (in `strings`) per row. */
    readonly kind: Uint8Array;
    readonly numbers: Float64Array;
    readonly strings: ReadonlyArray<string | null | undefined>;
  };
}

/**
 * The columns of `events` (tests, benchmarks, callers holding objects): keys in first-seen
 * order, each row's values where `observe` would read them. Only what a columnar decoder can
 * hold: numbers (or null) in the numeric map, strings (or null) in the categorical one.
 */
export function eventColumns(events: readonly ObservedEvent[]): EventColumns {
  const n = events.length;
  const numNames: string[] = [];
  const numIndex = new Map<string, number>();
  const values: Float64Array[] = [];
  const presence: Uint8Array[] = [];
  const catNames: string[] = [];
  const catIndex = new Map<string, number>();
  const codes: Int32Array[] = [];
  const levels: string[][] = [];
  const levelIndex: Array<Map<string, number>> = [];
  const kind = new Uint8Array(n);
  const numbers = new Float64Array(n);
  const strings: Array<string | null | undefined> = new Array<string | null | undefined>(n);
  let anyPrediction = false;
  events.forEach((e, r) => {
    for (const [name, v] of Object.entries(e.numeric ?? {})) {
      if (v === undefined) continue;
      if (v !== null && typeof v !== 'number')
        throw new TypeError(`numeric value of '${name}' is not a number`);
      let c = numIndex.get(name);
      if (c === undefined) {
        numIndex.set(name, (c = numNames.length));
        numNames.push(name);
        values.push(new Float64Array(n));
        presence.push(new Uint8Array(n));
      }
      if (v === null) presence[c][r] = COLUMN_NULL;
      else {
        values[c][r] = v;
        presence[c][r] = COLUMN_PRESENT;
      }
    }
    for (const [name, v] of Object.entries(e.categorical ?? {})) {
      if (v === undefined) continue;
      if (v !== null && typeof v !== 'string')
        throw new TypeError(`categorical value of '${name}' is not a string`);
      let c = catIndex.get(name);
      if (c === undefined) {
        catIndex.set(name, (c = catNames.length));
        catNames.push(name);
        codes.push(new Int32Array(n).fill(COLUMN_ABSENT_CODE));
        levels.push([]);
        levelIndex.push(new Map());
      }
      if (v === null) codes[c][r] = COLUMN_NULL_CODE;
      else {
        let code = levelIndex[c].get(v);
        if (code === undefined) {
          levelIndex[c].set(v, (code = levels[c].length));
          levels[c].push(v);
        }
        codes[c][r] = code;
      }
    }
    const p = e.prediction;
    if (p !== undefined) anyPrediction = true;
    if (p === null) kind[r] = PREDICTION_NULL;
    else if (typeof p === 'number') {
      kind[r] = PREDICTION_NUMBER;
      numbers[r] = p;
    } else if (typeof p === 'string') {
      kind[r] = PREDICTION_STRING;
      strings[r] = p;
    } else kind[r] = PREDICTION_ABSENT;
  });
  return {
    numeric: { names: numNames, values, presence },
    categorical: { names: catNames, codes, levels },
    prediction: anyPrediction ? { kind, numbers, strings } : undefined,
  };
}
