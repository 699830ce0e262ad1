import { IncompatibleStateError, InvalidArgumentError } from '../errors';
import type {
  CategoricalFeature,
  Feature,
  NumericFeature,
  ReferenceProfile,
  SegmentReference,
} from '../profile/reference-profile';
import {
  DEFAULT_EMPTY_BIN_EPSILON,
  hellingerDistance,
  jensenShannonDistance,
  kullbackLeiblerDivergence,
  populationStabilityIndex,
} from '../statistics/histogram-distances';
import {
  adjustPValues,
  chiSquareTest,
  type Correction,
  kolmogorovSmirnovGridTest,
  kolmogorovSmirnovTest,
  sum,
  twoProportionZTest,
  type WeightedSample,
} from '@continuum/stats';
import { wassersteinDistance } from '../statistics/wasserstein';
import type { WindowProfile } from '../window/window-profile';
import type {
  ContractViolation,
  DriftReport,
  FeatureDrift,
  FeatureQuality,
  StatisticName,
} from './drift-report';

/** Per-feature choice of statistic, threshold and effect-size floor. */
export interface FeatureTestOptions {
  readonly statistic?: StatisticName;
  readonly threshold?: number;
  readonly effectSizeFloor?: number;
}

export interface DriftEvaluationOptions {
  /** Overrides by feature name (the prediction under the profile's `predictionName`). */
  readonly features?: Readonly<Record<string, StatisticName | FeatureTestOptions>>;
  /** Thresholds by statistic (defaults: α = 0.05 for KS/CHI_SQUARE/Z_TEST, 0.1 for distances). */
  readonly thresholds?: Readonly<Partial<Record<StatisticName, number>>>;
  /** Effect-size floors (defaults: KS D 0.1, Cramér's V 0.1, Cohen's h 0.2); 0 disables a floor. */
  readonly effectSizeFloors?: Readonly<Partial<Record<'KS' | 'CHI_SQUARE' | 'Z_TEST', number>>>;
  /** Multiple-testing correction across the input features' p-values (default 'benjamini-hochberg'). */
  readonly correction?: Correction;
  /** Reference rows up to which the default rule picks p-value tests (default 1000, Evidently's rule). */
  readonly smallReferenceRows?: number;
  /** Below this many valid values in the window (or reference) a feature is not tested (default 30). */
  readonly minSampleSize?: number;
  /** Share of drifted features from which the dataset drifts (default 0.5). */
  readonly datasetDriftShare?: number;
  /** Empty-bin proportion used by PSI and KL (default 1e-4). */
  readonly emptyBinEpsilon?: number;
  /** Yates' correction for 2×2 chi-square tables, as SciPy's default (default true). */
  readonly yatesCorrection?: boolean;
  /**
   * A window state used as the reference distribution instead of the profile's (an expanding
   * reference: the merge of past windows; or the previous window). Built against the same profile.
   */
  readonly baseline?: WindowProfile;
  /** Unseen categories listed per feature (default 10). */
  readonly unseenCategoriesListed?: number;
  /**
   * The window's segment (`key=value`, `key=other`): compared with the profile's reference of that
   * segment when it has one (`ReferenceProfile.segmentReference`), else with the whole population's
   * (the report says `segmentFallback`). Ignored with a `baseline`.
   */
  readonly segment?: string;
}

const P_VALUE_TESTS = new Set<StatisticName>(['KS', 'CHI_SQUARE', 'Z_TEST']);
const NUMERIC_ONLY = new Set<StatisticName>(['KS', 'WASSERSTEIN']);

export const DEFAULT_THRESHOLDS: Readonly<Record<StatisticName, number>> = {
  KS: 0.05,
  CHI_SQUARE: 0.05,
  Z_TEST: 0.05,
  WASSERSTEIN: 0.1,
  PSI: 0.1,
  JENSEN_SHANNON: 0.1,
  KL_DIVERGENCE: 0.1,
  HELLINGER: 0.1,
};

export const DEFAULT_EFFECT_SIZE_FLOORS: Readonly<Record<'KS' | 'CHI_SQUARE' | 'Z_TEST', number>> = {
  KS: 0.1,
  CHI_SQUARE: 0.1,
  Z_TEST: 0.2,
};

/**
 * The default statistic for a feature, following Evidently's rule: with at most `smallReferenceRows`
 * reference values, KS for numeric features with more than 5 distinct values, chi-square for
 * categorical (or ≤ 5-valued numeric) features, the two-proportion Z-test for binary ones; above it,
 * Wasserstein distance normed by the reference std for numeric features and Jensen–Shannon distance
 * for categorical ones.
 */
export function defaultStatistic(
  feature: Feature,
  referenceSize: number,
  smallReferenceRows = 1000,
): StatisticName {
  const lowCardinality = feature.type === 'categorical' || feature.distinctValues <= 5;
  const small = referenceSize <= smallReferenceRows;
  if (!lowCardinality) return small ? 'KS' : 'WASSERSTEIN';
  if (!small) return 'JENSEN_SHANNON';
  return feature.distinctValues <= 2 ? 'Z_TEST' : 'CHI_SQUARE';
}

interface Measured {
  value: number;
  pValue: number | null;
  effectSize: number | null;
  maxError: number;
}

/** Reference side of one feature: the profile's distribution or a baseline window's. */
interface ReferenceSide {
  numericBins(f: NumericFeature): Float64Array;
  numericSample(f: NumericFeature): WeightedSample;
  numericStd(f: NumericFeature): number;
  numericCount(f: NumericFeature): number;
  categoryCounts(f: CategoricalFeature): Float64Array;
  categoryTotal(f: CategoricalFeature): number;
  /** Whether a window's counts on the reference grid (`NumericFeature.ksGrid`) can be tested against it. */
  readonly gridCounts: boolean;
}

function profileSide(): ReferenceSide {
  return {
    numericBins: (f) => f.binCounts,
    numericSample: (f) => f.sample(),
    numericStd: (f) => f.std,
    numericCount: (f) => f.count,
    categoryCounts: (f) => f.counts,
    categoryTotal: (f) => f.count,
    gridCounts: true,
  };
}

/**
 * A segment's reference: its counts on the profile's bins and categories and its own summary. KS
 * takes the sketch path (the window's grid is the profile's, not the segment's): exact while the
 * segment's window holds at most `sketchExactLimit` values, conservative beyond.
 */
function segmentSide(segment: SegmentReference): ReferenceSide {
  return {
    numericBins: (f) => segment.feature(f).binCounts,
    numericSample: (f) => segment.feature(f).sample(),
    numericStd: (f) => segment.feature(f).std,
    numericCount: (f) => segment.feature(f).count,
    categoryCounts: (f) => segment.feature(f).counts,
    categoryTotal: (f) => segment.feature(f).count,
    gridCounts: false,
  };
}

function baselineSide(baseline: WindowProfile): ReferenceSide {
  return {
    numericBins: (f) => baseline.numericBinCounts(f),
    numericSample: (f) => baseline.numericSample(f),
    numericStd: (f) => baseline.numericMoments(f).std,
    numericCount: (f) => baseline.numericMoments(f).count,
    categoryCounts: (f) => baseline.categoryCounts(f),
    categoryTotal: (f) => sum(baseline.categoryCounts(f)),
    gridCounts: false,
  };
}

function measure(
  statistic: StatisticName,
  feature: Feature,
  reference: ReferenceSide,
  current: WindowProfile,
  epsilon: number,
  yates: boolean,
): Measured {
  if (feature.type === 'numeric') {
    if (statistic === 'KS') {
      // Against the profile: the window's counts on the reference grid give SciPy's D exactly, at
      // bounded state. Against a baseline window: both sides are sketches (conservative p-value).
      const r = reference.gridCounts
        ? kolmogorovSmirnovGridTest(reference.numericSample(feature), current.numericGridCounts(feature))
        : kolmogorovSmirnovTest(reference.numericSample(feature), current.numericSample(feature));
      return { value: r.statistic, pValue: r.pValue, effectSize: r.statistic, maxError: r.maxError };
    }
    if (statistic === 'WASSERSTEIN') {
      const norm = Math.max(reference.numericStd(feature), 0.001);
      const r = wassersteinDistance(reference.numericSample(feature), current.numericSample(feature));
      return {
        value: r.distance / norm,
        pValue: null,
        effectSize: r.distance / norm,
        maxError: r.maxError / norm,
      };
    }
  }
  const ref = feature.type === 'numeric' ? reference.numericBins(feature) : reference.categoryCounts(feature);
  const cur =
    feature.type === 'numeric' ? current.numericBinCounts(feature) : current.categoryCounts(feature);
  switch (statistic) {
    case 'PSI': {
      const v = populationStabilityIndex(ref, cur, epsilon);
      return { value: v, pValue: null, effectSize: v, maxError: 0 };
    }
    case 'JENSEN_SHANNON': {
      const v = jensenShannonDistance(ref, cur);
      return { value: v, pValue: null, effectSize: v, maxError: 0 };
    }
    case 'KL_DIVERGENCE': {
      const v = kullbackLeiblerDivergence(ref, cur, { epsilon });
      return { value: v, pValue: null, effectSize: v, maxError: 0 };
    }
    case 'HELLINGER': {
      const v = hellingerDistance(ref, cur);
      return { value: v, pValue: null, effectSize: v, maxError: 0 };
    }
    case 'CHI_SQUARE': {
      const r = chiSquareTest(ref, cur, yates);
      return { value: r.statistic, pValue: r.pValue, effectSize: r.cramersV, maxError: 0 };
    }
    case 'Z_TEST': {
      // Proportion of the reference's first bin/category (the most frequent category; the lowest
      // value of a binary numeric feature) against everything else.
      const first = feature.type === 'numeric' ? 1 : 0;
      const r = twoProportionZTest(ref[first], sum(ref), cur[first], sum(cur));
      return { value: r.statistic, pValue: r.pValue, effectSize: r.cohensH, maxError: 0 };
    }
    default:
      throw new InvalidArgumentError(`statistic ${statistic} does not apply to feature '${feature.name}'`);
  }
}

/**
 * Evaluates one window against the reference: per feature the configured or default statistic,
 * p-values corrected across features, effect-size floors next to every p-value test, prediction
 * drift, data quality and contract violations. Binned statistics (PSI, JS, KL, Hellinger,
 * chi-square, Z) are exact functions of counts, so the report of merged partial states equals the
 * report of one instance that saw every event.
 */
export function evaluateDrift(
  profile: ReferenceProfile,
  current: WindowProfile,
  options: DriftEvaluationOptions = {},
): DriftReport {
  if (current.profile.fingerprint !== profile.fingerprint) {
    throw new IncompatibleStateError('the window state was built against another reference profile');
  }
  if (options.baseline && options.baseline.profile.fingerprint !== profile.fingerprint) {
    throw new IncompatibleStateError('the baseline window state was built against another reference profile');
  }
  const correction = options.correction ?? 'benjamini-hochberg';
  const minSample = options.minSampleSize ?? 30;
  const small = options.smallReferenceRows ?? 1000;
  const epsilon = options.emptyBinEpsilon ?? DEFAULT_EMPTY_BIN_EPSILON;
  const yates = options.yatesCorrection ?? true;
  const segment =
    !options.baseline && options.segment !== undefined ? profile.segmentReference(options.segment) : null;
  const reference = options.baseline
    ? baselineSide(options.baseline)
    : segment
      ? segmentSide(segment)
      : profileSide();

  const known = new Set(profile.features.map((f) => f.name));
  for (const name of Object.keys(options.features ?? {})) {
    if (!known.has(name))
      throw new InvalidArgumentError(`options.features names '${name}', which is not in the profile`);
  }

  const evaluateFeature = (
    feature: Feature,
  ): Omit<FeatureDrift, 'adjustedPValue' | 'drifted'> & { floor: number | null } => {
    const override = options.features?.[feature.name];
    const cfg: FeatureTestOptions = typeof override === 'string' ? { statistic: override } : (override ?? {});
    const referenceSize =
      feature.type === 'numeric' ? reference.numericCount(feature) : reference.categoryTotal(feature);
    const sampleSize =
      feature.type === 'numeric'
        ? current.numericMoments(feature).count
        : sum(current.categoryCounts(feature));
    const chosen = cfg.statistic ?? defaultStatistic(feature, referenceSize, small);
    // A two-proportion test sees only the share of one reference value, so a value the reference
    // never had (a new category in 'other', a numeric value in the underflow/overflow bin) would
    // count only as "not that value". Such a window is tested with chi-square homogeneity over the
    // reference's values plus the unseen slot(s) instead, the table SciPy's chi2_contingency gets.
    const statistic =
      chosen === 'Z_TEST' && hasUnseenValues(feature, reference, current) ? 'CHI_SQUARE' : chosen;
    if (feature.type === 'categorical' && NUMERIC_ONLY.has(statistic)) {
      throw new InvalidArgumentError(
        `statistic ${statistic} needs a numeric feature; '${feature.name}' is categorical`,
      );
    }
    const threshold = cfg.threshold ?? options.thresholds?.[statistic] ?? DEFAULT_THRESHOLDS[statistic];
    const isTest = P_VALUE_TESTS.has(statistic);
    const floor = isTest
      ? ((statistic === chosen ? cfg.effectSizeFloor : undefined) ??
        options.effectSizeFloors?.[statistic as 'KS'] ??
        DEFAULT_EFFECT_SIZE_FLOORS[statistic as 'KS'])
      : null;
    const base = {
      feature: feature.name,
      featureType: feature.type === 'numeric' ? ('NUMERIC' as const) : ('CATEGORICAL' as const),
      statistic,
      threshold,
      effectSizeFloor: floor,
      sampleSize,
      referenceSize,
      floor,
    };
    if (sampleSize < Math.max(1, minSample) || referenceSize < Math.max(1, minSample)) {
      return {
        ...base,
        value: NaN,
        pValue: null,
        effectSize: null,
        maxError: 0,
        status: 'insufficient-data',
      };
    }
    const m = measure(statistic, feature, reference, current, epsilon, yates);
    return { ...base, ...m, status: 'ok' };
  };

  const decide = (f: ReturnType<typeof evaluateFeature>, adjusted: number | null): FeatureDrift => {
    let drifted = false;
    if (f.status === 'ok') {
      if (f.pValue !== null) {
        drifted = (adjusted as number) < f.threshold && (f.effectSize ?? 0) >= (f.floor ?? 0);
      } else {
        drifted = f.value >= f.threshold;
      }
    }
    const { floor: _floor, ...rest } = f;
    return { ...rest, adjustedPValue: adjusted, drifted };
  };

  const inputs = profile.features.filter((f) => f.role === 'input').map(evaluateFeature);
  const adjusted = adjustPValues(
    inputs.map((f) => f.pValue),
    correction,
  );
  const features = inputs.map((f, i) => decide(f, adjusted[i]));
  const prediction = profile.prediction ? evaluateFeature(profile.prediction) : null;
  const predictionDrift = prediction ? decide(prediction, prediction.pValue) : null;

  const tested = features.filter((f) => f.status === 'ok').length;
  const driftedFeatures = features.filter((f) => f.drifted).length;
  const driftShare = tested > 0 ? driftedFeatures / tested : 0;

  return {
    window: current.bounds,
    eventCount: current.eventCount,
    referenceKind: options.baseline ? 'baseline' : 'profile',
    referenceCount: options.baseline ? options.baseline.eventCount : segment ? segment.rows : profile.rows,
    referenceSegment: segment ? segment.segment : null,
    segmentFallback: !options.baseline && options.segment !== undefined && segment === null,
    correction,
    features,
    prediction: predictionDrift,
    driftedFeatures,
    driftShare,
    datasetDrift: tested > 0 && driftShare >= (options.datasetDriftShare ?? 0.5),
    dataQuality: dataQuality(profile, current),
    contractViolations: contractViolations(current),
    unseenCategories: profile.categorical
      .map((f) => ({
        feature: f.name,
        values: current.unseenCategories(f, options.unseenCategoriesListed ?? 10),
      }))
      .filter((u) => u.values.length > 0),
  };
}

/**
 * Whether the window has values in a bin or category slot that is empty in the reference: values
 * outside the reference's support (below/above its range for numeric features; categories outside
 * the reference's, counted in 'other', when the reference's own 'other' is empty).
 */
function hasUnseenValues(feature: Feature, reference: ReferenceSide, current: WindowProfile): boolean {
  const ref = feature.type === 'numeric' ? reference.numericBins(feature) : reference.categoryCounts(feature);
  const cur =
    feature.type === 'numeric' ? current.numericBinCounts(feature) : current.categoryCounts(feature);
  for (let i = 0; i < ref.length; i++) if (ref[i] === 0 && cur[i] > 0) return true;
  return false;
}

function rate(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

function dataQuality(profile: ReferenceProfile, current: WindowProfile): FeatureQuality[] {
  return current.quality().map((q) => {
    const feature = q.role === 'prediction' ? profile.prediction : profile.feature(q.feature);
    const vocabularyComplete = feature?.type === 'categorical' ? feature.vocabularyComplete : true;
    const categorical = feature?.type === 'categorical';
    return {
      feature: q.feature,
      role: q.role,
      count: q.events,
      missingRate: rate(q.nulls + q.absent, q.events),
      outOfRangeRate: rate(q.belowRange + q.aboveRange, q.valid),
      unseenCategoryRate: categorical ? (vocabularyComplete ? rate(q.otherCategory, q.valid) : null) : 0,
      otherCategoryRate: rate(q.otherCategory, q.valid),
      typeViolations: q.wrongType + q.nonFinite,
    };
  });
}

function contractViolations(current: WindowProfile): ContractViolation[] {
  const out: ContractViolation[] = [];
  for (const q of current.quality()) {
    if (q.absent > 0) out.push({ feature: q.feature, kind: 'MISSING_FEATURE', count: q.absent });
    if (q.wrongType + q.nonFinite > 0)
      out.push({ feature: q.feature, kind: 'WRONG_TYPE', count: q.wrongType + q.nonFinite });
  }
  for (const u of current.unexpectedFeatures().top) {
    out.push({ feature: u.value, kind: 'UNEXPECTED_FEATURE', count: u.count });
  }
  return out;
}
