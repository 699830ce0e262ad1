import { InvalidProfileError } from '../errors';
import { interiorBinCount } from './binning';
import { PerformanceEstimation } from './performance-estimation';
import {
  type CategoricalFeatureJSON,
  DEFAULT_PROFILE_OPTIONS,
  type FeatureJSON,
  type NumericFeatureJSON,
  type ReferenceProfileJSON,
  type ResolvedProfileOptions,
  type SegmentKeyJSON,
  type SegmentReferenceJSON,
} from './profile-types';

type Obj = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new InvalidProfileError(path, problem);
}

function object(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(path, `expected an object, got ${describe(v)}`);
  return v as Obj;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function finite(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(`${path}.${key}`, `expected a finite number, got ${describe(v)}`);
  return v;
}

function count(o: Obj, key: string, path: string): number {
  const v = finite(o, key, path);
  if (!Number.isInteger(v) || v < 0) fail(`${path}.${key}`, `expected a non-negative integer, got ${v}`);
  return v;
}

function string(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0)
    fail(`${path}.${key}`, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

function numbers(o: Obj, key: string, path: string, integers = false): number[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${path}.${key}`, `expected an array of numbers, got ${describe(v)}`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      fail(`${path}.${key}[${i}]`, `expected a finite number, got ${describe(x)}`);
    if (integers && (!Number.isInteger(x) || x < 0))
      fail(`${path}.${key}[${i}]`, `expected a non-negative integer, got ${x}`);
  });
  return v as number[];
}

function options(v: unknown): ResolvedProfileOptions {
  const o = object(v, '$.options');
  const out = { ...DEFAULT_PROFILE_OPTIONS };
  for (const key of Object.keys(DEFAULT_PROFILE_OPTIONS) as (keyof ResolvedProfileOptions)[]) {
    if (o[key] === undefined) fail(`$.options.${key}`, 'missing');
    if (key === 'predictionName') out.predictionName = string(o, key, '$.options');
    else {
      const n = count(o, key, '$.options');
      (out as Record<string, unknown>)[key] = n;
    }
  }
  if (out.bins < 1) fail('$.options.bins', 'must be at least 1');
  if (out.sketchCompression < 20) fail('$.options.sketchCompression', 'must be at least 20');
  if (out.summarySize < 1) fail('$.options.summarySize', 'must be at least 1');
  if (out.maxCategories < 1) fail('$.options.maxCategories', 'must be at least 1');
  if (out.heavyHitters < 1) fail('$.options.heavyHitters', 'must be at least 1');
  return out;
}

/** `segment`: a segment's distribution on the profile's edges (its min/max lie within them). */
function numeric(o: Obj, path: string, rows: number, segment = false): NumericFeatureJSON {
  const n = count(o, 'count', path);
  const missing = count(o, 'missing', path);
  if (n + missing !== rows)
    fail(path, `count (${n}) + missing (${missing}) must equal the profile's rows (${rows})`);
  const binning = o.binning;
  if (binning !== 'quantile' && binning !== 'distinct') {
    fail(`${path}.binning`, `expected 'quantile' or 'distinct', got ${describe(binning)}`);
  }
  const edges = numbers(o, 'edges', path);
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i] > edges[i - 1]))
      fail(`${path}.edges[${i}]`, `edges must be strictly increasing (${edges[i - 1]} then ${edges[i]})`);
  }
  if (binning === 'quantile' && edges.length === 1)
    fail(`${path}.edges`, 'quantile binning needs at least two edges');
  if (n > 0 && edges.length === 0) fail(`${path}.edges`, 'a feature with reference values needs edges');
  const binCounts = numbers(o, 'binCounts', path, true);
  const interior = interiorBinCount(binning, edges);
  if (binCounts.length !== interior) {
    fail(
      `${path}.binCounts`,
      `expected ${interior} counts for ${edges.length} ${binning} edges, got ${binCounts.length}`,
    );
  }
  const total = binCounts.reduce((s, c) => s + c, 0);
  if (total !== n) fail(`${path}.binCounts`, `counts sum to ${total} but count is ${n}`);
  const mean = finite(o, 'mean', path);
  const m2 = finite(o, 'm2', path);
  if (m2 < 0) fail(`${path}.m2`, `must be non-negative, got ${m2}`);
  const min = finite(o, 'min', path);
  const max = finite(o, 'max', path);
  const outsideEdges = segment
    ? min < edges[0] || max > edges[edges.length - 1]
    : min !== edges[0] || max !== edges[edges.length - 1];
  if (n > 0 && (min > max || outsideEdges)) {
    fail(
      path,
      `min/max (${min}, ${max}) must ${segment ? 'lie within' : 'equal'} the first and last edges (${edges[0]}, ${edges[edges.length - 1]})`,
    );
  }
  const distinctValues = count(o, 'distinctValues', path);
  if (distinctValues > n)
    fail(`${path}.distinctValues`, `${distinctValues} distinct values but only ${n} values`);
  const summary = numbers(o, 'summary', path);
  if (summary.length > n)
    fail(`${path}.summary`, `holds ${summary.length} points but the feature has ${n} values`);
  if (n > 0 && summary.length === 0) fail(`${path}.summary`, 'must not be empty when the feature has values');
  for (let i = 1; i < summary.length; i++) {
    if (summary[i] < summary[i - 1]) fail(`${path}.summary[${i}]`, 'summary must be sorted ascending');
  }
  if (summary.length > 0 && (summary[0] < min || summary[summary.length - 1] > max)) {
    fail(`${path}.summary`, 'summary values must lie within [min, max]');
  }
  const summaryError = finite(o, 'summaryError', path);
  if (summaryError < 0) fail(`${path}.summaryError`, `must be non-negative, got ${summaryError}`);
  return {
    name: string(o, 'name', path),
    type: 'numeric',
    role: o.role as NumericFeatureJSON['role'],
    count: n,
    missing,
    binning,
    edges,
    binCounts,
    mean,
    m2,
    min,
    max,
    distinctValues,
    summary,
    summaryError,
  };
}

function categorical(o: Obj, path: string, rows: number): CategoricalFeatureJSON {
  const n = count(o, 'count', path);
  const missing = count(o, 'missing', path);
  if (n + missing !== rows)
    fail(path, `count (${n}) + missing (${missing}) must equal the profile's rows (${rows})`);
  const categories = o.categories;
  if (!Array.isArray(categories))
    fail(`${path}.categories`, `expected an array of strings, got ${describe(categories)}`);
  const seen = new Set<string>();
  categories.forEach((c, i) => {
    if (typeof c !== 'string') fail(`${path}.categories[${i}]`, `expected a string, got ${describe(c)}`);
    if (seen.has(c)) fail(`${path}.categories[${i}]`, `duplicate category ${JSON.stringify(c)}`);
    seen.add(c);
  });
  const categoryCounts = numbers(o, 'categoryCounts', path, true);
  if (categoryCounts.length !== categories.length) {
    fail(`${path}.categoryCounts`, `expected ${categories.length} counts, got ${categoryCounts.length}`);
  }
  const otherCount = count(o, 'otherCount', path);
  const total = categoryCounts.reduce((s, c) => s + c, 0) + otherCount;
  if (total !== n) fail(path, `category counts plus otherCount sum to ${total} but count is ${n}`);
  const distinctValues = count(o, 'distinctValues', path);
  if (distinctValues < categories.length) {
    fail(
      `${path}.distinctValues`,
      `${distinctValues} is less than the ${categories.length} tracked categories`,
    );
  }
  if (distinctValues === categories.length && otherCount !== 0) {
    fail(`${path}.otherCount`, 'must be 0 when every distinct value is tracked');
  }
  return {
    name: string(o, 'name', path),
    type: 'categorical',
    role: o.role as CategoricalFeatureJSON['role'],
    count: n,
    missing,
    categories: categories as string[],
    categoryCounts,
    otherCount,
    distinctValues,
  };
}

/** Validates a reference profile's JSON, returning a normalised copy; throws InvalidProfileError. */
export function validateProfileJSON(value: unknown): ReferenceProfileJSON {
  const o = object(value, '$');
  if (o.format !== 'continuum.drift/reference-profile') {
    fail('$.format', `expected 'continuum.drift/reference-profile', got ${describe(o.format)}`);
  }
  if (o.version !== 1)
    fail('$.version', `unsupported version ${describe(o.version)} (this library reads version 1)`);
  const rows = count(o, 'rows', '$');
  const opts = options(o.options);
  if (!Array.isArray(o.features)) fail('$.features', `expected an array, got ${describe(o.features)}`);
  const names = new Set<string>();
  let predictions = 0;
  const features: FeatureJSON[] = o.features.map((raw, i) => {
    const path = `$.features[${i}]`;
    const f = object(raw, path);
    const name = string(f, 'name', path);
    if (f.role !== 'input' && f.role !== 'prediction') {
      fail(`${path}.role`, `expected 'input' or 'prediction', got ${describe(f.role)}`);
    }
    if (f.role === 'prediction' && ++predictions > 1)
      fail(`${path}.role`, 'a profile has at most one prediction feature');
    const key = `${String(f.role)}:${name}`;
    if (names.has(key)) fail(`${path}.name`, `duplicate feature ${JSON.stringify(name)}`);
    names.add(key);
    if (f.type === 'numeric') return numeric(f, path, rows);
    if (f.type === 'categorical') return categorical(f, path, rows);
    return fail(`${path}.type`, `expected 'numeric' or 'categorical', got ${describe(f.type)}`);
  });
  const profile: ReferenceProfileJSON = {
    format: 'continuum.drift/reference-profile',
    version: 1,
    rows,
    options: opts,
    features,
  };
  if (o.segments !== undefined) profile.segments = segmentKeys(o.segments, features, rows);
  if (o.performanceEstimation !== undefined)
    profile.performanceEstimation = PerformanceEstimation.fromJSON(o.performanceEstimation).toJSON();
  return profile;
}

function segmentKeys(v: unknown, features: readonly FeatureJSON[], rows: number): SegmentKeyJSON[] {
  if (!Array.isArray(v)) fail('$.segments', `expected an array, got ${describe(v)}`);
  const keys = new Set<string>();
  return v.map((raw, i) => {
    const path = `$.segments[${i}]`;
    const o = object(raw, path);
    const key = string(o, 'key', path);
    if (keys.has(key)) fail(`${path}.key`, `duplicate segment key ${JSON.stringify(key)}`);
    keys.add(key);
    const maxValues = count(o, 'maxValues', path);
    const distinctValues = count(o, 'distinctValues', path);
    if (!Array.isArray(o.values)) fail(`${path}.values`, `expected an array, got ${describe(o.values)}`);
    if (o.values.length > maxValues)
      fail(`${path}.values`, `holds ${o.values.length} values but maxValues is ${maxValues}`);
    const seen = new Set<string>();
    const values = o.values.map((r, j) => {
      const ref = segmentReference(r, `${path}.values[${j}]`, features, false);
      if (seen.has(ref.value as string))
        fail(`${path}.values[${j}].value`, `duplicate segment value ${JSON.stringify(ref.value)}`);
      seen.add(ref.value as string);
      return ref;
    });
    const other = o.other === null ? null : segmentReference(o.other, `${path}.other`, features, true);
    if (distinctValues < values.length)
      fail(`${path}.distinctValues`, `${distinctValues} is less than the ${values.length} tracked values`);
    if (distinctValues > values.length !== (other !== null))
      fail(`${path}.other`, 'must be present exactly when the key has more distinct values than it tracks');
    const total = values.reduce((s, r) => s + r.rows, 0) + (other?.rows ?? 0);
    if (total > rows) fail(path, `segment rows sum to ${total}, more than the profile's ${rows} rows`);
    return { key, maxValues, distinctValues, values, other };
  });
}

/** One segment's distribution: the profile's features in order, on the profile's bins and categories. */
function segmentReference(
  v: unknown,
  path: string,
  features: readonly FeatureJSON[],
  rest: boolean,
): SegmentReferenceJSON {
  const o = object(v, path);
  if (rest ? o.value !== null : typeof o.value !== 'string')
    fail(`${path}.value`, `expected ${rest ? 'null (the rest)' : 'a string'}, got ${describe(o.value)}`);
  const rows = count(o, 'rows', path);
  if (!Array.isArray(o.features) || o.features.length !== features.length) {
    fail(`${path}.features`, `expected the profile's ${features.length} features in order`);
  }
  const out = o.features.map((raw, i) => {
    const fp = `${path}.features[${i}]`;
    const f = object(raw, fp);
    const p = features[i];
    if (f.name !== p.name || f.type !== p.type || f.role !== p.role)
      fail(fp, `expected the profile's feature ${JSON.stringify(p.name)} (${p.type}, ${p.role})`);
    if (p.type === 'numeric') {
      const s = numeric(f, fp, rows, true);
      if (
        s.binning !== p.binning ||
        s.edges.length !== p.edges.length ||
        s.edges.some((e, k) => e !== p.edges[k])
      )
        fail(`${fp}.edges`, "a segment's bins must be the profile's");
      return s;
    }
    const s = categorical(f, fp, rows);
    if (
      s.distinctValues !== p.distinctValues ||
      s.categories.length !== p.categories.length ||
      s.categories.some((c, k) => c !== p.categories[k])
    )
      fail(`${fp}.categories`, "a segment's categories (and distinctValues) must be the profile's");
    return s;
  });
  return { value: rest ? null : (o.value as string), rows, features: out };
}
