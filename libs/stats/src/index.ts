/**
 * @continuum/stats — the general statistics Continuum builds on, each checked against SciPy or
 * scikit-learn on committed vectors: hypothesis tests and the special functions behind them,
 * mergeable evaluation metrics, and the promoter's sequential tests. Pure: no I/O, no
 * TensorFlow.js. Drift-specific statistics (PSI, profiles, detectors) stay in @continuum/drift.
 */
export * from './errors';

// Special functions and numerics (scipy.special / scipy.stats distributions)
export {
  logGamma,
  upperRegularizedGamma,
  chiSquareSf,
  normalSf,
  normalTwoSidedP,
  roundHalfEven,
} from './math/special';
export { kolmogorovSf, smirnovSf } from './math/kolmogorov';
export { sum } from './math/sum';

// Moments (Welford updates, Chan–Golub–LeVeque merges)
export {
  MOMENT_SLOTS,
  initMoments,
  updateMoments,
  mergeMoments,
  summarizeMoments,
  type MomentSummary,
} from './moments/moments';

// Samples
export {
  exactSample,
  isWeightedSample,
  toWeightedSample,
  type WeightedSample,
} from './sample/weighted-sample';
export { compareEcdfs, type EcdfComparison } from './sample/merged-ecdf';

// Hypothesis tests
export {
  kolmogorovSmirnovTest,
  ksPValue,
  KS_EXACT_MAX_N,
  type KsMethod,
  type KolmogorovSmirnovResult,
} from './hypothesis/kolmogorov-smirnov';
export { kolmogorovSmirnovGridTest, ksGridSlot, ksReferenceGrid } from './hypothesis/ks-reference-grid';
export { chiSquareTest, type ChiSquareResult } from './hypothesis/chi-square';
export { twoProportionZTest, type ZTestResult } from './hypothesis/two-proportion-z-test';
export { adjustPValues, type Correction } from './hypothesis/multiple-testing';

// Metric formulas over whole arrays (scikit-learn's definitions)
export {
  LOG_LOSS_EPS,
  accuracy,
  confusionMatrix,
  precisionRecallF1,
  type PrecisionRecallF1,
  rocAuc,
  rocAucOneVsRest,
  logLoss,
  brierScore,
  meanAbsoluteError,
  rootMeanSquaredError,
  r2Score,
  r2FromSums,
  logLossOne,
  brierOne,
} from './metrics/formulas';

// Mergeable window metrics (O(classes² + bins) state, JSON round trip, merge in any order)
export { BinaryMetrics, type BinaryMetricsJSON } from './metrics/binary-metrics';
export { MulticlassMetrics, type MulticlassMetricsJSON } from './metrics/multiclass-metrics';
export { RegressionMetrics, type RegressionMetricsJSON } from './metrics/regression-metrics';
export { CalibrationBins, CALIBRATION_BINS, type CalibrationJSON } from './metrics/calibration';
export {
  ScoreHistogram,
  SCORE_BINS,
  type ScoreHistogramJSON,
  type AreaUnderCurve,
} from './metrics/score-histogram';
export {
  LabelDelaySketch,
  DELAY_RELATIVE_ACCURACY,
  type LabelDelaySketchJSON,
  type LabelDelaySummary,
} from './metrics/label-delay-sketch';

// Performance estimated without labels (NannyML's CBPE and DLE), mergeable per window
export { IsotonicCalibrator, type IsotonicCalibratorJSON } from './estimation/isotonic-calibrator';
export { needsCalibration } from './estimation/needs-calibration';
export { SAMPLING_ERROR_RANGE, type EstimatedMetric } from './estimation/estimated-metric';
export {
  CbpeReference,
  CbpeWindow,
  CBPE_AUC_BINS,
  type CbpeReferenceJSON,
  type CbpeReferenceOptions,
  type CbpeEstimate,
  type CbpeWindowJSON,
} from './estimation/cbpe';
export {
  DleReference,
  DleWindow,
  type DleReferenceJSON,
  type DleEstimate,
  type DleWindowJSON,
} from './estimation/dle';
export { BoostedTrees, type BoostedTreesOptions, type BoostedTreesJSON } from './estimation/boosted-trees';

// Sequential tests (the promoter's champion-vs-challenger decisions)
export * from './sequential';
