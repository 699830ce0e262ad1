import {
  type ArtifactRef,
  type ModelContract,
  type ModelStage,
  type ModelTask,
  type TrainingStrategy,
  type TrainingWindow,
} from '@continuum/events';

export type { ArtifactRef, ModelContract, ModelStage, ModelTask, TrainingStrategy, TrainingWindow };

/** Records [fromOffset, toOffset) of one partition of a topic (ct.examples). */
export interface OffsetRange {
  topic: string;
  partition: number;
  fromOffset: number;
  /** Exclusive. */
  toOffset: number;
}

/** What a version was trained on and how: enough to re-train it bit for bit. */
export interface Lineage {
  examples: OffsetRange[];
  seed: number | null;
  codeVersion: string | null;
  hyperParameters: Record<string, unknown>;
}

/** One entry of a version's audit trail: every stage it entered, who moved it, when and why. */
export interface StageTransition {
  /** null for the registration. */
  from: ModelStage | null;
  to: ModelStage;
  actor: string;
  at: number;
  reason: string | null;
  evidence: Record<string, unknown> | null;
  /** The ct.model-versions event that made the change. */
  eventId: string;
  /** The model's revision after the change. */
  revision: number;
}

export interface RegisteredModel {
  modelId: string;
  /** null for a model known only from versions written without a contract (older writers). */
  task: ModelTask | null;
  contract: ModelContract | null;
  owner: string | null;
  policyRef: string | null;
  createdAt: number;
  createdBy: string;
  /** Events applied for this model (its revision; the expected revision of the next change). */
  revision: number;
  /** Whether a MODEL_REGISTERED event created it (false: implied by a version event). */
  explicit: boolean;
}

export interface ModelVersion {
  modelId: string;
  version: string;
  parentVersion: string | null;
  stage: ModelStage;
  strategy: TrainingStrategy;
  registeredAt: number;
  registeredBy: string;
  /** Contract the version was registered with (falls back to the model's). */
  contract: ModelContract | null;
  lineage: Lineage | null;
  trainingWindow: TrainingWindow | null;
  metrics: Record<string, number>;
  /** A metrics table too large for the event, in the artifact store. */
  metricsRef: ArtifactRef | null;
  /** ReferenceProfile JSON (libs/drift), inline. */
  referenceProfile: string | null;
  /** The reference profile in the artifact store, when too large to travel inline. */
  referenceProfileRef: ArtifactRef | null;
  artifact: ArtifactRef | null;
  idempotencyKey: string | null;
  /** The audit trail, oldest first; the first entry is the registration. */
  history: StageTransition[];
  /** The model's revision after the version's latest change. */
  updatedRevision: number;
}

export const MODEL_STAGES: readonly ModelStage[] = [
  'CANDIDATE',
  'SHADOW',
  'CHAMPION',
  'ARCHIVED',
  'REJECTED',
];
export const MODEL_TASKS: readonly ModelTask[] = [
  'BINARY_CLASSIFICATION',
  'MULTICLASS_CLASSIFICATION',
  'REGRESSION',
];
export const TRAINING_STRATEGIES: readonly TrainingStrategy[] = ['ONLINE', 'WARM_START', 'FULL', 'EXTERNAL'];
