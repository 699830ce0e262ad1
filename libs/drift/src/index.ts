/**
 * @continuum/drift — the pure statistics core of Continuum's monitoring: reference profiles, windowed
 * mergeable state, drift statistics checked against SciPy, and concept-drift detectors checked
 * against River. The general tests it uses (KS, chi-square, z, multiple testing) and weighted
 * samples live in @continuum/stats. No I/O.
 */
export * from './errors';

// Reference profiles
export type {
  ObservedEvent,
  ProfileOptions,
  ReferenceProfileJSON,
  FeatureJSON,
  NumericFeatureJSON,
  CategoricalFeatureJSON,
  FeatureType,
  FeatureRole,
  SegmentKeyJSON,
  SegmentReferenceJSON,
} from './profile/profile-types';
export {
  ReferenceProfile,
  NumericFeature,
  CategoricalFeature,
  SegmentReference,
  type Feature,
} from './profile/reference-profile';
export {
  SampleColumnTypes,
  planSampleColumns,
  sampleRowEvent,
  absentContractFeatures,
  sampleProfileBuilder,
  profileFromSample,
  SampleEstimationRows,
  MAX_ESTIMATION_ROWS,
  type SampleRow,
  type SampleContract,
  type SampleColumnKind,
  type SampleColumnPlan,
  type SamplePlanOptions,
  type SampleBuildOptions,
} from './profile/sample-rows';
export {
  PerformanceEstimation,
  DLE_PROFILE_TREES,
  estimationWindowFromJSON,
  type EstimationMethod,
  type EstimationInput,
  type EstimationWindowJSON,
  type PerformanceEstimationJSON,
  type CbpeEstimationJSON,
  type DleEstimationJSON,
} from './profile/performance-estimation';
export {
  ReferenceProfileBuilder,
  type ReferenceProfileBuilderOptions,
  type SegmentReferenceOptions,
} from './profile/reference-profile-builder';

// Windows and mergeable state
export { WindowProfile, type WindowBounds, type FeatureQualityCounts } from './window/window-profile';
export { WindowedProfiles, type WindowSpec, type TimedEvent, type ClosedWindow } from './window/windowing';
export {
  type EventColumns,
  eventColumns,
  PREDICTION_ABSENT,
  PREDICTION_NULL,
  PREDICTION_NUMBER,
  PREDICTION_STRING,
} from './window/event-columns';
export { QuantileSketch, type QuantileSketchOptions } from './sketch/quantile-sketch';
export { SpaceSaving, type HeavyHitter } from './sketch/space-saving';

// Drift statistics (the general tests they build on — KS, chi-square, z, multiple testing, weighted
// samples — are @continuum/stats's)
export { wassersteinDistance, type WassersteinResult } from './statistics/wasserstein';
export {
  populationStabilityIndex,
  jensenShannonDistance,
  kullbackLeiblerDivergence,
  hellingerDistance,
} from './statistics/histogram-distances';

// Reports
export {
  evaluateDrift,
  defaultStatistic,
  DEFAULT_THRESHOLDS,
  DEFAULT_EFFECT_SIZE_FLOORS,
  type DriftEvaluationOptions,
  type FeatureTestOptions,
} from './report/evaluate-drift';
export type {
  DriftReport,
  FeatureDrift,
  FeatureQuality,
  ContractViolation,
  StatisticName,
} from './report/drift-report';
export { DriftMonitor, type DriftMonitorOptions, type WindowReport } from './drift-monitor';

// Concept-drift detectors
export type {
  DriftDetector,
  DriftAndWarningDetector,
  DetectorCheckpoint,
  DetectorName,
} from './detectors/detector';
export { Adwin, type AdwinOptions } from './detectors/adwin';
export { Ddm, type DdmOptions } from './detectors/ddm';
export { Eddm, type EddmOptions } from './detectors/eddm';
export { PageHinkley, type PageHinkleyOptions } from './detectors/page-hinkley';
export { Kswin, type KswinOptions } from './detectors/kswin';
export { HddmA, type HddmAOptions } from './detectors/hddm-a';
export { HddmW, type HddmWOptions } from './detectors/hddm-w';
export { restoreDetector } from './detectors/restore';
