import type { Binning } from './binning';
import type { PerformanceEstimationJSON } from './performance-estimation';

/** What the monitor observes per event: features by name, optionally the model's output. */
export interface ObservedEvent {
  readonly numeric?: Readonly<Record<string, number | null | undefined>>;
  readonly categorical?: Readonly<Record<string, string | null | undefined>>;
  /** The model's output: a score/value (numeric) or a class (categorical). */
  readonly prediction?: number | string | null;
  /** Segment tags (e.g. city → 'paris'): only the profile builder's segment references read them. */
  readonly segments?: Readonly<Record<string, string>>;
}

export type FeatureType = 'numeric' | 'categorical';
export type FeatureRole = 'input' | 'prediction';

/** Options that shape a reference profile and every window state compared with it. */
export interface ProfileOptions {
  /** Quantile bins per numeric feature (default 10). Features with at most this many distinct values get one bin per value. */
  bins?: number;
  /** Categories tracked per categorical feature (default 100); the rest share the 'other' bucket. */
  maxCategories?: number;
  /** Points of the reference quantile summary (default 1000); references with at most this many values are stored exactly. */
  summarySize?: number;
  /** t-digest compression δ of the window quantile sketches (default 200). */
  sketchCompression?: number;
  /** Values a window sketch keeps exactly before compacting (default 1024). */
  sketchExactLimit?: number;
  /** Unseen categories (and unexpected feature names) tracked per window with SpaceSaving (default 20). */
  heavyHitters?: number;
  /** Name of the prediction feature (default 'prediction'). */
  predictionName?: string;
}

export type ResolvedProfileOptions = Required<ProfileOptions>;

export const DEFAULT_PROFILE_OPTIONS: ResolvedProfileOptions = {
  bins: 10,
  maxCategories: 100,
  summarySize: 1000,
  sketchCompression: 200,
  sketchExactLimit: 1024,
  heavyHitters: 20,
  predictionName: 'prediction',
};

/** JSON form of a numeric feature's reference distribution. */
export interface NumericFeatureJSON {
  name: string;
  type: 'numeric';
  role: FeatureRole;
  /** Finite values the reference had for this feature. */
  count: number;
  /** Reference rows where the feature was null, absent or not a finite number. */
  missing: number;
  binning: Binning;
  /** Frozen bin edges, strictly increasing. */
  edges: number[];
  /** Reference count per interior bin (the under/overflow bins are empty in the reference by construction). */
  binCounts: number[];
  mean: number;
  /** Sum of squared deviations from the mean (population variance = m2 / count). */
  m2: number;
  min: number;
  max: number;
  /** Number of distinct reference values. */
  distinctValues: number;
  /** Sorted quantile summary: all values when `summary.length === count`, else equally spaced order statistics. */
  summary: number[];
  /** First Wasserstein distance between the summary and the reference values (0 when exact). */
  summaryError: number;
}

/** JSON form of a categorical feature's reference distribution. */
export interface CategoricalFeatureJSON {
  name: string;
  type: 'categorical';
  role: FeatureRole;
  count: number;
  missing: number;
  /** Tracked categories, most frequent first. */
  categories: string[];
  categoryCounts: number[];
  /** Reference values outside the tracked categories. */
  otherCount: number;
  /** Distinct reference values; equal to `categories.length` when the vocabulary is complete. */
  distinctValues: number;
}

export type FeatureJSON = NumericFeatureJSON | CategoricalFeatureJSON;

/**
 * Reference distribution of the rows of one segment value (or of the rest of a segment key's
 * values), on the profile's own bins, categories and feature list: a window of that segment, binned
 * against the profile, is compared with it instead of with the whole population.
 */
export interface SegmentReferenceJSON {
  /** The segment value; null for the rest (values beyond the key's tracked ones). */
  value: string | null;
  /** Reference rows with this value. */
  rows: number;
  /** The profile's features in the same order, counted over these rows (`distinctValues` of a categorical feature is the profile's). */
  features: FeatureJSON[];
}

/** Segment references of one segment key: its most frequent values, then the rest. */
export interface SegmentKeyJSON {
  key: string;
  /** Values tracked at most (the most frequent ones, ties by value). */
  maxValues: number;
  /** Distinct values of the key in the reference. */
  distinctValues: number;
  /** Tracked values, most frequent first. */
  values: SegmentReferenceJSON[];
  /** The rows of the other values; null when every value is tracked. */
  other: SegmentReferenceJSON | null;
}

export interface ReferenceProfileJSON {
  format: 'continuum.drift/reference-profile';
  version: 1;
  /** Rows (events) the profile was built from. */
  rows: number;
  options: ResolvedProfileOptions;
  /** Input features, then the prediction feature if the reference had one. */
  features: FeatureJSON[];
  /** Per-segment references (optional; absent in profiles built without segment keys). */
  segments?: SegmentKeyJSON[];
  /**
   * What label-free performance estimation (CBPE / DLE) learnt on labelled reference rows
   * (optional; absent when the reference had no labels, or for a multiclass model).
   */
  performanceEstimation?: PerformanceEstimationJSON;
}
