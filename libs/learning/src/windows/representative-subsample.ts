import {
  populationStabilityIndex,
  ReferenceProfileBuilder,
  type ReferenceProfileJSON,
} from '@continuum/drift';
import { ConfigurationError, InvalidInputError } from '../errors';
import type { Example, TimedExample } from '../example';
import { SeededRandom } from '../random';
import { byTime, describe } from './fixed-window';
import type { WindowSelection } from './window';
import { isReferenceProfileJSON, productionProfileFromReference } from './reference-bins';

/**
 * A numeric feature's histogram in current production data: `edges` ascending (k + 1
 * edges for k bins; bin j is [edges[j], edges[j+1]), the last bin also takes its upper
 * edge; values outside the edges count in the first/last bin), `proportions` of k bins, and
 * the proportion of missing values (default 0).
 */
export interface NumericBins {
  readonly feature: string;
  readonly kind: 'numeric';
  readonly edges: readonly number[];
  readonly proportions: readonly number[];
  readonly missing?: number;
}

/**
 * A categorical feature's distribution in production: `proportions[j]` for
 * `categories[j]`, `other` for values not listed, `missing` for absent values (both default 0).
 */
export interface CategoricalBins {
  readonly feature: string;
  readonly kind: 'categorical';
  readonly categories: readonly string[];
  readonly proportions: readonly number[];
  readonly other?: number;
  readonly missing?: number;
}

export type FeatureBins = NumericBins | CategoricalBins;

/**
 * "Bins per feature" of the data the model will serve: the shares the selection matches. Usually
 * derived from a libs/drift reference profile (pass its JSON as `profile`, or convert it with
 * productionProfileFromReference); profileFromExamples builds one from recent examples.
 */
export interface ProductionProfile {
  readonly features: readonly FeatureBins[];
}

/** A period to leave out (e.g. flagged as drifted or as bad data), `[start, end)` epoch ms. */
export interface ExcludedPeriod {
  readonly start: number;
  readonly end: number;
  readonly reason?: string;
}

export interface RepresentativeSubsampleOptions {
  /** Production's bins, or a libs/drift reference profile (JSON) of production data. */
  readonly profile: ProductionProfile | ReferenceProfileJSON;
  /** Rows to select (`sample` output); default: all candidate rows for `weights`. */
  readonly size?: number;
  readonly exclude?: readonly ExcludedPeriod[];
  /**
   * - `stratified` (default): strata are the joint bins of `stratifyBy` (default: the
   *   profile's first feature); each stratum gets `size x` its production share (joint shares
   *   assume independence between features), drawn uniformly without replacement; a stratum
   *   with too few rows gives all it has and the rest is reallocated to the others;
   * - `weighted`: importance weights w = prod_f p_prod(bin_f) / p_pool(bin_f) over all profile
   *   features (clipped to `maxWeight`), then `size` rows drawn with probability ∝ w without
   *   replacement (Efraimidis & Spirakis, "Weighted random sampling with a reservoir",
   *   Information Processing Letters 97, 2006);
   * - `weights`: no sampling: every candidate row, carrying its normalised importance weight
   *   (mean 1) in `weight`, for weighted training.
   */
  readonly method?: 'stratified' | 'weighted' | 'weights';
  readonly stratifyBy?: readonly string[];
  readonly maxWeight?: number;
  readonly seed?: number;
}

export interface RepresentativeSubsample extends WindowSelection {
  /** Rows left out because they fell in an excluded period. */
  readonly excluded: number;
  /** Per feature: PSI (libs/drift's) between production and the candidate pool, then the selection. */
  readonly psiBefore: Readonly<Record<string, number>>;
  readonly psiAfter: Readonly<Record<string, number>>;
}

/** Smallest proportion used in weight ratios (empty bins would be infinite). */
const FLOOR = 1e-4;

/**
 * Representative subsample — the article's "representative subsample selection": leave out
 * periods flagged as drifted, then choose training rows whose feature distribution matches
 * current production data (the `profile`). Reports, per feature, the population stability
 * index between production and the data before and after selection, which the selection
 * should lower.
 */
export function representativeSubsample(
  source: Iterable<TimedExample>,
  options: RepresentativeSubsampleOptions,
): RepresentativeSubsample {
  const profile = checkProfile(options?.profile);
  const method = options.method ?? 'stratified';
  if (!['stratified', 'weighted', 'weights'].includes(method))
    throw new ConfigurationError('method', `must be stratified, weighted or weights, got ${method}`);
  const exclude = options.exclude ?? [];
  exclude.forEach((p, i) => {
    if (!(p.start <= p.end)) throw new ConfigurationError(`exclude[${i}]`, `start must be <= end`);
  });
  const maxWeight = options.maxWeight ?? 20;
  if (!(maxWeight > 0)) throw new ConfigurationError('maxWeight', `must be positive, got ${maxWeight}`);
  const rng = new SeededRandom(options.seed ?? 0);

  let excluded = 0;
  const pool: TimedExample[] = [];
  let i = 0;
  for (const e of source) {
    if (typeof e?.timestamp !== 'number' || !Number.isFinite(e.timestamp))
      throw new InvalidInputError(
        `source[${i}].timestamp`,
        `must be a finite number, got ${String(e?.timestamp)}`,
      );
    i++;
    if (exclude.some((p) => e.timestamp >= p.start && e.timestamp < p.end)) excluded++;
    else pool.push(e);
  }
  if (pool.length === 0) throw new InvalidInputError('source', 'no examples left after exclusions');
  const size = options.size ?? (method === 'weights' ? pool.length : undefined);
  if (size === undefined || !Number.isInteger(size) || size < 1)
    throw new ConfigurationError('size', `must be a positive integer, got ${String(options.size)}`);

  const bins = pool.map((e) => profile.features.map((f) => binOf(f, e)));
  const poolDist = profile.features.map((f, j) =>
    distribution(
      f,
      bins.map((b) => b[j]),
    ),
  );
  const psiBefore = psiReport(profile, poolDist);

  let chosen: number[];
  let weights: Float64Array | null = null;
  if (method === 'stratified') {
    chosen = stratified(profile, options.stratifyBy, bins, size, rng);
  } else {
    weights = importanceWeights(profile, poolDist, bins, maxWeight);
    chosen =
      method === 'weighted'
        ? weightedSample(weights, Math.min(size, pool.length), rng)
        : pool.map((_, k) => k);
  }
  chosen.sort((a, b) => byTime({ t: pool[a].timestamp, i: a }, { t: pool[b].timestamp, i: b }));

  let examples: TimedExample[];
  let afterDist: Float64Array[];
  if (method === 'weights' && weights) {
    let mean = 0;
    for (const w of weights) mean += w;
    mean /= weights.length;
    examples = chosen.map((k) => ({ ...pool[k], weight: weights[k] / mean }));
    afterDist = profile.features.map((f, j) =>
      distribution(
        f,
        chosen.map((k) => bins[k][j]),
        chosen.map((k) => weights[k]),
      ),
    );
  } else {
    examples = chosen.map((k) => pool[k]);
    afterDist = profile.features.map((f, j) =>
      distribution(
        f,
        chosen.map((k) => bins[k][j]),
      ),
    );
  }
  const psiAfter = psiReport(profile, afterDist);
  const selection = describe('representative', examples, {
    method,
    requested: size,
    pool: pool.length,
    excluded,
    excludedPeriods: exclude,
    stratifyBy: method === 'stratified' ? (options.stratifyBy ?? [profile.features[0].feature]) : undefined,
    psiBefore,
    psiAfter,
  });
  return { ...selection, excluded, psiBefore, psiAfter };
}

/**
 * Builds a production profile from recent examples with libs/drift's ReferenceProfileBuilder (the
 * one profile builder): numeric features get `bins` quantile bins (default 10; one bin per value
 * when a feature has no more distinct values than bins), categorical features their categories
 * (the 100 most frequent, the rest as "other"), each with its missing share.
 */
export function profileFromExamples(
  examples: readonly Example[],
  features: readonly (
    { feature: string; kind: 'numeric'; bins?: number } | { feature: string; kind: 'categorical' }
  )[],
): ProductionProfile {
  if (examples.length === 0) throw new InvalidInputError('examples', 'is empty');
  // libs/drift bins every numeric feature of a profile alike: one profile per bin count asked for.
  const groups = new Map<number, { numeric: string[]; categorical: string[] }>();
  const group = (bins: number) =>
    groups.get(bins) ?? groups.set(bins, { numeric: [], categorical: [] }).get(bins)!;
  for (const f of features) {
    if (f.kind === 'numeric') group(f.bins ?? 10).numeric.push(f.feature);
    else group(10).categorical.push(f.feature);
  }
  const built = new Map<string, FeatureBins>();
  for (const [bins, { numeric, categorical }] of groups) {
    const builder = new ReferenceProfileBuilder({ bins });
    for (const e of examples) {
      const observed: { numeric: Record<string, number | null>; categorical: Record<string, string | null> } =
        {
          numeric: {},
          categorical: {},
        };
      for (const name of numeric) {
        const v = e.numeric?.[name];
        observed.numeric[name] = typeof v === 'number' ? v : null;
      }
      for (const name of categorical) observed.categorical[name] = categoricalValue(e, name);
      builder.observe(observed);
    }
    for (const f of productionProfileFromReference(builder.build().toJSON()).features)
      built.set(f.feature, f);
  }
  return {
    features: features.map((f) => {
      const bins = built.get(f.feature);
      if (bins === undefined) throw new InvalidInputError(`examples.${f.kind}.${f.feature}`, 'no values');
      return bins;
    }),
  };
}

// Bin layout per feature: numeric: k bins then "missing"; categorical: categories, then
// "other", then "missing".
function binCount(f: FeatureBins): number {
  return f.kind === 'numeric' ? f.proportions.length + 1 : f.categories.length + 2;
}

function productionShares(f: FeatureBins): number[] {
  const shares = [...f.proportions];
  if (f.kind === 'categorical') shares.push(f.other ?? 0);
  shares.push(f.missing ?? 0);
  const total = shares.reduce((a, b) => a + b, 0);
  return shares.map((s) => s / total);
}

function binOf(f: FeatureBins, e: Example): number {
  if (f.kind === 'numeric') {
    const v = e.numeric?.[f.feature];
    if (typeof v !== 'number' || !Number.isFinite(v)) return f.proportions.length;
    return numericBin(f.edges, v);
  }
  const v = categoricalValue(e, f.feature);
  if (v === null) return f.categories.length + 1;
  const j = f.categories.indexOf(v);
  return j >= 0 ? j : f.categories.length;
}

function numericBin(edges: readonly number[], v: number): number {
  const k = edges.length - 1;
  if (v < edges[1]) return 0;
  if (v >= edges[k - 1]) return k - 1;
  let lo = 1;
  let hi = k - 1;
  // Largest j with edges[j] <= v.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function categoricalValue(e: Example, name: string): string | null {
  const c = e.categorical?.[name];
  if (typeof c === 'string') return c;
  const n = e.numeric?.[name];
  if (typeof n === 'number' && Number.isFinite(n)) return String(n);
  return null;
}

function distribution(
  f: FeatureBins,
  bins: readonly number[],
  weights?: readonly number[] | Float64Array,
): Float64Array {
  const d = new Float64Array(binCount(f));
  let total = 0;
  bins.forEach((b, k) => {
    const w = weights ? weights[k] : 1;
    d[b] += w;
    total += w;
  });
  if (total > 0) for (let j = 0; j < d.length; j++) d[j] /= total;
  return d;
}

function psiReport(profile: ProductionProfile, dists: Float64Array[]): Record<string, number> {
  const out: Record<string, number> = {};
  profile.features.forEach(
    (f, j) => (out[f.feature] = populationStabilityIndex(productionShares(f), dists[j])),
  );
  return out;
}

function importanceWeights(
  profile: ProductionProfile,
  poolDist: Float64Array[],
  bins: number[][],
  maxWeight: number,
): Float64Array {
  const shares = profile.features.map(productionShares);
  const w = new Float64Array(bins.length);
  for (let k = 0; k < bins.length; k++) {
    let v = 1;
    for (let j = 0; j < shares.length; j++) {
      const b = bins[k][j];
      v *= shares[j][b] / Math.max(poolDist[j][b], FLOOR);
    }
    w[k] = Math.min(v, maxWeight);
  }
  return w;
}

function weightedSample(weights: Float64Array, size: number, rng: SeededRandom): number[] {
  // Key u^(1/w) (log form: ln(u) / w); keep the `size` largest. Zero weights are never drawn.
  const keyed: { k: number; key: number }[] = [];
  for (let k = 0; k < weights.length; k++) {
    if (weights[k] <= 0) continue;
    keyed.push({ k, key: Math.log(1 - rng.next()) / weights[k] });
  }
  keyed.sort((a, b) => b.key - a.key || a.k - b.k);
  return keyed.slice(0, size).map((x) => x.k);
}

function stratified(
  profile: ProductionProfile,
  stratifyBy: readonly string[] | undefined,
  bins: number[][],
  size: number,
  rng: SeededRandom,
): number[] {
  const names = stratifyBy ?? [profile.features[0].feature];
  const idx = names.map((n) => {
    const j = profile.features.findIndex((f) => f.feature === n);
    if (j < 0) throw new ConfigurationError('stratifyBy', `feature '${n}' is not in the profile`);
    return j;
  });
  const shares = idx.map((j) => productionShares(profile.features[j]));
  // Group rows by their joint stratum.
  const strata = new Map<string, { share: number; rows: number[] }>();
  bins.forEach((b, k) => {
    const key = idx.map((j) => b[j]).join(',');
    let s = strata.get(key);
    if (!s) {
      s = { share: idx.reduce((p, j, m) => p * shares[m][b[j]], 1), rows: [] };
      strata.set(key, s);
    }
    s.rows.push(k);
  });
  // Quotas by largest remainder; strata that run short give back their remainder, repeatedly.
  const list = [...strata.values()].filter((s) => s.share > 0);
  const quota = new Map<(typeof list)[number], number>();
  let open = list.slice();
  let remaining = Math.min(
    size,
    list.reduce((n, s) => n + s.rows.length, 0),
  );
  while (remaining > 0 && open.length > 0) {
    const total = open.reduce((a, s) => a + s.share, 0);
    const raw = open.map((s) => (remaining * s.share) / total);
    const give = raw.map(Math.floor);
    let left = remaining - give.reduce((a, b) => a + b, 0);
    const order = raw.map((r, m) => ({ m, frac: r - give[m] })).sort((a, b) => b.frac - a.frac || a.m - b.m);
    for (const o of order) {
      if (left === 0) break;
      give[o.m]++;
      left--;
    }
    const next: typeof open = [];
    let assigned = 0;
    open.forEach((s, m) => {
      const have = quota.get(s) ?? 0;
      const room = s.rows.length - have;
      const take = Math.min(give[m], room);
      quota.set(s, have + take);
      assigned += take;
      if (take < room) next.push(s);
    });
    remaining -= assigned;
    if (assigned === 0) break;
    open = next;
  }
  const chosen: number[] = [];
  for (const s of list) {
    const q = quota.get(s) ?? 0;
    const rows = rng.shuffle(s.rows.slice());
    for (let m = 0; m < q; m++) chosen.push(rows[m]);
  }
  return chosen;
}

function checkProfile(given: ProductionProfile | ReferenceProfileJSON | undefined): ProductionProfile {
  const profile = isReferenceProfileJSON(given) ? productionProfileFromReference(given) : given;
  if (!profile || !Array.isArray(profile.features) || profile.features.length === 0)
    throw new ConfigurationError('profile', 'needs at least one feature');
  profile.features.forEach((f, i) => {
    const where = `profile.features[${i}]`;
    const props = f.proportions;
    if (!Array.isArray(props) || props.some((p) => !(p >= 0)))
      throw new ConfigurationError(`${where}.proportions`, 'must be non-negative numbers');
    if (f.kind === 'numeric') {
      const e = f.edges;
      if (!Array.isArray(e) || e.length !== props.length + 1)
        throw new ConfigurationError(
          `${where}.edges`,
          `need ${props.length + 1} edges for ${props.length} bins`,
        );
      for (let j = 1; j < e.length; j++)
        if (!(e[j] > e[j - 1])) throw new ConfigurationError(`${where}.edges`, 'must be strictly increasing');
    } else if (f.kind === 'categorical') {
      if (!Array.isArray(f.categories) || f.categories.length !== props.length)
        throw new ConfigurationError(`${where}.categories`, 'need one proportion per category');
    } else {
      throw new ConfigurationError(`${where}.kind`, `must be numeric or categorical`);
    }
    const total = productionShares(f).length > 0 ? [...props, f.missing ?? 0].reduce((a, b) => a + b, 0) : 0;
    if (!(total > 0)) throw new ConfigurationError(where, 'proportions sum to zero');
  });
  return profile;
}
