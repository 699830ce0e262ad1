import type { Correction } from '@continuum/stats';
import type { HeavyHitter } from '../sketch/space-saving';
import type { WindowBounds } from '../window/window-profile';

/** Drift statistics a feature can be tested with (names as in the `ct.drift-reports` schema). */
export type StatisticName =
  'KS' | 'WASSERSTEIN' | 'PSI' | 'JENSEN_SHANNON' | 'KL_DIVERGENCE' | 'HELLINGER' | 'CHI_SQUARE' | 'Z_TEST';

/** Drift of one feature (or of the prediction) in one window. */
export interface FeatureDrift {
  readonly feature: string;
  readonly featureType: 'NUMERIC' | 'CATEGORICAL';
  readonly statistic: StatisticName;
  /** The statistic (KS: D; CHI_SQUARE: χ²; Z_TEST: z; WASSERSTEIN: W1 / reference std; others: the distance). NaN without data. */
  readonly value: number;
  /** p-value for KS, CHI_SQUARE and Z_TEST; null for distances. */
  readonly pValue: number | null;
  /** p-value after the multiple-testing correction across features (null for distances). */
  readonly adjustedPValue: number | null;
  /** α for p-value tests (drift when adjustedPValue < α), the distance above which a distance drifts otherwise. */
  readonly threshold: number;
  /** KS: D; CHI_SQUARE: Cramér's V; Z_TEST: Cohen's h; distances: the value itself. */
  readonly effectSize: number | null;
  /** A p-value test only flags drift when effectSize >= this floor (null for distances). */
  readonly effectSizeFloor: number | null;
  readonly drifted: boolean;
  /** Valid values of the feature in the window. */
  readonly sampleSize: number;
  /** Valid values of the feature in the reference. */
  readonly referenceSize: number;
  /**
   * Bound on |value − value computed from the raw data| when the statistic comes from quantile
   * summaries (KS, WASSERSTEIN); 0 when exact (binned statistics are always exact).
   */
  readonly maxError: number;
  /** 'insufficient-data' when the window or the reference has fewer values than `minSampleSize`. */
  readonly status: 'ok' | 'insufficient-data';
}

/** Data quality of one feature in one window. */
export interface FeatureQuality {
  readonly feature: string;
  readonly role: 'input' | 'prediction';
  /** Events in the window. */
  readonly count: number;
  /** (null + absent) / events. */
  readonly missingRate: number;
  /** Numeric: values outside the reference [min, max] / valid values. 0 for categorical features. */
  readonly outOfRangeRate: number;
  /**
   * Categorical: values never seen in the reference / valid values; null when the reference vocabulary
   * was truncated to `maxCategories` (then `otherCategoryRate` is what can be measured). 0 for numeric.
   */
  readonly unseenCategoryRate: number | null;
  /** Categorical: values outside the tracked categories / valid values. */
  readonly otherCategoryRate: number;
  /** Wrong type plus non-finite numbers. */
  readonly typeViolations: number;
}

export interface ContractViolation {
  readonly feature: string;
  readonly kind: 'UNEXPECTED_FEATURE' | 'MISSING_FEATURE' | 'WRONG_TYPE';
  readonly count: number;
}

/** Everything measured for one window: maps onto the `ct.drift-reports` Avro record. */
export interface DriftReport {
  readonly window: WindowBounds | null;
  readonly eventCount: number;
  /** 'profile': the frozen reference profile; 'baseline': an expanding or other window baseline. */
  readonly referenceKind: 'profile' | 'baseline';
  /** Rows (events) of the reference. */
  readonly referenceCount: number;
  /**
   * The segment whose reference the window was compared with (`key=value` / `key=other`), null for
   * the whole population's (no segment asked, or the profile has none for it: see `segmentFallback`).
   */
  readonly referenceSegment: string | null;
  /** A segment reference was asked for and the profile has none for it: the global reference was used. */
  readonly segmentFallback: boolean;
  readonly correction: Correction;
  readonly features: readonly FeatureDrift[];
  readonly prediction: FeatureDrift | null;
  readonly driftedFeatures: number;
  /** Drifted features / features with enough data. */
  readonly driftShare: number;
  /** driftShare >= the dataset-drift share (default 0.5, as Evidently). */
  readonly datasetDrift: boolean;
  readonly dataQuality: readonly FeatureQuality[];
  readonly contractViolations: readonly ContractViolation[];
  /** Most frequent values outside the reference categories, per categorical feature (non-empty only). */
  readonly unseenCategories: readonly { readonly feature: string; readonly values: readonly HeavyHitter[] }[];
}
