/**
 * The registry's REST contract (services/registry), shared by the service and `RegistryClient`.
 * Bodies are JSON; timestamps are epoch milliseconds.
 */
import {
  type ArtifactRef,
  type Lineage,
  type ModelStage,
  type ModelTask,
  type ModelVersion,
  type OffsetRange,
  type RegisteredModel,
  type StageTransition,
  type TrainingStrategy,
  type TrainingWindow,
} from './model';

export interface FeatureSpecInput {
  name: string;
  type: 'NUMERIC' | 'CATEGORICAL';
  required?: boolean;
  min?: number | null;
  max?: number | null;
  categories?: string[];
}

/** `POST /models` */
export interface CreateModelRequest {
  modelId: string;
  task: ModelTask;
  contract: { features: FeatureSpecInput[] };
  owner: string;
  policyRef?: string;
}

/** A model as the API shows it; `revision` is the `expectedRevision` of its next change. */
export type ModelDto = Omit<RegisteredModel, 'explicit'> & {
  championVersion: string | null;
  versionCount: number;
};

/** `POST /models/{modelId}/versions` */
export interface RegisterVersionRequest {
  parentVersion?: string;
  strategy: TrainingStrategy;
  lineage?: {
    examples: OffsetRange[];
    seed?: number;
    codeVersion?: string;
    hyperParameters?: Record<string, unknown>;
  };
  trainingWindow?: TrainingWindow;
  metrics?: Record<string, number>;
  /** A libs/drift ReferenceProfile JSON object; large ones are moved to the artifact store. */
  referenceProfile?: unknown;
  artifact?: ArtifactRef;
  /** The same key again returns the version it registered (200) instead of a new one (201). */
  idempotencyKey?: string;
  /** CANDIDATE (default), SHADOW, or CHAMPION for a model without one / an EXTERNAL version. */
  stage?: ModelStage;
  /** Who registers it (defaults to the token's owner, "api"). */
  actor?: string;
  reason?: string;
}

/**
 * A version as the API shows it: the fold's `ModelVersion` without the audit trail (see
 * `.../history`) and without the reference profile, which can be large (see
 * `.../reference-profile`; `referenceProfileRef` says where it is when it is not inline).
 */
export type VersionDto = Omit<ModelVersion, 'history' | 'referenceProfile'> & {
  /** Whether the version has a reference profile (inline or in the artifact store). */
  hasReferenceProfile: boolean;
};

/** `POST /models/{modelId}/versions/{version}/stage` */
export interface ChangeStageRequest {
  stage: ModelStage;
  /** The model's revision the caller decided on; a different current revision answers 409. */
  expectedRevision?: number;
  reason: string;
  actor: string;
  evidence?: Record<string, unknown>;
}

export interface StageChangeDto {
  version: VersionDto;
  /** The former champion this change archived, if any. */
  archived: string | null;
  revision: number;
}

export interface HistoryDto {
  modelId: string;
  version: string;
  transitions: StageTransition[];
}

export interface LineageDto {
  modelId: string;
  version: string;
  parentVersion: string | null;
  strategy: TrainingStrategy;
  lineage: Lineage | null;
  trainingWindow: TrainingWindow | null;
  /** Parent chain, nearest first (versions this one was warm-started or derived from). */
  ancestors: string[];
}

/** Every error answer: the HTTP status, a stable code, a message and, for 400, the field. */
export interface ErrorDto {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
}
