import { ConfigurationError, InvalidInputError } from '../errors';
import type { Example } from '../example';
import { murmurhash3 } from './murmurhash3';
import { initMoments, mergeMoments, MOMENT_SLOTS, RunningMoments, updateMoments } from '@continuum/stats';

/**
 * A numeric input. Missing means null, undefined, absent or NaN; ±Infinity is an error.
 * - `standardize` (default true): subtract the running mean, divide by the running
 *   population standard deviation (a zero deviation divides by 1, as scikit-learn does);
 * - `missing` (default `mean`): `mean` imputes the running mean (0 once standardised),
 *   `zero` imputes 0 before scaling, `error` refuses the example;
 * - `missingIndicator` (default false): adds a 0/1 column that is 1 when the value is missing.
 */
export interface NumericFeature {
  readonly name: string;
  readonly type: 'numeric';
  readonly standardize?: boolean;
  readonly missing?: 'mean' | 'zero' | 'error';
  readonly missingIndicator?: boolean;
}

/**
 * A categorical input over a known vocabulary, one column per category.
 * - `unknown` (default `ignore`): a value outside the vocabulary gives all zeros (`ignore`),
 *   a 1 in an extra "other" column (`other`), or an error;
 * - `missing` (default `ignore`): all zeros, a 1 in an extra "missing" column (`indicator`),
 *   or an error.
 * The value is read from the example's categorical map, else from its numeric map as a
 * string (so integer codes such as Agrawal's `elevel` can be one-hot encoded).
 */
export interface OneHotFeature {
  readonly name: string;
  readonly type: 'one-hot';
  readonly vocabulary: readonly string[];
  readonly unknown?: 'ignore' | 'other' | 'error';
  readonly missing?: 'ignore' | 'indicator' | 'error';
}

/**
 * A categorical input with an open vocabulary, hashed into `buckets` columns: the token
 * `name=value` is hashed with MurmurHash3 (seed 0); column `|h| mod buckets`, value -1 when
 * `alternateSign` (default true) and h < 0, else +1 — exactly scikit-learn's FeatureHasher
 * on `{name: value}`. `missing` (default `ignore`): all zeros, the token `name=` + U+0000
 * hashed like a value (`indicator`), or an error.
 */
export interface HashedFeature {
  readonly name: string;
  readonly type: 'hashed';
  readonly buckets: number;
  readonly alternateSign?: boolean;
  readonly missing?: 'ignore' | 'indicator' | 'error';
}

export type FeatureSpec = NumericFeature | OneHotFeature | HashedFeature;

/** What a pipeline is built from: the features, in column order. */
export interface FeaturePipelineSpec {
  readonly features: readonly FeatureSpec[];
}

/** Serialisable pipeline: its spec plus the running statistics of each numeric feature. */
export interface FeaturePipelineState {
  readonly features: readonly FeatureSpec[];
  readonly moments: Readonly<Record<string, { count: number; mean: number; m2: number }>>;
}

const MISSING_TOKEN = '\u0000';

type Resolved =
  | {
      kind: 'numeric';
      spec: NumericFeature;
      standardize: boolean;
      missing: 'mean' | 'zero' | 'error';
      indicator: boolean;
      /** Index into the numeric block's arrays. */
      slot: number;
      offset: number;
    }
  | {
      kind: 'one-hot';
      spec: OneHotFeature;
      index: Map<string, number>;
      unknown: 'ignore' | 'other' | 'error';
      missing: 'ignore' | 'indicator' | 'error';
      offset: number;
      otherColumn: number;
      missingColumn: number;
    }
  | {
      kind: 'hashed';
      spec: HashedFeature;
      buckets: number;
      alternateSign: boolean;
      missing: 'ignore' | 'indicator' | 'error';
      offset: number;
      cache: Map<string, number>;
    };

const HASH_CACHE_LIMIT = 10_000;

/**
 * Turns domain examples into the rows of a float32 matrix, with online standardisation,
 * one-hot and hashed categorical encodings, and missing-value handling. The pipeline is part
 * of every model and of its artifact, so training and serving encode identically.
 *
 * Standardisation statistics are updated by {@link learn} (River's order: a model's
 * partialFit learns the statistics of a batch, then transforms it) and are mergeable across
 * partitions with {@link merge}. They are kept only for numeric features that use them
 * (standardised or mean-imputed); the others report a count of 0.
 */
export class FeaturePipeline {
  readonly features: readonly FeatureSpec[];
  /** Number of output columns. */
  readonly width: number;
  private readonly resolved: Resolved[];
  /**
   * Numeric features as parallel arrays (the hot path of online learning reads and scales
   * them per example): names, output columns, options, and the moments (count/mean/M2).
   */
  private readonly num: NumericBlock;
  private readonly categorical: Exclude<Resolved, { kind: 'numeric' }>[];
  private scratch = new Float64Array(0);
  /** Reads one example's numeric features into `raw` (see compileNumericReader). */
  private readonly readRow: NumericRowReader;

  constructor(spec: FeaturePipelineSpec) {
    if (!spec || !Array.isArray(spec.features) || spec.features.length === 0)
      throw new ConfigurationError('features', 'a pipeline needs at least one feature');
    this.features = spec.features.map((f) => Object.freeze({ ...f }));
    const seen = new Set<string>();
    let offset = 0;
    this.resolved = this.features.map((f, i) => {
      const where = `features[${i}]`;
      if (typeof f.name !== 'string' || f.name === '')
        throw new ConfigurationError(`${where}.name`, 'must be a non-empty string');
      if (seen.has(f.name)) throw new ConfigurationError(`${where}.name`, `duplicate feature '${f.name}'`);
      seen.add(f.name);
      const r = resolveFeature(f, where, offset);
      offset += columnsOf(r);
      return r;
    });
    this.width = offset;
    const numeric = this.resolved.filter(
      (r): r is Extract<Resolved, { kind: 'numeric' }> => r.kind === 'numeric',
    );
    numeric.forEach((r, j) => (r.slot = j));
    const k = numeric.length;
    this.num = {
      names: numeric.map((r) => r.spec.name),
      columns: Int32Array.from(numeric, (r) => r.offset),
      standardize: Uint8Array.from(numeric, (r) => (r.standardize ? 1 : 0)),
      missing: Uint8Array.from(numeric, (r) => MISSING_CODE[r.missing]),
      indicator: Uint8Array.from(numeric, (r) => (r.indicator ? 1 : 0)),
      tracked: Int32Array.from(numeric.flatMap((r, j) => (r.standardize || r.missing === 'mean' ? [j] : []))),
      moments: new Float64Array(k * MOMENT_SLOTS),
      centre: new Float64Array(k),
      scale: new Float64Array(k),
      fill: new Float64Array(k),
    };
    this.reset();
    this.readRow = compileNumericReader(this.num.names);
    this.categorical = this.resolved.filter(
      (r): r is Exclude<Resolved, { kind: 'numeric' }> => r.kind !== 'numeric',
    );
  }

  /** Names of the output columns, e.g. `age`, `age:missing`, `city=paris`, `device#17`. */
  columnNames(): string[] {
    const names: string[] = [];
    for (const r of this.resolved) {
      if (r.kind === 'numeric') {
        names.push(r.spec.name);
        if (r.indicator) names.push(`${r.spec.name}:missing`);
      } else if (r.kind === 'one-hot') {
        for (const v of r.spec.vocabulary) names.push(`${r.spec.name}=${v}`);
        if (r.otherColumn >= 0) names.push(`${r.spec.name}:other`);
        if (r.missingColumn >= 0) names.push(`${r.spec.name}:missing`);
      } else {
        for (let b = 0; b < r.buckets; b++) names.push(`${r.spec.name}#${b}`);
      }
    }
    return names;
  }

  /** Updates the running statistics with a batch (missing values are not counted). */
  learn(examples: readonly Example[]): void {
    const raw = this.readNumeric(examples);
    this.learnRaw(raw, examples.length);
  }

  /**
   * Encodes a batch into `out` (allocated if absent), row-major `examples.length x width`.
   * Statistics are read, not updated.
   */
  transform(examples: readonly Example[], out?: Float32Array): Float32Array {
    const raw = this.readNumeric(examples);
    return this.encode(examples, raw, out);
  }

  /**
   * `learn(examples)` then `transform(examples, out)`, reading each value once (the online
   * learning path). The whole batch is learned before any row is encoded.
   */
  learnAndTransform(examples: readonly Example[], out?: Float32Array): Float32Array {
    const raw = this.readNumeric(examples);
    this.learnRaw(raw, examples.length);
    return this.encode(examples, raw, out);
  }

  /** Forgets all running statistics (before a fit from scratch). */
  reset(): void {
    for (let j = 0; j < this.num.names.length; j++) initMoments(this.num.moments, j * MOMENT_SLOTS);
  }

  /** Adds another pipeline's statistics (same spec) into this one. */
  merge(other: FeaturePipeline): void {
    if (other.signature() !== this.signature())
      throw new ConfigurationError('pipeline', 'cannot merge pipelines with different feature specs');
    for (let j = 0; j < this.num.names.length; j++)
      mergeMoments(this.num.moments, j * MOMENT_SLOTS, other.num.moments, j * MOMENT_SLOTS);
  }

  /** Running statistics of a numeric feature (a copy). */
  moments(name: string): RunningMoments {
    const j = this.num.names.indexOf(name);
    if (j < 0) throw new InvalidInputError('name', `no numeric feature '${name}'`);
    return RunningMoments.fromJSON({
      n: this.momentAt(j, COUNT),
      mean: this.momentAt(j, MEAN),
      m2: this.momentAt(j, M2),
    });
  }

  /** Canonical description of the spec (no statistics): equal signatures encode alike. */
  signature(): string {
    return JSON.stringify(this.features.map(canonicalFeature));
  }

  toJSON(): FeaturePipelineState {
    const moments: Record<string, { count: number; mean: number; m2: number }> = {};
    this.num.names.forEach((name, j) => {
      moments[name] = {
        count: this.momentAt(j, COUNT),
        mean: this.momentAt(j, MEAN),
        m2: this.momentAt(j, M2),
      };
    });
    return { features: this.features.map(canonicalFeature), moments };
  }

  static fromJSON(state: FeaturePipelineState): FeaturePipeline {
    const p = new FeaturePipeline({ features: state.features });
    p.num.names.forEach((name, j) => {
      const m = state.moments?.[name];
      if (!m || !Number.isFinite(m.count) || !Number.isFinite(m.mean) || !Number.isFinite(m.m2))
        throw new ConfigurationError(`moments.${name}`, 'missing or not finite');
      // Min and max are not in the artifact format; they stay at their initial values.
      p.num.moments.set([m.count, m.mean, m.m2], j * MOMENT_SLOTS);
    });
    return p;
  }

  clone(): FeaturePipeline {
    return FeaturePipeline.fromJSON(this.toJSON());
  }

  private momentAt(j: number, slot: number): number {
    return this.num.moments[j * MOMENT_SLOTS + slot];
  }

  /** Raw numeric values, `rows x k`, NaN where missing; refuses non-numbers and ±Infinity. */
  private readNumeric(examples: readonly Example[]): Float64Array {
    const { names } = this.num;
    const k = names.length;
    const rows = examples.length;
    if (this.scratch.length < rows * k)
      this.scratch = new Float64Array(Math.max(rows * k, this.scratch.length * 2));
    const raw = this.scratch;
    for (let e = 0; e < rows; e++) {
      const ex = examples[e];
      if (ex === null || typeof ex !== 'object')
        throw new InvalidInputError(`examples[${e}]`, 'not an object');
      const numeric = ex.numeric;
      const base = e * k;
      if (numeric == null) {
        raw.fill(NaN, base, base + k);
        continue;
      }
      const bad = this.readRow(numeric, raw, base);
      if (bad >= 0) throw badNumber(e, names[bad], numeric[names[bad]]);
    }
    return raw;
  }

  /** Welford updates, with the non-missing raw values, of the features that use statistics. */
  private learnRaw(raw: Float64Array, rows: number): void {
    const { moments, tracked } = this.num;
    const k = this.num.names.length;
    const t = tracked.length;
    for (let e = 0; e < rows; e++) {
      const base = e * k;
      for (let q = 0; q < t; q++) {
        const j = tracked[q];
        const v = raw[base + j];
        if (v !== v) continue; // NaN: missing
        updateMoments(moments, j * MOMENT_SLOTS, v);
      }
    }
  }

  private encode(examples: readonly Example[], raw: Float64Array, out?: Float32Array): Float32Array {
    const width = this.width;
    const rows = examples.length;
    const x = out ?? new Float32Array(rows * width);
    if (x.length < rows * width)
      throw new InvalidInputError('out', `buffer holds ${x.length} values, need ${rows * width}`);
    x.fill(0, 0, rows * width);
    const { names, columns, standardize, missing, indicator, moments, centre, scale, fill } = this.num;
    const k = names.length;
    // Per-call constants: value -> (value - centre) / scale; missing -> fill, then scaled.
    for (let j = 0; j < k; j++) {
      const at = j * MOMENT_SLOTS;
      const count = moments[at + COUNT];
      const mean = moments[at + MEAN];
      const m2 = moments[at + M2];
      const sd = standardize[j] && count > 0 ? Math.sqrt(m2 / count) : 0;
      centre[j] = standardize[j] ? mean : 0;
      scale[j] = sd > 0 ? sd : 1;
      fill[j] = missing[j] === MISSING_CODE.mean ? mean : 0;
    }
    for (let e = 0; e < rows; e++) {
      const base = e * width;
      const rb = e * k;
      for (let j = 0; j < k; j++) {
        let v = raw[rb + j];
        if (v !== v) {
          if (missing[j] === MISSING_CODE.error)
            throw new InvalidInputError(`examples[${e}].numeric.${names[j]}`, 'missing');
          v = fill[j];
          if (indicator[j]) x[base + columns[j] + 1] = 1;
        }
        x[base + columns[j]] = standardize[j] ? (v - centre[j]) / scale[j] : v;
      }
      if (this.categorical.length > 0) {
        const ex = examples[e];
        for (const r of this.categorical) {
          if (r.kind === 'one-hot') encodeOneHot(r, ex, e, x, base);
          else encodeHashed(r, ex, e, x, base);
        }
      }
    }
    return x;
  }
}

interface NumericBlock {
  readonly names: string[];
  readonly columns: Int32Array;
  readonly standardize: Uint8Array;
  readonly missing: Uint8Array;
  readonly indicator: Uint8Array;
  /** Features whose statistics are used (standardised or mean-imputed); the others keep none. */
  readonly tracked: Int32Array;
  /** Count, mean and M2 (Welford) of each numeric feature: @continuum/stats's moments, MOMENT_SLOTS per feature. */
  readonly moments: Float64Array;
  readonly centre: Float64Array;
  readonly scale: Float64Array;
  readonly fill: Float64Array;
}

const MISSING_CODE = { mean: 0, zero: 1, error: 2 } as const;

// The slots of @continuum/stats's moments this pipeline reads (count, mean, M2), indexed directly:
// the encode path runs per example.
const COUNT = 0;
const MEAN = 1;
const M2 = 2;

type NumericRowReader = (
  numeric: Readonly<Record<string, unknown>>,
  raw: Float64Array,
  base: number,
) => number;

/**
 * Compiles a reader of the pipeline's numeric features with their names as literal property
 * accesses. A loop over `numeric[names[j]]` is a keyed, megamorphic load per feature and was most
 * of the per-example cost of online learning from records; named loads stay monomorphic. The
 * reader writes NaN for missing values and returns the index of the first value that is not a
 * finite number (or -1). Names are embedded with JSON.stringify, so any string is safe.
 */
function compileNumericReader(names: readonly string[]): NumericRowReader {
  const body = names
    .map(
      (name, j) =>
        `v = numeric[${JSON.stringify(name)}];\n` +
        `if (typeof v === 'number') { if (v === Infinity || v === -Infinity) return ${j}; raw[base + ${j}] = v; }\n` +
        `else if (v === null || v === undefined) raw[base + ${j}] = NaN;\n` +
        `else return ${j};`,
    )
    .join('\n');
  return new Function(
    'numeric',
    'raw',
    'base',
    `'use strict';\nlet v;\n${body}\nreturn -1;`,
  ) as NumericRowReader;
}

function badNumber(e: number, name: string, v: unknown): InvalidInputError {
  return new InvalidInputError(
    `examples[${e}].numeric.${name}`,
    `expected a finite number, got ${String(v)}`,
  );
}

function categoricalValue(ex: Example, name: string, e: number): string | null {
  let v: unknown = ex.categorical?.[name];
  if (v === undefined) v = ex.numeric?.[name];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new InvalidInputError(`examples[${e}].categorical.${name}`, `expected a string, got ${typeof v}`);
}

function encodeOneHot(
  r: Extract<Resolved, { kind: 'one-hot' }>,
  ex: Example,
  e: number,
  x: Float32Array,
  base: number,
): void {
  const v = categoricalValue(ex, r.spec.name, e);
  if (v === null) {
    if (r.missing === 'error')
      throw new InvalidInputError(`examples[${e}].categorical.${r.spec.name}`, 'missing');
    if (r.missingColumn >= 0) x[base + r.offset + r.missingColumn] = 1;
    return;
  }
  const i = r.index.get(v);
  if (i !== undefined) {
    x[base + r.offset + i] = 1;
    return;
  }
  if (r.unknown === 'error')
    throw new InvalidInputError(`examples[${e}].categorical.${r.spec.name}`, `unknown category '${v}'`);
  if (r.otherColumn >= 0) x[base + r.offset + r.otherColumn] = 1;
}

function encodeHashed(
  r: Extract<Resolved, { kind: 'hashed' }>,
  ex: Example,
  e: number,
  x: Float32Array,
  base: number,
): void {
  let v = categoricalValue(ex, r.spec.name, e);
  if (v === null) {
    if (r.missing === 'error')
      throw new InvalidInputError(`examples[${e}].categorical.${r.spec.name}`, 'missing');
    if (r.missing === 'ignore') return;
    v = MISSING_TOKEN;
  }
  let code = r.cache.get(v);
  if (code === undefined) {
    const h = murmurhash3(`${r.spec.name}=${v}`, 0);
    // |h| mod n; for h = -2^31 this is 2^31 mod n, which is what scikit-learn special-cases.
    const bucket = Math.abs(h) % r.buckets;
    const sign = r.alternateSign && h < 0 ? -1 : 1;
    code = sign * (bucket + 1);
    if (r.cache.size >= HASH_CACHE_LIMIT) r.cache.clear();
    r.cache.set(v, code);
  }
  const col = Math.abs(code) - 1;
  x[base + r.offset + col] += code < 0 ? -1 : 1;
}

function resolveFeature(f: FeatureSpec, where: string, offset: number): Resolved {
  switch (f.type) {
    case 'numeric': {
      const missing = f.missing ?? 'mean';
      if (!['mean', 'zero', 'error'].includes(missing))
        throw new ConfigurationError(`${where}.missing`, `must be mean, zero or error, got ${missing}`);
      return {
        kind: 'numeric',
        spec: f,
        standardize: f.standardize ?? true,
        missing,
        indicator: f.missingIndicator ?? false,
        slot: -1,
        offset,
      };
    }
    case 'one-hot': {
      if (!Array.isArray(f.vocabulary) || f.vocabulary.length === 0)
        throw new ConfigurationError(`${where}.vocabulary`, 'must be a non-empty array of strings');
      const index = new Map<string, number>();
      f.vocabulary.forEach((v, i) => {
        if (typeof v !== 'string')
          throw new ConfigurationError(`${where}.vocabulary[${i}]`, 'must be a string');
        if (index.has(v))
          throw new ConfigurationError(`${where}.vocabulary[${i}]`, `duplicate category '${v}'`);
        index.set(v, i);
      });
      const unknown = f.unknown ?? 'ignore';
      const missing = f.missing ?? 'ignore';
      if (!['ignore', 'other', 'error'].includes(unknown))
        throw new ConfigurationError(`${where}.unknown`, `must be ignore, other or error, got ${unknown}`);
      if (!['ignore', 'indicator', 'error'].includes(missing))
        throw new ConfigurationError(
          `${where}.missing`,
          `must be ignore, indicator or error, got ${missing}`,
        );
      let next = f.vocabulary.length;
      const otherColumn = unknown === 'other' ? next++ : -1;
      const missingColumn = missing === 'indicator' ? next++ : -1;
      return { kind: 'one-hot', spec: f, index, unknown, missing, offset, otherColumn, missingColumn };
    }
    case 'hashed': {
      if (!Number.isInteger(f.buckets) || f.buckets < 1)
        throw new ConfigurationError(`${where}.buckets`, `must be a positive integer, got ${f.buckets}`);
      const missing = f.missing ?? 'ignore';
      if (!['ignore', 'indicator', 'error'].includes(missing))
        throw new ConfigurationError(
          `${where}.missing`,
          `must be ignore, indicator or error, got ${missing}`,
        );
      return {
        kind: 'hashed',
        spec: f,
        buckets: f.buckets,
        alternateSign: f.alternateSign ?? true,
        missing,
        offset,
        cache: new Map(),
      };
    }
    default:
      throw new ConfigurationError(
        `${where}.type`,
        `must be numeric, one-hot or hashed, got ${String((f as { type: unknown }).type)}`,
      );
  }
}

function columnsOf(r: Resolved): number {
  if (r.kind === 'numeric') return r.indicator ? 2 : 1;
  if (r.kind === 'one-hot')
    return r.spec.vocabulary.length + (r.otherColumn >= 0 ? 1 : 0) + (r.missingColumn >= 0 ? 1 : 0);
  return r.buckets;
}

/** The spec with defaults filled in and keys in a fixed order. */
function canonicalFeature(f: FeatureSpec): FeatureSpec {
  switch (f.type) {
    case 'numeric':
      return {
        name: f.name,
        type: 'numeric',
        standardize: f.standardize ?? true,
        missing: f.missing ?? 'mean',
        missingIndicator: f.missingIndicator ?? false,
      };
    case 'one-hot':
      return {
        name: f.name,
        type: 'one-hot',
        vocabulary: [...f.vocabulary],
        unknown: f.unknown ?? 'ignore',
        missing: f.missing ?? 'ignore',
      };
    default:
      return {
        name: f.name,
        type: 'hashed',
        buckets: f.buckets,
        alternateSign: f.alternateSign ?? true,
        missing: f.missing ?? 'ignore',
      };
  }
}
