import { type Contract } from './contract';
import {
  ControllerModelStateContract,
  DeadLetterContract,
  DriftReportContract,
  EvaluatorPartialContract,
  EvaluatorRepartitionedEventContract,
  EvaluatorStateEntryContract,
  FeatureObservationContract,
  LabelContract,
  LabelledExampleContract,
  ModelVersionEventContract,
  MonitorCheckpointContract,
  MonitorPartialContract,
  MonitorReferenceContract,
  PerformanceReportContract,
  PredictionContract,
  PromoterTestStateContract,
  PromotionDecisionContract,
  RetrainRequestContract,
  ScoringRequestContract,
  ScoringResponseContract,
  TrainerCheckpointContract,
  TrainingRunEventContract,
} from './generated/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The monitor's compacted topics. Records up to 16 MiB: one window state of a wide model
 * (≈ 10 KB per feature at most) fits many times over. Segments roll often so that the cleaner
 * drops closed windows' partials and old checkpoints (the combiner re-reads ct.monitor-partials
 * from the beginning on every assignment); a reader that starts at offset 0 sees every tombstone
 * if it finishes within a day.
 */
const MONITOR_COMPACTED: Readonly<Record<string, string>> = {
  'max.message.bytes': String(16 * 1024 * 1024),
  'segment.ms': String(10 * 60_000),
  'min.cleanable.dirty.ratio': '0.1',
  'delete.retention.ms': String(DAY_MS),
};

/** One of Continuum's topics: its contract and how it is provisioned. */
export interface TopicDefinition<T = unknown> {
  /** Default name; overridable with `env`. */
  readonly defaultName: string;
  readonly env: string;
  readonly contract: Contract<T>;
  readonly partitions: number;
  /** -1 keeps records forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /**
   * Topic configs beyond `retention.ms` and `cleanup.policy` (e.g. `max.message.bytes`,
   * `min.compaction.lag.ms`), set when the topic is provisioned.
   */
  readonly configs?: Readonly<Record<string, string>>;
  readonly key: string;
  readonly description: string;
}

function topic<T>(definition: TopicDefinition<T>): TopicDefinition<T> {
  return definition;
}

/**
 * The declarative list of every Continuum topic, internal ones included, with the configs it is
 * provisioned with. Provisioning (`provisionCatalog` in libs/kafka) is the only code that creates
 * topics or sets their configs; the README's topic table is this list. Predictions and labels have the same partition count
 * because the evaluator's join relies on them being co-partitioned by eventId.
 */
export const Topics = {
  features: topic({
    defaultName: 'ct.features',
    env: 'CT_TOPIC_FEATURES',
    contract: FeatureObservationContract,
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'entity or event id',
    description: 'feature observations',
  }),
  predictions: topic({
    defaultName: 'ct.predictions',
    env: 'CT_TOPIC_PREDICTIONS',
    contract: PredictionContract,
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId',
    description: "models' predictions with their features",
  }),
  labels: topic({
    defaultName: 'ct.labels',
    env: 'CT_TOPIC_LABELS',
    contract: LabelContract,
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId of the prediction',
    description: 'ground truth, possibly days late',
  }),
  examples: topic({
    defaultName: 'ct.examples',
    env: 'CT_TOPIC_EXAMPLES',
    contract: LabelledExampleContract,
    partitions: 6,
    retentionMs: 180 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId',
    description: 'predictions joined with their labels',
  }),
  driftReports: topic({
    defaultName: 'ct.drift-reports',
    env: 'CT_TOPIC_DRIFT_REPORTS',
    contract: DriftReportContract,
    partitions: 3,
    retentionMs: 90 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description: 'per-window data drift, prediction drift and data quality',
  }),
  performance: topic({
    defaultName: 'ct.performance',
    env: 'CT_TOPIC_PERFORMANCE',
    contract: PerformanceReportContract,
    partitions: 3,
    retentionMs: 90 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description: 'per-window live performance per model version',
  }),
  retrainRequests: topic({
    defaultName: 'ct.retrain-requests',
    env: 'CT_TOPIC_RETRAIN_REQUESTS',
    contract: RetrainRequestContract,
    partitions: 3,
    retentionMs: 90 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description: 'decisions to retrain, with reason and evidence',
  }),
  modelVersions: topic({
    defaultName: 'ct.model-versions',
    env: 'CT_TOPIC_MODEL_VERSIONS',
    contract: ModelVersionEventContract,
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description: 'model registry events (the registry is event-sourced from this topic)',
  }),
  promotions: topic({
    defaultName: 'ct.promotions',
    env: 'CT_TOPIC_PROMOTIONS',
    contract: PromotionDecisionContract,
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description: 'PROMOTE, REJECT or ROLLBACK with statistical evidence',
  }),
  scoringRequests: topic({
    defaultName: 'ct.scoring-requests',
    env: 'CT_TOPIC_SCORING_REQUESTS',
    contract: ScoringRequestContract,
    partitions: 6,
    retentionMs: 1 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId',
    description: "requests to score an event with a model's champion (the scorer's Kafka mode)",
  }),
  scoringResponses: topic({
    defaultName: 'ct.scoring-responses',
    env: 'CT_TOPIC_SCORING_RESPONSES',
    contract: ScoringResponseContract,
    partitions: 6,
    retentionMs: 1 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId of the request',
    description: "the scorer's answers to ct.scoring-requests, correlated by eventId",
  }),
  trainingRuns: topic({
    defaultName: 'ct.training-runs',
    env: 'CT_TOPIC_TRAINING_RUNS',
    contract: TrainingRunEventContract,
    partitions: 3,
    retentionMs: 90 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'modelId',
    description:
      "the trainer's answers to retrain requests: ACCEPTED (pinned offsets), PROGRESS, SUCCEEDED or FAILED",
  }),
  trainerCheckpoints: topic({
    defaultName: 'ct.trainer-checkpoints',
    env: 'CT_TOPIC_TRAINER_CHECKPOINTS',
    contract: TrainerCheckpointContract,
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    key: 'modelId',
    description:
      "trainer-internal: online learners' state references with the ct.examples positions they cover",
  }),
  evaluatorPartials: topic({
    defaultName: 'ct.evaluator-partials',
    env: 'CT_TOPIC_EVALUATOR_PARTIALS',
    contract: EvaluatorPartialContract,
    // One partition: the combiner must see every source partition's progress in order; its load
    // grows with models x partitions per window, not with events.
    partitions: 1,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'source partition',
    description: 'evaluator-internal: per-partition window partials merged into ct.performance',
  }),
  evaluatorRepartition: topic({
    defaultName: 'ct.evaluator-repartition',
    env: 'CT_TOPIC_EVALUATOR_REPARTITION',
    contract: EvaluatorRepartitionedEventContract,
    // Co-partitioned with ct.predictions and ct.labels (same count, murmur2 of the eventId): a
    // record a producer put on another partition is joined where its counterpart is.
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'eventId',
    description:
      'evaluator-internal: predictions and labels produced on a partition other than murmur2(eventId), re-routed to it',
  }),
  evaluatorChangelog: topic({
    defaultName: 'ct.evaluator-changelog',
    env: 'CT_TOPIC_EVALUATOR_CHANGELOG',
    contract: EvaluatorStateEntryContract,
    // Partition p holds the state of source partition p of ct.predictions/ct.labels (the evaluator
    // chooses the partition explicitly), so a partition that moves to another instance is restored
    // from one changelog partition. Compacted: one record per state key, tombstones for deletes.
    partitions: 6,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    configs: {
      // One batch's changes are one produce request (appended atomically): allow large ones.
      'max.message.bytes': String(64 * 1024 * 1024),
      'segment.ms': String(60 * 60_000),
      'min.cleanable.dirty.ratio': '0.1',
      'delete.retention.ms': String(DAY_MS),
    },
    key: 'state key (partition-tagged)',
    description:
      "evaluator-internal: changelog of each partition's join state, restored by the partition's new owner",
  }),
  monitorPartials: topic({
    defaultName: 'ct.monitor-partials',
    env: 'CT_TOPIC_MONITOR_PARTIALS',
    contract: MonitorPartialContract,
    // Partitioned by model (murmur2 of the modelId, chosen by the monitor): the combiner stage
    // scales up to this many instances. Compacted: it holds the open windows' partials only.
    partitions: 6,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    configs: MONITOR_COMPACTED,
    key: 'partial, progress, closed-window or sample identity',
    description: 'monitor-internal: per-partition window states merged into ct.drift-reports',
  }),
  monitorCheckpoints: topic({
    defaultName: 'ct.monitor-checkpoints',
    env: 'CT_TOPIC_MONITOR_CHECKPOINTS',
    contract: MonitorCheckpointContract,
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    configs: MONITOR_COMPACTED,
    key: 'group|topic|partition (manifest), ...|slot|index (chunk)',
    description: 'monitor-internal: per source partition state checkpoints with the offsets they cover',
  }),
  monitorReferences: topic({
    defaultName: 'ct.monitor-references',
    env: 'CT_TOPIC_MONITOR_REFERENCES',
    contract: MonitorReferenceContract,
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    configs: MONITOR_COMPACTED,
    key: 'modelId|source|modelVersion',
    description: 'monitor-internal: bootstrap reference profiles of models without a registered one',
  }),
  controllerState: topic({
    defaultName: 'ct.controller-state',
    env: 'CT_TOPIC_CONTROLLER_STATE',
    contract: ControllerModelStateContract,
    // As many partitions as the report topics, so that one model's records stay together.
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    configs: { 'min.compaction.lag.ms': '0', 'segment.ms': String(DAY_MS) },
    key: 'modelId',
    description: 'controller-internal: trigger state (breaches, armed flags, pending requests) per model',
  }),
  promoterState: topic({
    defaultName: 'ct.promoter-state',
    env: 'CT_TOPIC_PROMOTER_STATE',
    contract: PromoterTestStateContract,
    // One promoter instance owns every test; one partition keeps its records in write order.
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    key: 'modelId|challengerVersion|kind',
    description:
      'promoter-internal: running champion/challenger tests and post-promotion watches with their evidence',
  }),
  deadLetter: topic({
    defaultName: 'ct.dead-letter',
    env: 'CT_TOPIC_DEAD_LETTER',
    contract: DeadLetterContract,
    partitions: 3,
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: 'delete',
    key: 'original key',
    description: 'records a service could not decode or validate, with the reason',
  }),
} as const;

export type TopicKey = keyof typeof Topics;

/** Every config a topic is provisioned with: retention, cleanup policy and its own `configs`. */
export function topicConfigs(
  definition: Pick<TopicDefinition, 'retentionMs' | 'cleanupPolicy' | 'configs'>,
): Record<string, string> {
  return {
    'retention.ms': String(definition.retentionMs),
    'cleanup.policy': definition.cleanupPolicy,
    ...definition.configs,
  };
}

/** The topic's name in this deployment: the env override or the default. */
export function topicName(key: TopicKey, env: NodeJS.ProcessEnv = process.env): string {
  const definition = Topics[key];
  return env[definition.env] || definition.defaultName;
}
