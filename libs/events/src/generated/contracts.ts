// GENERATED from libs/events/schemas/*.avsc by libs/events/scripts/generate-contracts.ts. Do not edit:
// change the .avsc file and run `npm run generate -w @continuum/events`.
import { defineContract } from '../contract';

export interface EvidenceState {
  kind: string;
  reference: string;
  summary: string;
  values: Record<string, number>;
}
export interface PerformanceWindowState {
  windowStart: number;
  windowEnd: number;
  /** REALISED, ESTIMATED or AWAITING_LABELS. */
  basis: string;
  breach: boolean;
  /** Past the threshold by the re-arm margin on the good side (the whole band, for an estimate). */
  recovered: boolean;
  /** AWAITING_LABELS: when the estimate stands in for the missing labels (windowEnd + labelsMissingFor). */
  decideAt: number;
  evidence: EvidenceState;
}
export interface PerformanceTriggerState {
  modelVersion: string;
  lastWindowEnd: number;
  seenAt: number;
  consecutiveBreaches: number;
  breachEvidence: Array<EvidenceState>;
  armed: boolean;
  cleanWindows: number;
  conceptArmed: boolean;
  conceptCleanReports: number;
  /** Recent windows of the performance trigger in window order, each judged once: REALISED (its labelled pairs, labels on time), ESTIMATED (its estimate, standing in for labels of its predictions missing or late past the policy's horizon) or AWAITING_LABELS (an estimate waiting for that horizon). The consecutive-breach run is counted from these, so a report delivered twice never counts its window twice. */
  windows: Array<PerformanceWindowState>;
  /** Windows ending at or before this were dropped from windows; their reports are stale. null (a checkpoint from before windows existed): lastWindowEnd. */
  forgottenThrough: null | number;
  /** End of the newest window of the run that last fired: those windows never count toward another request. */
  firedThrough: null | number;
}
export interface DataDriftTriggerState {
  modelVersion: string;
  segment: string;
  lastWindowEnd: number;
  seenAt: number;
  armed: boolean;
  cleanReports: number;
}
export interface Signal {
  /** A RetrainReason symbol (string here so the checkpoint never blocks a new reason). */
  reason: string;
  modelVersion: null | string;
  raisedAt: number;
  key: string;
  evidence: Array<EvidenceState>;
}
export interface PendingRequest {
  requestId: string;
  openedAt: number;
  deadline: number;
  signals: Array<Signal>;
}
/** The retrain controller's trigger state of one model. Topic ct.controller-state (compacted), key: modelId. */
export interface ControllerModelState {
  modelId: string;
  updatedAt: number;
  latestVersion: null | string;
  scheduleCron: null | string;
  lastScheduledSlot: null | number;
  performance: Array<PerformanceTriggerState>;
  drift: Array<DataDriftTriggerState>;
  pending: null | PendingRequest;
}
/** A record a service could not decode or validate, kept with the reason so that nothing is lost. Topic ct.dead-letter, key: the original key. */
export interface DeadLetter {
  originalTopic: string;
  partition: number;
  offset: number;
  key: null | Buffer;
  /** The raw bytes as they were on the original topic. */
  value: null | Buffer;
  headers: Record<string, Buffer>;
  originalTimestamp: number;
  /** NOT_WIRE_FORMAT, UNKNOWN_SCHEMA, MALFORMED_AVRO, INCOMPATIBLE_SCHEMA, INVALID_VALUE, CONTRACT_VIOLATION, REJECTED_BY_HANDLER */
  errorKind: string;
  /** Human-readable reason. */
  error: string;
  /** The service (consumer group) that dead-lettered it. */
  service: string;
  failedAt: number;
}
export type ReferenceKind = 'MODEL_VERSION' | 'BOOTSTRAP';
export const ReferenceKindValues: readonly ReferenceKind[] = ['MODEL_VERSION', 'BOOTSTRAP'];
export type FeatureType = 'NUMERIC' | 'CATEGORICAL';
export const FeatureTypeValues: readonly FeatureType[] = ['NUMERIC', 'CATEGORICAL'];
export interface FeatureDrift {
  feature: string;
  featureType: FeatureType;
  /** e.g. KS, CHI_SQUARE, Z_TEST, PSI, JENSEN_SHANNON, WASSERSTEIN */
  statistic: string;
  value: number;
  pValue: null | number;
  /** p-value after the multiple-testing correction. */
  adjustedPValue: null | number;
  threshold: number;
  /** Effect size compared with the floor, next to every p-value test. */
  effectSize: null | number;
  drifted: boolean;
  sampleSize: number;
}
export interface FeatureQuality {
  feature: string;
  count: number;
  missingRate: number;
  outOfRangeRate: number;
  unseenCategoryRate: number;
  typeViolations: number;
}
export type ViolationKind = 'UNEXPECTED_FEATURE' | 'MISSING_FEATURE' | 'WRONG_TYPE';
export const ViolationKindValues: readonly ViolationKind[] = ['UNEXPECTED_FEATURE', 'MISSING_FEATURE', 'WRONG_TYPE'];
export interface ContractViolation {
  feature: string;
  kind: ViolationKind;
  count: number;
}
/** Data drift, prediction drift and data quality of one model version over one window, against its reference profile. Topic ct.drift-reports, key: modelId. */
export interface DriftReport {
  /** Deterministic id (model, version, segment, window): a re-published report has the same id. */
  reportId: string;
  modelId: string;
  modelVersion: string;
  /** Segment the report covers; '*' for all traffic, 'other' for the tail beyond the tracked segments. */
  segment: string;
  windowStart: number;
  windowEnd: number;
  eventCount: number;
  /** Events of this stream that arrived after every window they belonged to had closed (beyond the allowed lateness), counted since the stream's previous report: they are in no report's eventCount. */
  lateEvents: number;
  /** BOOTSTRAP: no registered profile yet, the reference is the stream's first events. */
  referenceKind: ReferenceKind;
  /** Rows the reference profile was built from. */
  referenceCount: number;
  /** The segment whose reference (stored in the profile) the window was compared with, e.g. city=paris or city=other; null when compared with the whole population's reference (segment '*', or a fallback: see segmentFallback). */
  referenceSegment: null | string;
  /** The profile has no reference for this segment (a value the reference never saw, or a profile without segment references): the window was compared with the whole population's reference. */
  segmentFallback: boolean;
  /** A segment with fewer events than the monitor's minimum segment size (MONITOR_MIN_SEGMENT_EVENTS): no feature is tested (drifted false, value NaN), the data-quality rates are still reported. */
  tooSmallToJudge: boolean;
  /** Multiple-testing correction across features: NONE, BONFERRONI or BENJAMINI_HOCHBERG. */
  correction: string;
  features: Array<FeatureDrift>;
  /** Drift of the model's output. */
  prediction: null | FeatureDrift;
  driftedFeatures: number;
  dataQuality: Array<FeatureQuality>;
  contractViolations: Array<ContractViolation>;
  producedAt: number;
}
/** Internal to the evaluator: the value of one key of a partition's state store (waiting predictions and labels, open windows, detectors, offsets). Topic ct.evaluator-changelog, compacted; key: the state key; partition: the source partition of ct.predictions/ct.labels; a tombstone deletes the key. */
export interface EvaluatorStateEntry {
  /** The state value, JSON owned by the evaluator. */
  value: string;
}
export interface WindowPartial {
  modelId: string;
  modelVersion: string;
  windowStart: number;
  windowEnd: number;
  /** Mergeable window accumulators, JSON owned by the evaluator (versioned inside). */
  state: string;
}
/** Internal to the evaluator: one source partition's closed-window state of one model version, or (partial = null) that partition's event-time progress. Its combiner stage merges the partials of every partition into one ct.performance report. Topic ct.evaluator-partials, key: source partition. */
export interface EvaluatorPartial {
  /** Partition of ct.predictions/ct.labels this state comes from. */
  sourcePartition: number;
  /** Partition count of ct.predictions when it was published. */
  partitionCount: number;
  /** Every window of the source partition ending at or before this time is closed and published. */
  closedThrough: number;
  partial: null | WindowPartial;
}
export type RepartitionedSource = 'PREDICTIONS' | 'LABELS';
export const RepartitionedSourceValues: readonly RepartitionedSource[] = ['PREDICTIONS', 'LABELS'];
/** Internal to the evaluator: a prediction or label that its producer put on a partition other than murmur2(eventId) (e.g. librdkafka's default CRC32 partitioner), re-routed to the partition where its counterpart is joined. Topic ct.evaluator-repartition, key: eventId, partition: murmur2(eventId) modulo the partition count of ct.predictions. */
export interface EvaluatorRepartitionedEvent {
  /** Which topic the event was read from. */
  sourceTopic: RepartitionedSource;
  /** The partition it was read from. */
  sourcePartition: number;
  /** Its offset there. */
  sourceOffset: number;
  /** The validated Prediction or Label as JSON (its decoded value). */
  event: string;
}
export interface PredictionOutput {
  score: null | number;
  predictedClass: null | string;
  classProbabilities: Record<string, number>;
}
/** A prediction joined with its label: training data for the trainer and paired evidence for promotion. Topic ct.examples, key: eventId. */
export interface LabelledExample {
  eventId: string;
  modelId: string;
  modelVersion: string;
  predictionTimestamp: number;
  labelTimestamp: number;
  entityId: null | string;
  numeric: Record<string, null | number>;
  categorical: Record<string, null | string>;
  segments: Record<string, string>;
  output: PredictionOutput;
  label: number | string;
}
/** What a model saw: one observation of its input features. Topic ct.features, key: entity or event id. */
export interface FeatureObservation {
  /** Unique id of the event; predictions and labels of it share it. */
  eventId: string;
  /** Event time, epoch milliseconds. */
  timestamp: number;
  /** The model these features feed, when the producer knows it. */
  modelId: null | string;
  /** The business entity (customer, device...) the event is about. */
  entityId: null | string;
  /** Numeric features by name; null means missing. */
  numeric: Record<string, null | number>;
  /** Categorical features by name; null means missing. */
  categorical: Record<string, null | string>;
  /** Segment tags (country, channel...) reports can be split by. */
  segments: Record<string, string>;
}
/** Ground truth for a prediction, possibly days late. Topic ct.labels, key: eventId of the prediction. */
export interface Label {
  eventId: string;
  modelId: string;
  /** When the truth became known, epoch milliseconds. */
  timestamp: number;
  /** The true value (regression, or 0/1) or class. */
  label: number | string;
}
/** REGISTERED: a new version; STAGE_CHANGED: the version moved to `stage` (a new CHAMPION archives the previous one in the same event); METRICS_UPDATED: metrics and/or reference profile replaced; MODEL_REGISTERED: the model itself (task, contract, owner, policy); ARTIFACT_ATTACHED: the version's artifact set; UNKNOWN: a change this reader does not know (ignored). */
export type VersionChange = 'REGISTERED' | 'STAGE_CHANGED' | 'METRICS_UPDATED' | 'MODEL_REGISTERED' | 'ARTIFACT_ATTACHED' | 'UNKNOWN';
export const VersionChangeValues: readonly VersionChange[] = ['REGISTERED', 'STAGE_CHANGED', 'METRICS_UPDATED', 'MODEL_REGISTERED', 'ARTIFACT_ATTACHED', 'UNKNOWN'];
export type ModelStage = 'CANDIDATE' | 'SHADOW' | 'CHAMPION' | 'ARCHIVED' | 'REJECTED';
export const ModelStageValues: readonly ModelStage[] = ['CANDIDATE', 'SHADOW', 'CHAMPION', 'ARCHIVED', 'REJECTED'];
export type TrainingStrategy = 'ONLINE' | 'WARM_START' | 'FULL' | 'EXTERNAL';
export const TrainingStrategyValues: readonly TrainingStrategy[] = ['ONLINE', 'WARM_START', 'FULL', 'EXTERNAL'];
export interface TrainingWindow {
  start: number;
  end: number;
  exampleCount: number;
}
export type ModelTask = 'BINARY_CLASSIFICATION' | 'MULTICLASS_CLASSIFICATION' | 'REGRESSION';
export const ModelTaskValues: readonly ModelTask[] = ['BINARY_CLASSIFICATION', 'MULTICLASS_CLASSIFICATION', 'REGRESSION'];
export type FeatureKind = 'NUMERIC' | 'CATEGORICAL';
export const FeatureKindValues: readonly FeatureKind[] = ['NUMERIC', 'CATEGORICAL'];
export interface FeatureSpec {
  name: string;
  type: FeatureKind;
  required: boolean;
  min: null | number;
  max: null | number;
  categories: Array<string>;
}
export interface ModelContract {
  task: ModelTask;
  features: Array<FeatureSpec>;
}
/** Records [fromOffset, toOffset) of one partition. */
export interface OffsetRange {
  topic: string;
  partition: number;
  fromOffset: number;
  /** Exclusive. */
  toOffset: number;
}
export interface VersionLineage {
  examples: Array<OffsetRange>;
  seed: null | number;
  codeVersion: null | string;
  /** JSON object. */
  hyperParameters: null | string;
}
/** A blob in the artifact store (libs/artifact-store). */
export interface ArtifactRef {
  /** file:///... or s3://bucket/... */
  uri: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** Bytes. */
  size: number;
}
/** A model or model version was registered or changed (event-sourced registry; the fold is libs/registry). Topic ct.model-versions, key: modelId. Model-level events (MODEL_REGISTERED) have version ''. */
export interface ModelVersionEvent {
  eventId: string;
  modelId: string;
  version: string;
  parentVersion: null | string;
  change: VersionChange;
  /** The version's stage after the change (for MODEL_REGISTERED: CANDIDATE, ignored). */
  stage: ModelStage;
  /** EXTERNAL: trained outside Continuum and registered. */
  strategy: TrainingStrategy;
  trainingWindow: null | TrainingWindow;
  metrics: Record<string, number>;
  /** Same as artifact.uri (kept for readers of the first schema). */
  artifactUri: null | string;
  /** What the model expects as input. */
  contract: null | ModelContract;
  /** JSON of the training-time ReferenceProfile (libs/drift) drift is measured against. */
  referenceProfile: null | string;
  occurredAt: number;
  /** Who made the change: a service or a user. */
  actor: string;
  /** The model's revision after this event (1 for its first event): the registry writes revision + 1 and the fold ignores an event whose sequence is not the next one (a stale writer). 0: written without a sequence check. */
  sequence: number;
  /** REGISTERED: the caller's key; the same key never registers a second version of the model. */
  idempotencyKey: null | string;
  /** MODEL_REGISTERED: the team or person owning the model. */
  owner: null | string;
  /** MODEL_REGISTERED: the retrain policy the model follows (a model id of the controller's policy, or a URI). */
  policyRef: null | string;
  /** REGISTERED: what the version was trained on. */
  lineage: null | VersionLineage;
  /** The model's bytes (libs/learning's artifact format or an external format). */
  artifact: null | ArtifactRef;
  /** The reference profile JSON in the artifact store, when too large to travel inline in referenceProfile. */
  referenceProfileRef: null | ArtifactRef;
  /** A metrics table (JSON object of name to number) in the artifact store, when too large for metrics. */
  metricsRef: null | ArtifactRef;
  /** Why the change was made (audit trail). */
  reason: null | string;
  /** JSON object backing the change (test results, report ids...) (audit trail). */
  evidence: null | string;
}
export interface MonitorCheckpointManifest {
  /** Random id of the write the chunks belong to. */
  slot: number;
  chunks: number;
  /** Bytes of the checkpoint body. */
  size: number;
  /** Hex SHA-256 of the checkpoint body. */
  sha256: string;
  /** The state covers every record of the partition before this offset. */
  nextOffset: number;
  writtenAt: number;
}
export interface MonitorCheckpointChunk {
  /** Random id of the write the chunks belong to. */
  slot: number;
  index: number;
  data: Buffer;
}
/** Internal to the monitor: the stage 1 state of one source partition, written as chunks whose keys carry a random id of the write, then a manifest naming that id (so neither a crash while writing nor a former owner still writing can damage the checkpoint the manifest names), then tombstones of the previous write's chunks. Exactly one of manifest and chunk is set. Topic ct.monitor-checkpoints (compacted), key: group|topic|partition for the manifest, group|topic|partition|write|index for a chunk. */
export interface MonitorCheckpoint {
  /** Consumer group of the stage 1 instances. */
  group: string;
  sourceTopic: string;
  sourcePartition: number;
  manifest: null | MonitorCheckpointManifest;
  chunk: null | MonitorCheckpointChunk;
}
export type MonitorSource = 'PREDICTIONS' | 'FEATURES';
export const MonitorSourceValues: readonly MonitorSource[] = ['PREDICTIONS', 'FEATURES'];
/** What a reference profile belongs to: a model version's predictions or a model's feature observations. */
export interface MonitorSubject {
  modelId: string;
  source: MonitorSource;
  modelVersion: string;
}
/** What a window describes: a subject in one segment. */
export interface MonitorStream {
  subject: MonitorSubject;
  /** '*', 'key=value' or 'key=other'. */
  segment: string;
}
/** One source partition's state of one closed window of one stream. */
export interface MonitorWindowPartial {
  stream: MonitorStream;
  windowStart: number;
  windowEnd: number;
  sourceTopic: string;
  sourcePartition: number;
  /** The reference profile the state is binned against (states of different references never merge). */
  referenceId: string;
  eventCount: number;
  /** Events of this stream dropped on this partition since its previous window because every window they belonged to had closed. */
  droppedLateEvents: number;
  /** Events of this window an earlier, provisional partial of the same source partition already published (an idle partition publishes its open windows as they are). A partial that arrives after its window was reported adds eventCount - earlierEventCount late events. */
  earlierEventCount: number;
  /** WindowProfile.serialize() of libs/drift. */
  state: Buffer;
  /** Only on a 'key=other' partial of a segment key whose values the reference profile does not give: the values this source partition folded into 'other' in this window, with their counts (SpaceSaving.toBytes() of libs/drift). Stage 2 merges them across partitions to pick the key's most frequent values and to check that a value it reports on its own was never folded anywhere. */
  foldedValues: null | Buffer;
}
/** Event-time progress of one source partition: every window ending at or before the watermark has been published. */
export interface MonitorPartitionProgress {
  sourceTopic: string;
  sourcePartition: number;
  /** Epoch ms; -Infinity before the first event. */
  watermark: number;
  /** Largest event time seen on the partition (epoch ms; -Infinity before the first event). */
  maxEventTime: number;
  /** No record for the idle timeout and nothing left to read: its open windows were published as provisional partials just before. Stage 2 relies on it only while the broker's log-end offset of the partition is still nextOffset. */
  idle: boolean;
  /** Offset of the first record the partition's published state does not cover (-1: unknown, written by an older monitor). */
  nextOffset: number;
  publishedAt: number;
}
/** Windows of a stream stage 2 has reported: a later partial for one of them is late and dropped. */
export interface MonitorClosedWindows {
  stream: MonitorStream;
  /** Every window ending at or before this time (epoch ms) counts as closed. */
  floor: number;
  /** Ends of the closed windows after the floor, ascending. */
  windowEnds: Array<number>;
}
export interface MonitorSample {
  offset: number;
  eventId: string;
  timestamp: number;
  numeric: Record<string, null | number>;
  categorical: Record<string, null | string>;
  prediction: null | number | string;
}
/** Raw events of a subject without a registered reference profile, for stage 2 to bootstrap one. */
export interface MonitorBootstrapSamples {
  subject: MonitorSubject;
  sourceTopic: string;
  sourcePartition: number;
  events: Array<MonitorSample>;
}
/** Internal to the monitor: exactly one of the fields is set. Its stage 1 publishes per source partition the state of each closed window (window), its event-time progress (progress) and bootstrap samples (samples); its stage 2 merges the window states of every source partition into one ct.drift-reports record and marks the windows it closed (closed). Topic ct.monitor-partials (compacted), key: the record's identity, partition: murmur2(modelId), progress on every partition. */
export interface MonitorPartial {
  window: null | MonitorWindowPartial;
  progress: null | MonitorPartitionProgress;
  closed: null | MonitorClosedWindows;
  samples: null | MonitorBootstrapSamples;
}
/** Internal to the monitor: a bootstrap reference profile built from a subject's first events because no registered model version had one. Topic ct.monitor-references (compacted), key: the subject (modelId|source|modelVersion). */
export interface MonitorReference {
  subject: MonitorSubject;
  /** JSON of the ReferenceProfile (libs/drift). */
  referenceProfile: string;
  /** Events from this event time on are windowed against the profile (a window boundary). */
  effectiveFrom: number;
  sampleCount: number;
  builtAt: number;
}
/** Label delay distribution in milliseconds (label time - prediction time; negative when the label came first). */
export interface LabelDelay {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
export interface DetectorSignal {
  /** e.g. ADWIN, DDM, PAGE_HINKLEY */
  detector: string;
  driftDetected: boolean;
  warningDetected: boolean;
  /** Errors the detector has seen for this model version. */
  observations: number;
  /** Drifts detected within this window. */
  detections: number;
}
export interface EstimatedMetric {
  value: number;
  /** Standard deviation of the realised metric of a window this size around its expectation. */
  samplingError: number;
  /** value - 3 samplingError, clipped to the metric's range. */
  lower: number;
  /** value + 3 samplingError, clipped to the metric's range. */
  upper: number;
}
/** Live performance of one model version over one window: realised metrics from labelled predictions, and metrics estimated from predictions alone while labels are missing. Topic ct.performance, key: modelId. */
export interface PerformanceReport {
  reportId: string;
  modelId: string;
  modelVersion: string;
  windowStart: number;
  windowEnd: number;
  task: ModelTask;
  predictionCount: number;
  labelledCount: number;
  /** labelledCount / predictionCount. */
  labelCoverage: number;
  /** accuracy, precision, recall, f1, roc_auc, log_loss, brier, ece; mae, rmse, mape, r2. */
  metrics: Record<string, number>;
  /** The same metrics for the persistence baseline (predict the last seen label). */
  baselineMetrics: Record<string, number>;
  labelDelay: null | LabelDelay;
  conceptDrift: Array<DetectorSignal>;
  /** How estimatedMetrics were computed without labels: CBPE (classification, confidence-based performance estimation) or DLE (regression, direct loss estimation); null when the version has no estimation reference. */
  estimationMethod: null | string;
  /** Metrics estimated from the window's predictions alone (before any label): accuracy, f1, roc_auc (CBPE); mae, rmse (DLE). Present even when labelledCount is 0. */
  estimatedMetrics: Record<string, EstimatedMetric>;
  producedAt: number;
}
/** A model's prediction with the features it was made from. Topic ct.predictions, key: eventId (co-partitioned with ct.labels). */
export interface Prediction {
  eventId: string;
  modelId: string;
  modelVersion: string;
  /** Event time of the prediction, epoch milliseconds. */
  timestamp: number;
  entityId: null | string;
  numeric: Record<string, null | number>;
  categorical: Record<string, null | string>;
  segments: Record<string, string>;
  /** What the model predicted. */
  output: PredictionOutput;
}
/** Internal to the promoter: one champion/challenger test (or post-promotion watch) with its evidence and the ct.examples offsets it covers, so that a restarted promoter resumes the same test without counting an event twice. Topic ct.promoter-state (compacted), key: modelId|challengerVersion|kind. */
export interface PromoterTestState {
  key: string;
  modelId: string;
  /** JSON of the test (owned by the promoter, versioned inside). */
  state: string;
  writtenAt: number;
}
export type PromotionOutcome = 'PROMOTE' | 'REJECT' | 'ROLLBACK';
export const PromotionOutcomeValues: readonly PromotionOutcome[] = ['PROMOTE', 'REJECT', 'ROLLBACK'];
export interface GuardrailResult {
  /** latency_p99_ms, ece, prediction_psi, segment:<key>=<value>. */
  name: string;
  value: null | number;
  limit: number;
  passed: boolean;
  detail: null | string;
}
export interface PromotionEvidence {
  /** confidence-sequence (Waudby-Smith et al. 2021) or discordant-pairs (sequential McNemar). */
  method: string;
  /** improvement (threshold +delta) or non-inferiority (threshold -delta). */
  mode: string;
  alpha: number;
  delta: number;
  threshold: number;
  pairs: number;
  /** Mean of champion loss - challenger loss (positive: the challenger is better). */
  meanDifference: number;
  /** Lower bound of the confidence sequence of the mean difference. */
  lower: number;
  upper: number;
  championMeanLoss: number;
  challengerMeanLoss: number;
  /** Discordant pairs the challenger got right (0/1 loss). */
  challengerWins: null | number;
  championWins: null | number;
  minPairs: number;
  maxPairs: number;
  minDurationMs: number;
  /** Event time of the first pair. */
  windowStart: null | number;
  /** Event time of the last pair. */
  windowEnd: null | number;
  guardrails: Array<GuardrailResult>;
}
/** The outcome of champion vs challenger on the same labelled traffic, with the evidence. Topic ct.promotions, key: modelId. */
export interface PromotionDecision {
  decisionId: string;
  modelId: string;
  decision: PromotionOutcome;
  championVersion: null | string;
  challengerVersion: string;
  /** The metric compared, e.g. log_loss or accuracy. */
  metric: string;
  championValue: null | number;
  challengerValue: null | number;
  /** Statistical test used, e.g. MCNEMAR, PAIRED_T, SEQUENTIAL_PROBABILITY_RATIO. */
  test: string;
  statistic: null | number;
  pValue: null | number;
  /** Labelled events both versions scored. */
  pairedCount: number;
  reason: string;
  decidedAt: number;
  /** Who decided: 'promoter' (the gate) or the user of a manual call. */
  actor: string;
  /** ROLLBACK: the champion rolled back to; PROMOTE: the champion archived. */
  previousChampionVersion: null | string;
  /** The sequential test at the decision (null for a manual decision without a running test). */
  evidence: null | PromotionEvidence;
}
export type RetrainReason = 'SCHEDULE' | 'PERFORMANCE' | 'DATA_DRIFT' | 'CONCEPT_DRIFT' | 'CONTRACT_CHANGE' | 'MANUAL';
export const RetrainReasonValues: readonly RetrainReason[] = ['SCHEDULE', 'PERFORMANCE', 'DATA_DRIFT', 'CONCEPT_DRIFT', 'CONTRACT_CHANGE', 'MANUAL'];
export interface Evidence {
  /** DRIFT_REPORT, PERFORMANCE_REPORT, SCHEDULE, MANUAL... */
  kind: string;
  /** Id of the report (or cron expression) this evidence comes from. */
  reference: string;
  summary: string;
  values: Record<string, number>;
}
export type WindowKind = 'FIXED_COUNT' | 'FIXED_DURATION' | 'DYNAMIC' | 'REPRESENTATIVE';
export const WindowKindValues: readonly WindowKind[] = ['FIXED_COUNT', 'FIXED_DURATION', 'DYNAMIC', 'REPRESENTATIVE'];
export interface WindowStrategy {
  kind: WindowKind;
  /** FIXED_COUNT: last N examples. */
  count: null | number;
  /** FIXED_DURATION: last T of event time. */
  durationMs: null | number;
  /** DYNAMIC: window sizes to try. */
  candidateCounts: Array<number>;
  /** DYNAMIC: newest examples kept as the test set. */
  holdoutCount: null | number;
}
export type TrainingMode = 'ONLINE' | 'WARM_START' | 'FULL';
export const TrainingModeValues: readonly TrainingMode[] = ['ONLINE', 'WARM_START', 'FULL'];
/** A decision that a model must be retrained, with why. Topic ct.retrain-requests, key: modelId. */
export interface RetrainRequest {
  requestId: string;
  modelId: string;
  /** The version in production when the request was raised. */
  modelVersion: null | string;
  reason: RetrainReason;
  requestedAt: number;
  /** controller policy name, or the user/CLI for MANUAL. */
  requestedBy: string;
  evidence: Array<Evidence>;
  /** Which data to retrain on. */
  window: WindowStrategy;
  /** ONLINE: incremental updates; WARM_START: fine-tune the parent; FULL: train from scratch. */
  mode: TrainingMode;
}
/** A request to score one event with a model's champion: the scorer's Kafka request/response mode. Topic ct.scoring-requests, key: eventId. */
export interface ScoringRequest {
  /** Correlates the response on ct.scoring-responses and the prediction on ct.predictions; publish the label under it. */
  eventId: string;
  modelId: string;
  /** Event time, epoch milliseconds; null: the time the scorer handles the request. */
  timestamp: null | number;
  entityId: null | string;
  numeric: Record<string, null | number>;
  categorical: Record<string, null | string>;
  segments: Record<string, string>;
}
export type ScoringStatus = 'OK' | 'INVALID_INPUT' | 'UNKNOWN_MODEL' | 'MODEL_UNAVAILABLE' | 'ERROR' | 'UNKNOWN';
export const ScoringStatusValues: readonly ScoringStatus[] = ['OK', 'INVALID_INPUT', 'UNKNOWN_MODEL', 'MODEL_UNAVAILABLE', 'ERROR', 'UNKNOWN'];
export interface ScoringViolation {
  feature: string;
  /** missing, wrong-type, not-finite, below-min, above-max, unknown-category */
  kind: string;
  message: string;
}
/** The scorer's answer to a ScoringRequest. Topic ct.scoring-responses, key: eventId of the request. */
export interface ScoringResponse {
  eventId: string;
  modelId: string;
  /** OK: output is set and the prediction is on ct.predictions; INVALID_INPUT: the input breaks the model's contract (violations); UNKNOWN_MODEL: no such model; MODEL_UNAVAILABLE: no champion loaded yet; ERROR: anything else (error). */
  status: ScoringStatus;
  /** The champion version that answered. */
  modelVersion: null | string;
  output: null | PredictionOutput;
  violations: Array<ScoringViolation>;
  error: null | string;
  respondedAt: number;
}
export interface TrainerPosition {
  topic: string;
  partition: number;
  offset: number;
}
export interface TrainerLearnerRef {
  uri: string;
  sha256: string;
  size: number;
}
/** Internal to the trainer: an online learner's state and the ct.examples positions it covers, written together so that a restart neither skips nor re-learns an example. Topic ct.trainer-checkpoints (compacted), key: modelId. */
export interface TrainerCheckpoint {
  modelId: string;
  /** Next ct.examples offset to read per partition: every record before it is in the learner state. */
  positions: Array<TrainerPosition>;
  /** The learner (libs/learning artifact, optimizer state included) in the artifact store. */
  learner: TrainerLearnerRef;
  examplesLearned: number;
  /** Snapshot versions registered so far. */
  snapshots: number;
  lastSnapshotAt: number;
  lastSnapshotExamples: number;
  /** JSON of the prequential counters (owned by the trainer, versioned inside). */
  prequential: string;
  writtenAt: number;
}
export type TrainingRunStatus = 'ACCEPTED' | 'PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN';
export const TrainingRunStatusValues: readonly TrainingRunStatus[] = ['ACCEPTED', 'PROGRESS', 'SUCCEEDED', 'FAILED', 'UNKNOWN'];
export interface TrainingOffsetRange {
  topic: string;
  partition: number;
  fromOffset: number;
  toOffset: number;
}
export interface TrainingProgress {
  /** READING, TRAINING, EVALUATING, REGISTERING. */
  phase: string;
  recordsRead: number;
  recordsTotal: number;
  examplesKept: number;
  etaMs: null | number;
}
export type TrainingFailureKind = 'UNKNOWN_MODEL' | 'EMPTY_WINDOW' | 'INVALID_REQUEST' | 'TRAINING_ERROR' | 'UNKNOWN';
export const TrainingFailureKindValues: readonly TrainingFailureKind[] = ['UNKNOWN_MODEL', 'EMPTY_WINDOW', 'INVALID_REQUEST', 'TRAINING_ERROR', 'UNKNOWN'];
/** What the trainer did with a retrain request: ACCEPTED (the plan and the pinned ct.examples offset ranges), PROGRESS, then exactly one SUCCEEDED (the registered version) or FAILED (why). Also the trainer's durable record of accepted requests: a restarted trainer resumes the ACCEPTED runs without a terminal event. Topic ct.training-runs, key: modelId. */
export interface TrainingRunEvent {
  /** requestId|status|sequence: deterministic per run step. */
  eventId: string;
  /** The retrain request's id (also the registry idempotency key). */
  requestId: string;
  modelId: string;
  status: TrainingRunStatus;
  occurredAt: number;
  /** The trainer instance that wrote the event. */
  instance: string;
  /** ACCEPTED: JSON of the request and the model's training policy as accepted ({request, policy}: strategy, window, model family, hyper-parameters, seed, hold-out size). */
  plan: null | string;
  /** ACCEPTED and SUCCEEDED: the exact ct.examples offsets read, [fromOffset, toOffset) per partition, pinned when the request was accepted. */
  ranges: Array<TrainingOffsetRange>;
  progress: null | TrainingProgress;
  /** SUCCEEDED: the registered version. */
  version: null | string;
  artifactUri: null | string;
  metrics: Record<string, number>;
  failure: null | TrainingFailureKind;
  /** FAILED: why, in words. */
  reason: null | string;
}

/** Contract of ControllerModelState (schemas/controller-state.avsc). */
export const ControllerModelStateContract = defineContract<ControllerModelState>('controller-state.avsc', {"type":"record","name":"ControllerModelState","namespace":"continuum.controller","doc":"The retrain controller's trigger state of one model. Topic ct.controller-state (compacted), key: modelId.","fields":[{"name":"modelId","type":"string"},{"name":"updatedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"latestVersion","type":["null","string"],"default":null},{"name":"scheduleCron","type":["null","string"],"default":null},{"name":"lastScheduledSlot","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},{"name":"performance","type":{"type":"array","items":{"type":"record","name":"PerformanceTriggerState","fields":[{"name":"modelVersion","type":"string"},{"name":"lastWindowEnd","type":"long"},{"name":"seenAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"consecutiveBreaches","type":"int"},{"name":"breachEvidence","type":{"type":"array","items":{"type":"record","name":"EvidenceState","fields":[{"name":"kind","type":"string"},{"name":"reference","type":"string"},{"name":"summary","type":"string"},{"name":"values","type":{"type":"map","values":"double"},"default":{}}]}}},{"name":"armed","type":"boolean"},{"name":"cleanWindows","type":"int"},{"name":"conceptArmed","type":"boolean"},{"name":"conceptCleanReports","type":"int"},{"name":"windows","doc":"Recent windows of the performance trigger in window order, each judged once: REALISED (its labelled pairs, labels on time), ESTIMATED (its estimate, standing in for labels of its predictions missing or late past the policy's horizon) or AWAITING_LABELS (an estimate waiting for that horizon). The consecutive-breach run is counted from these, so a report delivered twice never counts its window twice.","type":{"type":"array","items":{"type":"record","name":"PerformanceWindowState","fields":[{"name":"windowStart","type":"long"},{"name":"windowEnd","type":"long"},{"name":"basis","type":"string","doc":"REALISED, ESTIMATED or AWAITING_LABELS."},{"name":"breach","type":"boolean"},{"name":"recovered","type":"boolean","doc":"Past the threshold by the re-arm margin on the good side (the whole band, for an estimate)."},{"name":"decideAt","type":"long","doc":"AWAITING_LABELS: when the estimate stands in for the missing labels (windowEnd + labelsMissingFor)."},{"name":"evidence","type":"EvidenceState"}]}},"default":[]},{"name":"forgottenThrough","type":["null","long"],"default":null,"doc":"Windows ending at or before this were dropped from windows; their reports are stale. null (a checkpoint from before windows existed): lastWindowEnd."},{"name":"firedThrough","type":["null","long"],"default":null,"doc":"End of the newest window of the run that last fired: those windows never count toward another request."}]}},"default":[]},{"name":"drift","type":{"type":"array","items":{"type":"record","name":"DataDriftTriggerState","fields":[{"name":"modelVersion","type":"string"},{"name":"segment","type":"string"},{"name":"lastWindowEnd","type":"long"},{"name":"seenAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"armed","type":"boolean"},{"name":"cleanReports","type":"int"}]}},"default":[]},{"name":"pending","type":["null",{"type":"record","name":"PendingRequest","fields":[{"name":"requestId","type":"string"},{"name":"openedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"deadline","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"signals","type":{"type":"array","items":{"type":"record","name":"Signal","fields":[{"name":"reason","type":"string","doc":"A RetrainReason symbol (string here so the checkpoint never blocks a new reason)."},{"name":"modelVersion","type":["null","string"],"default":null},{"name":"raisedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"key","type":"string"},{"name":"evidence","type":{"type":"array","items":"EvidenceState"}}]}}}]}],"default":null}]});
/** Contract of DeadLetter (schemas/dead-letter.avsc). */
export const DeadLetterContract = defineContract<DeadLetter>('dead-letter.avsc', {"type":"record","name":"DeadLetter","namespace":"continuum.events","doc":"A record a service could not decode or validate, kept with the reason so that nothing is lost. Topic ct.dead-letter, key: the original key.","fields":[{"name":"originalTopic","type":"string"},{"name":"partition","type":"int"},{"name":"offset","type":"long"},{"name":"key","type":["null","bytes"],"default":null},{"name":"value","type":["null","bytes"],"default":null,"doc":"The raw bytes as they were on the original topic."},{"name":"headers","type":{"type":"map","values":"bytes"},"default":{}},{"name":"originalTimestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"errorKind","type":"string","doc":"NOT_WIRE_FORMAT, UNKNOWN_SCHEMA, MALFORMED_AVRO, INCOMPATIBLE_SCHEMA, INVALID_VALUE, CONTRACT_VIOLATION, REJECTED_BY_HANDLER"},{"name":"error","type":"string","doc":"Human-readable reason."},{"name":"service","type":"string","doc":"The service (consumer group) that dead-lettered it."},{"name":"failedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of DriftReport (schemas/drift-reports.avsc). */
export const DriftReportContract = defineContract<DriftReport>('drift-reports.avsc', {"type":"record","name":"DriftReport","namespace":"continuum.events","doc":"Data drift, prediction drift and data quality of one model version over one window, against its reference profile. Topic ct.drift-reports, key: modelId.","fields":[{"name":"reportId","type":"string","doc":"Deterministic id (model, version, segment, window): a re-published report has the same id."},{"name":"modelId","type":"string"},{"name":"modelVersion","type":"string"},{"name":"segment","type":"string","default":"*","doc":"Segment the report covers; '*' for all traffic, 'other' for the tail beyond the tracked segments."},{"name":"windowStart","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"windowEnd","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"eventCount","type":"long"},{"name":"lateEvents","type":"long","default":0,"doc":"Events of this stream that arrived after every window they belonged to had closed (beyond the allowed lateness), counted since the stream's previous report: they are in no report's eventCount."},{"name":"referenceKind","type":{"type":"enum","name":"ReferenceKind","symbols":["MODEL_VERSION","BOOTSTRAP"]},"doc":"BOOTSTRAP: no registered profile yet, the reference is the stream's first events."},{"name":"referenceCount","type":"long","doc":"Rows the reference profile was built from."},{"name":"referenceSegment","type":["null","string"],"default":null,"doc":"The segment whose reference (stored in the profile) the window was compared with, e.g. city=paris or city=other; null when compared with the whole population's reference (segment '*', or a fallback: see segmentFallback)."},{"name":"segmentFallback","type":"boolean","default":false,"doc":"The profile has no reference for this segment (a value the reference never saw, or a profile without segment references): the window was compared with the whole population's reference."},{"name":"tooSmallToJudge","type":"boolean","default":false,"doc":"A segment with fewer events than the monitor's minimum segment size (MONITOR_MIN_SEGMENT_EVENTS): no feature is tested (drifted false, value NaN), the data-quality rates are still reported."},{"name":"correction","type":"string","doc":"Multiple-testing correction across features: NONE, BONFERRONI or BENJAMINI_HOCHBERG."},{"name":"features","type":{"type":"array","items":{"type":"record","name":"FeatureDrift","fields":[{"name":"feature","type":"string"},{"name":"featureType","type":{"type":"enum","name":"FeatureType","symbols":["NUMERIC","CATEGORICAL"]}},{"name":"statistic","type":"string","doc":"e.g. KS, CHI_SQUARE, Z_TEST, PSI, JENSEN_SHANNON, WASSERSTEIN"},{"name":"value","type":"double"},{"name":"pValue","type":["null","double"],"default":null},{"name":"adjustedPValue","type":["null","double"],"default":null,"doc":"p-value after the multiple-testing correction."},{"name":"threshold","type":"double"},{"name":"effectSize","type":["null","double"],"default":null,"doc":"Effect size compared with the floor, next to every p-value test."},{"name":"drifted","type":"boolean"},{"name":"sampleSize","type":"long"}]}}},{"name":"prediction","type":["null","FeatureDrift"],"default":null,"doc":"Drift of the model's output."},{"name":"driftedFeatures","type":"int"},{"name":"dataQuality","type":{"type":"array","items":{"type":"record","name":"FeatureQuality","fields":[{"name":"feature","type":"string"},{"name":"count","type":"long"},{"name":"missingRate","type":"double"},{"name":"outOfRangeRate","type":"double"},{"name":"unseenCategoryRate","type":"double"},{"name":"typeViolations","type":"long"}]}},"default":[]},{"name":"contractViolations","type":{"type":"array","items":{"type":"record","name":"ContractViolation","fields":[{"name":"feature","type":"string"},{"name":"kind","type":{"type":"enum","name":"ViolationKind","symbols":["UNEXPECTED_FEATURE","MISSING_FEATURE","WRONG_TYPE"]}},{"name":"count","type":"long"}]}},"default":[]},{"name":"producedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of EvaluatorStateEntry (schemas/evaluator-changelog.avsc). */
export const EvaluatorStateEntryContract = defineContract<EvaluatorStateEntry>('evaluator-changelog.avsc', {"type":"record","name":"EvaluatorStateEntry","namespace":"continuum.events","doc":"Internal to the evaluator: the value of one key of a partition's state store (waiting predictions and labels, open windows, detectors, offsets). Topic ct.evaluator-changelog, compacted; key: the state key; partition: the source partition of ct.predictions/ct.labels; a tombstone deletes the key.","fields":[{"name":"value","type":"string","doc":"The state value, JSON owned by the evaluator."}]});
/** Contract of EvaluatorPartial (schemas/evaluator-partials.avsc). */
export const EvaluatorPartialContract = defineContract<EvaluatorPartial>('evaluator-partials.avsc', {"type":"record","name":"EvaluatorPartial","namespace":"continuum.events","doc":"Internal to the evaluator: one source partition's closed-window state of one model version, or (partial = null) that partition's event-time progress. Its combiner stage merges the partials of every partition into one ct.performance report. Topic ct.evaluator-partials, key: source partition.","fields":[{"name":"sourcePartition","type":"int","doc":"Partition of ct.predictions/ct.labels this state comes from."},{"name":"partitionCount","type":"int","doc":"Partition count of ct.predictions when it was published."},{"name":"closedThrough","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"Every window of the source partition ending at or before this time is closed and published."},{"name":"partial","type":["null",{"type":"record","name":"WindowPartial","fields":[{"name":"modelId","type":"string"},{"name":"modelVersion","type":"string"},{"name":"windowStart","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"windowEnd","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"state","type":"string","doc":"Mergeable window accumulators, JSON owned by the evaluator (versioned inside)."}]}],"default":null}]});
/** Contract of EvaluatorRepartitionedEvent (schemas/evaluator-repartition.avsc). */
export const EvaluatorRepartitionedEventContract = defineContract<EvaluatorRepartitionedEvent>('evaluator-repartition.avsc', {"type":"record","name":"EvaluatorRepartitionedEvent","namespace":"continuum.events","doc":"Internal to the evaluator: a prediction or label that its producer put on a partition other than murmur2(eventId) (e.g. librdkafka's default CRC32 partitioner), re-routed to the partition where its counterpart is joined. Topic ct.evaluator-repartition, key: eventId, partition: murmur2(eventId) modulo the partition count of ct.predictions.","fields":[{"name":"sourceTopic","type":{"type":"enum","name":"RepartitionedSource","symbols":["PREDICTIONS","LABELS"]},"doc":"Which topic the event was read from."},{"name":"sourcePartition","type":"int","doc":"The partition it was read from."},{"name":"sourceOffset","type":"long","doc":"Its offset there."},{"name":"event","type":"string","doc":"The validated Prediction or Label as JSON (its decoded value)."}]});
/** Contract of LabelledExample (schemas/examples.avsc). */
export const LabelledExampleContract = defineContract<LabelledExample>('examples.avsc', {"type":"record","name":"LabelledExample","namespace":"continuum.events","doc":"A prediction joined with its label: training data for the trainer and paired evidence for promotion. Topic ct.examples, key: eventId.","fields":[{"name":"eventId","type":"string"},{"name":"modelId","type":"string"},{"name":"modelVersion","type":"string"},{"name":"predictionTimestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"labelTimestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"entityId","type":["null","string"],"default":null},{"name":"numeric","type":{"type":"map","values":["null","double"]},"default":{}},{"name":"categorical","type":{"type":"map","values":["null","string"]},"default":{}},{"name":"segments","type":{"type":"map","values":"string"},"default":{}},{"name":"output","type":{"type":"record","name":"PredictionOutput","fields":[{"name":"score","type":["null","double"],"default":null},{"name":"predictedClass","type":["null","string"],"default":null},{"name":"classProbabilities","type":{"type":"map","values":"double"},"default":{}}]}},{"name":"label","type":["double","string"]}]});
/** Contract of FeatureObservation (schemas/features.avsc). */
export const FeatureObservationContract = defineContract<FeatureObservation>('features.avsc', {"type":"record","name":"FeatureObservation","namespace":"continuum.events","doc":"What a model saw: one observation of its input features. Topic ct.features, key: entity or event id.","fields":[{"name":"eventId","type":"string","doc":"Unique id of the event; predictions and labels of it share it."},{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"Event time, epoch milliseconds."},{"name":"modelId","type":["null","string"],"default":null,"doc":"The model these features feed, when the producer knows it."},{"name":"entityId","type":["null","string"],"default":null,"doc":"The business entity (customer, device...) the event is about."},{"name":"numeric","type":{"type":"map","values":["null","double"]},"default":{},"doc":"Numeric features by name; null means missing."},{"name":"categorical","type":{"type":"map","values":["null","string"]},"default":{},"doc":"Categorical features by name; null means missing."},{"name":"segments","type":{"type":"map","values":"string"},"default":{},"doc":"Segment tags (country, channel...) reports can be split by."}]});
/** Contract of Label (schemas/labels.avsc). */
export const LabelContract = defineContract<Label>('labels.avsc', {"type":"record","name":"Label","namespace":"continuum.events","doc":"Ground truth for a prediction, possibly days late. Topic ct.labels, key: eventId of the prediction.","fields":[{"name":"eventId","type":"string"},{"name":"modelId","type":"string"},{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the truth became known, epoch milliseconds."},{"name":"label","type":["double","string"],"doc":"The true value (regression, or 0/1) or class."}]});
/** Contract of ModelVersionEvent (schemas/model-versions.avsc). */
export const ModelVersionEventContract = defineContract<ModelVersionEvent>('model-versions.avsc', {"type":"record","name":"ModelVersionEvent","namespace":"continuum.events","doc":"A model or model version was registered or changed (event-sourced registry; the fold is libs/registry). Topic ct.model-versions, key: modelId. Model-level events (MODEL_REGISTERED) have version ''.","fields":[{"name":"eventId","type":"string"},{"name":"modelId","type":"string"},{"name":"version","type":"string"},{"name":"parentVersion","type":["null","string"],"default":null},{"name":"change","type":{"type":"enum","name":"VersionChange","symbols":["REGISTERED","STAGE_CHANGED","METRICS_UPDATED","MODEL_REGISTERED","ARTIFACT_ATTACHED","UNKNOWN"],"default":"UNKNOWN","doc":"REGISTERED: a new version; STAGE_CHANGED: the version moved to `stage` (a new CHAMPION archives the previous one in the same event); METRICS_UPDATED: metrics and/or reference profile replaced; MODEL_REGISTERED: the model itself (task, contract, owner, policy); ARTIFACT_ATTACHED: the version's artifact set; UNKNOWN: a change this reader does not know (ignored)."}},{"name":"stage","type":{"type":"enum","name":"ModelStage","symbols":["CANDIDATE","SHADOW","CHAMPION","ARCHIVED","REJECTED"]},"doc":"The version's stage after the change (for MODEL_REGISTERED: CANDIDATE, ignored)."},{"name":"strategy","type":{"type":"enum","name":"TrainingStrategy","symbols":["ONLINE","WARM_START","FULL","EXTERNAL"]},"doc":"EXTERNAL: trained outside Continuum and registered."},{"name":"trainingWindow","type":["null",{"type":"record","name":"TrainingWindow","fields":[{"name":"start","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"end","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"exampleCount","type":"long"}]}],"default":null},{"name":"metrics","type":{"type":"map","values":"double"},"default":{}},{"name":"artifactUri","type":["null","string"],"default":null,"doc":"Same as artifact.uri (kept for readers of the first schema)."},{"name":"contract","doc":"What the model expects as input.","type":["null",{"type":"record","name":"ModelContract","fields":[{"name":"task","type":{"type":"enum","name":"ModelTask","symbols":["BINARY_CLASSIFICATION","MULTICLASS_CLASSIFICATION","REGRESSION"]}},{"name":"features","type":{"type":"array","items":{"type":"record","name":"FeatureSpec","fields":[{"name":"name","type":"string"},{"name":"type","type":{"type":"enum","name":"FeatureKind","symbols":["NUMERIC","CATEGORICAL"]}},{"name":"required","type":"boolean","default":true},{"name":"min","type":["null","double"],"default":null},{"name":"max","type":["null","double"],"default":null},{"name":"categories","type":{"type":"array","items":"string"},"default":[]}]}}}]}],"default":null},{"name":"referenceProfile","type":["null","string"],"default":null,"doc":"JSON of the training-time ReferenceProfile (libs/drift) drift is measured against."},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"actor","type":"string","doc":"Who made the change: a service or a user."},{"name":"sequence","type":"long","default":0,"doc":"The model's revision after this event (1 for its first event): the registry writes revision + 1 and the fold ignores an event whose sequence is not the next one (a stale writer). 0: written without a sequence check."},{"name":"idempotencyKey","type":["null","string"],"default":null,"doc":"REGISTERED: the caller's key; the same key never registers a second version of the model."},{"name":"owner","type":["null","string"],"default":null,"doc":"MODEL_REGISTERED: the team or person owning the model."},{"name":"policyRef","type":["null","string"],"default":null,"doc":"MODEL_REGISTERED: the retrain policy the model follows (a model id of the controller's policy, or a URI)."},{"name":"lineage","default":null,"doc":"REGISTERED: what the version was trained on.","type":["null",{"type":"record","name":"VersionLineage","fields":[{"name":"examples","type":{"type":"array","items":{"type":"record","name":"OffsetRange","doc":"Records [fromOffset, toOffset) of one partition.","fields":[{"name":"topic","type":"string"},{"name":"partition","type":"int"},{"name":"fromOffset","type":"long"},{"name":"toOffset","type":"long","doc":"Exclusive."}]}},"default":[]},{"name":"seed","type":["null","long"],"default":null},{"name":"codeVersion","type":["null","string"],"default":null},{"name":"hyperParameters","type":["null","string"],"default":null,"doc":"JSON object."}]}]},{"name":"artifact","type":["null",{"type":"record","name":"ArtifactRef","doc":"A blob in the artifact store (libs/artifact-store).","fields":[{"name":"uri","type":"string","doc":"file:///... or s3://bucket/..."},{"name":"sha256","type":"string","doc":"Hex SHA-256 of the bytes."},{"name":"size","type":"long","doc":"Bytes."}]}],"default":null,"doc":"The model's bytes (libs/learning's artifact format or an external format)."},{"name":"referenceProfileRef","type":["null","ArtifactRef"],"default":null,"doc":"The reference profile JSON in the artifact store, when too large to travel inline in referenceProfile."},{"name":"metricsRef","type":["null","ArtifactRef"],"default":null,"doc":"A metrics table (JSON object of name to number) in the artifact store, when too large for metrics."},{"name":"reason","type":["null","string"],"default":null,"doc":"Why the change was made (audit trail)."},{"name":"evidence","type":["null","string"],"default":null,"doc":"JSON object backing the change (test results, report ids...) (audit trail)."}]});
/** Contract of MonitorCheckpoint (schemas/monitor-checkpoints.avsc). */
export const MonitorCheckpointContract = defineContract<MonitorCheckpoint>('monitor-checkpoints.avsc', {"type":"record","name":"MonitorCheckpoint","namespace":"continuum.events","doc":"Internal to the monitor: the stage 1 state of one source partition, written as chunks whose keys carry a random id of the write, then a manifest naming that id (so neither a crash while writing nor a former owner still writing can damage the checkpoint the manifest names), then tombstones of the previous write's chunks. Exactly one of manifest and chunk is set. Topic ct.monitor-checkpoints (compacted), key: group|topic|partition for the manifest, group|topic|partition|write|index for a chunk.","fields":[{"name":"group","type":"string","doc":"Consumer group of the stage 1 instances."},{"name":"sourceTopic","type":"string"},{"name":"sourcePartition","type":"int"},{"name":"manifest","type":["null",{"type":"record","name":"MonitorCheckpointManifest","fields":[{"name":"slot","type":"int","doc":"Random id of the write the chunks belong to."},{"name":"chunks","type":"int"},{"name":"size","type":"long","doc":"Bytes of the checkpoint body."},{"name":"sha256","type":"string","doc":"Hex SHA-256 of the checkpoint body."},{"name":"nextOffset","type":"long","doc":"The state covers every record of the partition before this offset."},{"name":"writtenAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}],"default":null},{"name":"chunk","type":["null",{"type":"record","name":"MonitorCheckpointChunk","fields":[{"name":"slot","type":"int","doc":"Random id of the write the chunks belong to."},{"name":"index","type":"int"},{"name":"data","type":"bytes"}]}],"default":null}]});
/** Contract of MonitorPartial (schemas/monitor-partials.avsc). */
export const MonitorPartialContract = defineContract<MonitorPartial>('monitor-partials.avsc', {"type":"record","name":"MonitorPartial","namespace":"continuum.events","doc":"Internal to the monitor: exactly one of the fields is set. Its stage 1 publishes per source partition the state of each closed window (window), its event-time progress (progress) and bootstrap samples (samples); its stage 2 merges the window states of every source partition into one ct.drift-reports record and marks the windows it closed (closed). Topic ct.monitor-partials (compacted), key: the record's identity, partition: murmur2(modelId), progress on every partition.","fields":[{"name":"window","type":["null",{"type":"record","name":"MonitorWindowPartial","doc":"One source partition's state of one closed window of one stream.","fields":[{"name":"stream","type":{"type":"record","name":"MonitorStream","doc":"What a window describes: a subject in one segment.","fields":[{"name":"subject","type":{"type":"record","name":"MonitorSubject","doc":"What a reference profile belongs to: a model version's predictions or a model's feature observations.","fields":[{"name":"modelId","type":"string"},{"name":"source","type":{"type":"enum","name":"MonitorSource","symbols":["PREDICTIONS","FEATURES"]}},{"name":"modelVersion","type":"string"}]}},{"name":"segment","type":"string","doc":"'*', 'key=value' or 'key=other'."}]}},{"name":"windowStart","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"windowEnd","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"sourceTopic","type":"string"},{"name":"sourcePartition","type":"int"},{"name":"referenceId","type":"string","doc":"The reference profile the state is binned against (states of different references never merge)."},{"name":"eventCount","type":"long"},{"name":"droppedLateEvents","type":"long","doc":"Events of this stream dropped on this partition since its previous window because every window they belonged to had closed."},{"name":"earlierEventCount","type":"long","default":0,"doc":"Events of this window an earlier, provisional partial of the same source partition already published (an idle partition publishes its open windows as they are). A partial that arrives after its window was reported adds eventCount - earlierEventCount late events."},{"name":"state","type":"bytes","doc":"WindowProfile.serialize() of libs/drift."},{"name":"foldedValues","type":["null","bytes"],"default":null,"doc":"Only on a 'key=other' partial of a segment key whose values the reference profile does not give: the values this source partition folded into 'other' in this window, with their counts (SpaceSaving.toBytes() of libs/drift). Stage 2 merges them across partitions to pick the key's most frequent values and to check that a value it reports on its own was never folded anywhere."}]}],"default":null},{"name":"progress","type":["null",{"type":"record","name":"MonitorPartitionProgress","doc":"Event-time progress of one source partition: every window ending at or before the watermark has been published.","fields":[{"name":"sourceTopic","type":"string"},{"name":"sourcePartition","type":"int"},{"name":"watermark","type":"double","doc":"Epoch ms; -Infinity before the first event."},{"name":"maxEventTime","type":"double","doc":"Largest event time seen on the partition (epoch ms; -Infinity before the first event)."},{"name":"idle","type":"boolean","doc":"No record for the idle timeout and nothing left to read: its open windows were published as provisional partials just before. Stage 2 relies on it only while the broker's log-end offset of the partition is still nextOffset."},{"name":"nextOffset","type":"long","default":-1,"doc":"Offset of the first record the partition's published state does not cover (-1: unknown, written by an older monitor)."},{"name":"publishedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}],"default":null},{"name":"closed","type":["null",{"type":"record","name":"MonitorClosedWindows","doc":"Windows of a stream stage 2 has reported: a later partial for one of them is late and dropped.","fields":[{"name":"stream","type":"continuum.events.MonitorStream"},{"name":"floor","type":"double","doc":"Every window ending at or before this time (epoch ms) counts as closed."},{"name":"windowEnds","type":{"type":"array","items":"long"},"doc":"Ends of the closed windows after the floor, ascending."}]}],"default":null},{"name":"samples","type":["null",{"type":"record","name":"MonitorBootstrapSamples","doc":"Raw events of a subject without a registered reference profile, for stage 2 to bootstrap one.","fields":[{"name":"subject","type":"continuum.events.MonitorSubject"},{"name":"sourceTopic","type":"string"},{"name":"sourcePartition","type":"int"},{"name":"events","type":{"type":"array","items":{"type":"record","name":"MonitorSample","fields":[{"name":"offset","type":"long"},{"name":"eventId","type":"string"},{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"numeric","type":{"type":"map","values":["null","double"]}},{"name":"categorical","type":{"type":"map","values":["null","string"]}},{"name":"prediction","type":["null","double","string"],"default":null}]}}}]}],"default":null}]});
/** Contract of MonitorReference (schemas/monitor-references.avsc). */
export const MonitorReferenceContract = defineContract<MonitorReference>('monitor-references.avsc', {"type":"record","name":"MonitorReference","namespace":"continuum.events","doc":"Internal to the monitor: a bootstrap reference profile built from a subject's first events because no registered model version had one. Topic ct.monitor-references (compacted), key: the subject (modelId|source|modelVersion).","fields":[{"name":"subject","type":{"type":"record","name":"MonitorSubject","doc":"What a reference profile belongs to: a model version's predictions or a model's feature observations.","fields":[{"name":"modelId","type":"string"},{"name":"source","type":{"type":"enum","name":"MonitorSource","symbols":["PREDICTIONS","FEATURES"]}},{"name":"modelVersion","type":"string"}]}},{"name":"referenceProfile","type":"string","doc":"JSON of the ReferenceProfile (libs/drift)."},{"name":"effectiveFrom","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"Events from this event time on are windowed against the profile (a window boundary)."},{"name":"sampleCount","type":"long"},{"name":"builtAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of PerformanceReport (schemas/performance.avsc). */
export const PerformanceReportContract = defineContract<PerformanceReport>('performance.avsc', {"type":"record","name":"PerformanceReport","namespace":"continuum.events","doc":"Live performance of one model version over one window: realised metrics from labelled predictions, and metrics estimated from predictions alone while labels are missing. Topic ct.performance, key: modelId.","fields":[{"name":"reportId","type":"string"},{"name":"modelId","type":"string"},{"name":"modelVersion","type":"string"},{"name":"windowStart","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"windowEnd","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"task","type":{"type":"enum","name":"ModelTask","symbols":["BINARY_CLASSIFICATION","MULTICLASS_CLASSIFICATION","REGRESSION"]}},{"name":"predictionCount","type":"long"},{"name":"labelledCount","type":"long"},{"name":"labelCoverage","type":"double","doc":"labelledCount / predictionCount."},{"name":"metrics","type":{"type":"map","values":"double"},"doc":"accuracy, precision, recall, f1, roc_auc, log_loss, brier, ece; mae, rmse, mape, r2."},{"name":"baselineMetrics","type":{"type":"map","values":"double"},"default":{},"doc":"The same metrics for the persistence baseline (predict the last seen label)."},{"name":"labelDelay","type":["null",{"type":"record","name":"LabelDelay","doc":"Label delay distribution in milliseconds (label time - prediction time; negative when the label came first).","fields":[{"name":"p50","type":"double"},{"name":"p90","type":"double"},{"name":"p99","type":"double"},{"name":"max","type":"double"},{"name":"mean","type":"double"}]}],"default":null},{"name":"conceptDrift","type":{"type":"array","items":{"type":"record","name":"DetectorSignal","fields":[{"name":"detector","type":"string","doc":"e.g. ADWIN, DDM, PAGE_HINKLEY"},{"name":"driftDetected","type":"boolean"},{"name":"warningDetected","type":"boolean","default":false},{"name":"observations","type":"long","doc":"Errors the detector has seen for this model version."},{"name":"detections","type":"long","doc":"Drifts detected within this window."}]}},"default":[]},{"name":"estimationMethod","type":["null","string"],"default":null,"doc":"How estimatedMetrics were computed without labels: CBPE (classification, confidence-based performance estimation) or DLE (regression, direct loss estimation); null when the version has no estimation reference."},{"name":"estimatedMetrics","default":{},"doc":"Metrics estimated from the window's predictions alone (before any label): accuracy, f1, roc_auc (CBPE); mae, rmse (DLE). Present even when labelledCount is 0.","type":{"type":"map","values":{"type":"record","name":"EstimatedMetric","fields":[{"name":"value","type":"double"},{"name":"samplingError","type":"double","doc":"Standard deviation of the realised metric of a window this size around its expectation."},{"name":"lower","type":"double","doc":"value - 3 samplingError, clipped to the metric's range."},{"name":"upper","type":"double","doc":"value + 3 samplingError, clipped to the metric's range."}]}}},{"name":"producedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of Prediction (schemas/predictions.avsc). */
export const PredictionContract = defineContract<Prediction>('predictions.avsc', {"type":"record","name":"Prediction","namespace":"continuum.events","doc":"A model's prediction with the features it was made from. Topic ct.predictions, key: eventId (co-partitioned with ct.labels).","fields":[{"name":"eventId","type":"string"},{"name":"modelId","type":"string"},{"name":"modelVersion","type":"string"},{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"Event time of the prediction, epoch milliseconds."},{"name":"entityId","type":["null","string"],"default":null},{"name":"numeric","type":{"type":"map","values":["null","double"]},"default":{}},{"name":"categorical","type":{"type":"map","values":["null","string"]},"default":{}},{"name":"segments","type":{"type":"map","values":"string"},"default":{}},{"name":"output","doc":"What the model predicted.","type":{"type":"record","name":"PredictionOutput","fields":[{"name":"score","type":["null","double"],"default":null,"doc":"Positive-class probability (binary) or predicted value (regression)."},{"name":"predictedClass","type":["null","string"],"default":null,"doc":"Predicted class label (classification)."},{"name":"classProbabilities","type":{"type":"map","values":"double"},"default":{},"doc":"Probability per class (multiclass)."}]}}]});
/** Contract of PromoterTestState (schemas/promoter-state.avsc). */
export const PromoterTestStateContract = defineContract<PromoterTestState>('promoter-state.avsc', {"type":"record","name":"PromoterTestState","namespace":"continuum.events","doc":"Internal to the promoter: one champion/challenger test (or post-promotion watch) with its evidence and the ct.examples offsets it covers, so that a restarted promoter resumes the same test without counting an event twice. Topic ct.promoter-state (compacted), key: modelId|challengerVersion|kind.","fields":[{"name":"key","type":"string"},{"name":"modelId","type":"string"},{"name":"state","type":"string","doc":"JSON of the test (owned by the promoter, versioned inside)."},{"name":"writtenAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of PromotionDecision (schemas/promotions.avsc). */
export const PromotionDecisionContract = defineContract<PromotionDecision>('promotions.avsc', {"type":"record","name":"PromotionDecision","namespace":"continuum.events","doc":"The outcome of champion vs challenger on the same labelled traffic, with the evidence. Topic ct.promotions, key: modelId.","fields":[{"name":"decisionId","type":"string"},{"name":"modelId","type":"string"},{"name":"decision","type":{"type":"enum","name":"PromotionOutcome","symbols":["PROMOTE","REJECT","ROLLBACK"]}},{"name":"championVersion","type":["null","string"],"default":null},{"name":"challengerVersion","type":"string"},{"name":"metric","type":"string","doc":"The metric compared, e.g. log_loss or accuracy."},{"name":"championValue","type":["null","double"],"default":null},{"name":"challengerValue","type":["null","double"],"default":null},{"name":"test","type":"string","doc":"Statistical test used, e.g. MCNEMAR, PAIRED_T, SEQUENTIAL_PROBABILITY_RATIO."},{"name":"statistic","type":["null","double"],"default":null},{"name":"pValue","type":["null","double"],"default":null},{"name":"pairedCount","type":"long","doc":"Labelled events both versions scored."},{"name":"reason","type":"string"},{"name":"decidedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"actor","type":"string","default":"promoter","doc":"Who decided: 'promoter' (the gate) or the user of a manual call."},{"name":"previousChampionVersion","type":["null","string"],"default":null,"doc":"ROLLBACK: the champion rolled back to; PROMOTE: the champion archived."},{"name":"evidence","default":null,"doc":"The sequential test at the decision (null for a manual decision without a running test).","type":["null",{"type":"record","name":"PromotionEvidence","fields":[{"name":"method","type":"string","doc":"confidence-sequence (Waudby-Smith et al. 2021) or discordant-pairs (sequential McNemar)."},{"name":"mode","type":"string","doc":"improvement (threshold +delta) or non-inferiority (threshold -delta)."},{"name":"alpha","type":"double"},{"name":"delta","type":"double"},{"name":"threshold","type":"double"},{"name":"pairs","type":"long"},{"name":"meanDifference","type":"double","doc":"Mean of champion loss - challenger loss (positive: the challenger is better)."},{"name":"lower","type":"double","doc":"Lower bound of the confidence sequence of the mean difference."},{"name":"upper","type":"double"},{"name":"championMeanLoss","type":"double"},{"name":"challengerMeanLoss","type":"double"},{"name":"challengerWins","type":["null","long"],"default":null,"doc":"Discordant pairs the challenger got right (0/1 loss)."},{"name":"championWins","type":["null","long"],"default":null},{"name":"minPairs","type":"long"},{"name":"maxPairs","type":"long"},{"name":"minDurationMs","type":"long"},{"name":"windowStart","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null,"doc":"Event time of the first pair."},{"name":"windowEnd","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null,"doc":"Event time of the last pair."},{"name":"guardrails","type":{"type":"array","items":{"type":"record","name":"GuardrailResult","fields":[{"name":"name","type":"string","doc":"latency_p99_ms, ece, prediction_psi, segment:<key>=<value>."},{"name":"value","type":["null","double"],"default":null},{"name":"limit","type":"double"},{"name":"passed","type":"boolean"},{"name":"detail","type":["null","string"],"default":null}]}},"default":[]}]}]}]});
/** Contract of RetrainRequest (schemas/retrain-requests.avsc). */
export const RetrainRequestContract = defineContract<RetrainRequest>('retrain-requests.avsc', {"type":"record","name":"RetrainRequest","namespace":"continuum.events","doc":"A decision that a model must be retrained, with why. Topic ct.retrain-requests, key: modelId.","fields":[{"name":"requestId","type":"string"},{"name":"modelId","type":"string"},{"name":"modelVersion","type":["null","string"],"default":null,"doc":"The version in production when the request was raised."},{"name":"reason","type":{"type":"enum","name":"RetrainReason","symbols":["SCHEDULE","PERFORMANCE","DATA_DRIFT","CONCEPT_DRIFT","CONTRACT_CHANGE","MANUAL"]}},{"name":"requestedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"requestedBy","type":"string","doc":"controller policy name, or the user/CLI for MANUAL."},{"name":"evidence","type":{"type":"array","items":{"type":"record","name":"Evidence","fields":[{"name":"kind","type":"string","doc":"DRIFT_REPORT, PERFORMANCE_REPORT, SCHEDULE, MANUAL..."},{"name":"reference","type":"string","doc":"Id of the report (or cron expression) this evidence comes from."},{"name":"summary","type":"string"},{"name":"values","type":{"type":"map","values":"double"},"default":{}}]}},"default":[]},{"name":"window","doc":"Which data to retrain on.","type":{"type":"record","name":"WindowStrategy","fields":[{"name":"kind","type":{"type":"enum","name":"WindowKind","symbols":["FIXED_COUNT","FIXED_DURATION","DYNAMIC","REPRESENTATIVE"]}},{"name":"count","type":["null","long"],"default":null,"doc":"FIXED_COUNT: last N examples."},{"name":"durationMs","type":["null","long"],"default":null,"doc":"FIXED_DURATION: last T of event time."},{"name":"candidateCounts","type":{"type":"array","items":"long"},"default":[],"doc":"DYNAMIC: window sizes to try."},{"name":"holdoutCount","type":["null","long"],"default":null,"doc":"DYNAMIC: newest examples kept as the test set."}]}},{"name":"mode","type":{"type":"enum","name":"TrainingMode","symbols":["ONLINE","WARM_START","FULL"]},"doc":"ONLINE: incremental updates; WARM_START: fine-tune the parent; FULL: train from scratch."}]});
/** Contract of ScoringRequest (schemas/scoring-requests.avsc). */
export const ScoringRequestContract = defineContract<ScoringRequest>('scoring-requests.avsc', {"type":"record","name":"ScoringRequest","namespace":"continuum.events","doc":"A request to score one event with a model's champion: the scorer's Kafka request/response mode. Topic ct.scoring-requests, key: eventId.","fields":[{"name":"eventId","type":"string","doc":"Correlates the response on ct.scoring-responses and the prediction on ct.predictions; publish the label under it."},{"name":"modelId","type":"string"},{"name":"timestamp","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null,"doc":"Event time, epoch milliseconds; null: the time the scorer handles the request."},{"name":"entityId","type":["null","string"],"default":null},{"name":"numeric","type":{"type":"map","values":["null","double"]},"default":{}},{"name":"categorical","type":{"type":"map","values":["null","string"]},"default":{}},{"name":"segments","type":{"type":"map","values":"string"},"default":{}}]});
/** Contract of ScoringResponse (schemas/scoring-responses.avsc). */
export const ScoringResponseContract = defineContract<ScoringResponse>('scoring-responses.avsc', {"type":"record","name":"ScoringResponse","namespace":"continuum.events","doc":"The scorer's answer to a ScoringRequest. Topic ct.scoring-responses, key: eventId of the request.","fields":[{"name":"eventId","type":"string"},{"name":"modelId","type":"string"},{"name":"status","type":{"type":"enum","name":"ScoringStatus","symbols":["OK","INVALID_INPUT","UNKNOWN_MODEL","MODEL_UNAVAILABLE","ERROR","UNKNOWN"],"default":"UNKNOWN"},"doc":"OK: output is set and the prediction is on ct.predictions; INVALID_INPUT: the input breaks the model's contract (violations); UNKNOWN_MODEL: no such model; MODEL_UNAVAILABLE: no champion loaded yet; ERROR: anything else (error)."},{"name":"modelVersion","type":["null","string"],"default":null,"doc":"The champion version that answered."},{"name":"output","type":["null",{"type":"record","name":"PredictionOutput","fields":[{"name":"score","type":["null","double"],"default":null},{"name":"predictedClass","type":["null","string"],"default":null},{"name":"classProbabilities","type":{"type":"map","values":"double"},"default":{}}]}],"default":null},{"name":"violations","type":{"type":"array","items":{"type":"record","name":"ScoringViolation","fields":[{"name":"feature","type":"string"},{"name":"kind","type":"string","doc":"missing, wrong-type, not-finite, below-min, above-max, unknown-category"},{"name":"message","type":"string"}]}},"default":[]},{"name":"error","type":["null","string"],"default":null},{"name":"respondedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of TrainerCheckpoint (schemas/trainer-checkpoints.avsc). */
export const TrainerCheckpointContract = defineContract<TrainerCheckpoint>('trainer-checkpoints.avsc', {"type":"record","name":"TrainerCheckpoint","namespace":"continuum.events","doc":"Internal to the trainer: an online learner's state and the ct.examples positions it covers, written together so that a restart neither skips nor re-learns an example. Topic ct.trainer-checkpoints (compacted), key: modelId.","fields":[{"name":"modelId","type":"string"},{"name":"positions","doc":"Next ct.examples offset to read per partition: every record before it is in the learner state.","type":{"type":"array","items":{"type":"record","name":"TrainerPosition","fields":[{"name":"topic","type":"string"},{"name":"partition","type":"int"},{"name":"offset","type":"long"}]}}},{"name":"learner","doc":"The learner (libs/learning artifact, optimizer state included) in the artifact store.","type":{"type":"record","name":"TrainerLearnerRef","fields":[{"name":"uri","type":"string"},{"name":"sha256","type":"string"},{"name":"size","type":"long"}]}},{"name":"examplesLearned","type":"long"},{"name":"snapshots","type":"long","doc":"Snapshot versions registered so far."},{"name":"lastSnapshotAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"lastSnapshotExamples","type":"long"},{"name":"prequential","type":"string","doc":"JSON of the prequential counters (owned by the trainer, versioned inside)."},{"name":"writtenAt","type":{"type":"long","logicalType":"timestamp-millis"}}]});
/** Contract of TrainingRunEvent (schemas/training-runs.avsc). */
export const TrainingRunEventContract = defineContract<TrainingRunEvent>('training-runs.avsc', {"type":"record","name":"TrainingRunEvent","namespace":"continuum.events","doc":"What the trainer did with a retrain request: ACCEPTED (the plan and the pinned ct.examples offset ranges), PROGRESS, then exactly one SUCCEEDED (the registered version) or FAILED (why). Also the trainer's durable record of accepted requests: a restarted trainer resumes the ACCEPTED runs without a terminal event. Topic ct.training-runs, key: modelId.","fields":[{"name":"eventId","type":"string","doc":"requestId|status|sequence: deterministic per run step."},{"name":"requestId","type":"string","doc":"The retrain request's id (also the registry idempotency key)."},{"name":"modelId","type":"string"},{"name":"status","type":{"type":"enum","name":"TrainingRunStatus","symbols":["ACCEPTED","PROGRESS","SUCCEEDED","FAILED","UNKNOWN"],"default":"UNKNOWN"}},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"instance","type":"string","doc":"The trainer instance that wrote the event."},{"name":"plan","type":["null","string"],"default":null,"doc":"ACCEPTED: JSON of the request and the model's training policy as accepted ({request, policy}: strategy, window, model family, hyper-parameters, seed, hold-out size)."},{"name":"ranges","doc":"ACCEPTED and SUCCEEDED: the exact ct.examples offsets read, [fromOffset, toOffset) per partition, pinned when the request was accepted.","type":{"type":"array","items":{"type":"record","name":"TrainingOffsetRange","fields":[{"name":"topic","type":"string"},{"name":"partition","type":"int"},{"name":"fromOffset","type":"long"},{"name":"toOffset","type":"long"}]}},"default":[]},{"name":"progress","type":["null",{"type":"record","name":"TrainingProgress","fields":[{"name":"phase","type":"string","doc":"READING, TRAINING, EVALUATING, REGISTERING."},{"name":"recordsRead","type":"long"},{"name":"recordsTotal","type":"long"},{"name":"examplesKept","type":"long"},{"name":"etaMs","type":["null","long"],"default":null}]}],"default":null},{"name":"version","type":["null","string"],"default":null,"doc":"SUCCEEDED: the registered version."},{"name":"artifactUri","type":["null","string"],"default":null},{"name":"metrics","type":{"type":"map","values":"double"},"default":{}},{"name":"failure","type":["null",{"type":"enum","name":"TrainingFailureKind","symbols":["UNKNOWN_MODEL","EMPTY_WINDOW","INVALID_REQUEST","TRAINING_ERROR","UNKNOWN"],"default":"UNKNOWN"}],"default":null},{"name":"reason","type":["null","string"],"default":null,"doc":"FAILED: why, in words."}]});

export const AllContracts = [ControllerModelStateContract, DeadLetterContract, DriftReportContract, EvaluatorStateEntryContract, EvaluatorPartialContract, EvaluatorRepartitionedEventContract, LabelledExampleContract, FeatureObservationContract, LabelContract, ModelVersionEventContract, MonitorCheckpointContract, MonitorPartialContract, MonitorReferenceContract, PerformanceReportContract, PredictionContract, PromoterTestStateContract, PromotionDecisionContract, RetrainRequestContract, ScoringRequestContract, ScoringResponseContract, TrainerCheckpointContract, TrainingRunEventContract] as const;
