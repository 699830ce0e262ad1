import { ConfigurationError, InvalidInputError } from '../errors';
import type { Example } from '../example';
import { murmurhash3 } from './murmurhash3';
import { RunningMoments } from './running-moments';

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
      moments: RunningMoments;
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
 * partitions with {@link merge}.
 */
export class FeaturePipeline {
  readonly features: readonly FeatureSpec[];
  /** Number of output columns. */
  readonly width: number;
  private readonly resolved: Resolved[];

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
    for (let e = 0; e < examples.length; e++) {
      const numeric = examples[e].numeric;
      for (const r of this.resolved) {
        if (r.kind !== 'numeric') continue;
        const v = numeric?.[r.spec.name];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw badNumber(e, r.spec.name, v);
        r.moments.update(v);
      }
    }
  }

  /**
   * Encodes a batch into `out` (allocated if absent), row-major `examples.length x width`.
   * Statistics are read, not updated.
   */
  transform(examples: readonly Example[], out?: Float32Array): Float32Array {
    const width = this.width;
    const rows = examples.length;
    const x = out ?? new Float32Array(rows * width);
    if (x.length < rows * width)
      throw new InvalidInputError('out', `buffer holds ${x.length} values, need ${rows * width}`);
    x.fill(0, 0, rows * width);
    for (let e = 0; e < rows; e++) {
      const ex = examples[e];
      if (ex === null || typeof ex !== 'object')
        throw new InvalidInputError(`examples[${e}]`, 'not an object');
      const base = e * width;
      for (const r of this.resolved) {
        if (r.kind === 'numeric') this.encodeNumeric(r, ex, e, x, base);
        else if (r.kind === 'one-hot') encodeOneHot(r, ex, e, x, base);
        else encodeHashed(r, ex, e, x, base);
      }
    }
    return x;
  }

  /** Forgets all running statistics (before a fit from scratch). */
  reset(): void {
    for (const r of this.resolved) if (r.kind === 'numeric') r.moments = new RunningMoments();
  }

  /** Adds another pipeline's statistics (same spec) into this one. */
  merge(other: FeaturePipeline): void {
    if (other.signature() !== this.signature())
      throw new ConfigurationError('pipeline', 'cannot merge pipelines with different feature specs');
    this.resolved.forEach((r, i) => {
      const o = other.resolved[i];
      if (r.kind === 'numeric' && o.kind === 'numeric') r.moments.merge(o.moments);
    });
  }

  /** Running statistics of a numeric feature (a copy). */
  moments(name: string): RunningMoments {
    const r = this.resolved.find((f) => f.spec.name === name);
    if (!r || r.kind !== 'numeric') throw new InvalidInputError('name', `no numeric feature '${name}'`);
    return r.moments.clone();
  }

  /** Canonical description of the spec (no statistics): equal signatures encode alike. */
  signature(): string {
    return JSON.stringify(this.features.map(canonicalFeature));
  }

  toJSON(): FeaturePipelineState {
    const moments: Record<string, { count: number; mean: number; m2: number }> = {};
    for (const r of this.resolved) if (r.kind === 'numeric') moments[r.spec.name] = r.moments.toJSON();
    return { features: this.features.map(canonicalFeature), moments };
  }

  static fromJSON(state: FeaturePipelineState): FeaturePipeline {
    const p = new FeaturePipeline({ features: state.features });
    for (const r of p.resolved) {
      if (r.kind !== 'numeric') continue;
      const m = state.moments?.[r.spec.name];
      if (!m || !Number.isFinite(m.count) || !Number.isFinite(m.mean) || !Number.isFinite(m.m2))
        throw new ConfigurationError(`moments.${r.spec.name}`, 'missing or not finite');
      r.moments = RunningMoments.fromJSON(m);
    }
    return p;
  }

  clone(): FeaturePipeline {
    return FeaturePipeline.fromJSON(this.toJSON());
  }

  private encodeNumeric(
    r: Extract<Resolved, { kind: 'numeric' }>,
    ex: Example,
    e: number,
    x: Float32Array,
    base: number,
  ): void {
    const v = ex.numeric?.[r.spec.name];
    const col = base + r.offset;
    let value: number;
    if (v === null || v === undefined || Number.isNaN(v)) {
      if (r.missing === 'error')
        throw new InvalidInputError(`examples[${e}].numeric.${r.spec.name}`, 'missing');
      value = r.missing === 'mean' ? r.moments.mean : 0;
      if (r.indicator) x[col + 1] = 1;
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badNumber(e, r.spec.name, v);
      value = v;
    }
    if (r.standardize) {
      const sd = r.moments.std;
      value = (value - r.moments.mean) / (sd > 0 ? sd : 1);
    }
    x[col] = value;
  }
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
        moments: new RunningMoments(),
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
