import { type FeatureSpec, type ModelVersionEvent } from '@continuum/events';
import { type ArtifactRef, type ModelStage, type ModelTask, type ModelVersion } from './model';

/** Who writes an event, when, and the revision it makes (the model's revision + 1). */
export interface EventMeta {
  eventId: string;
  occurredAt: number;
  actor: string;
  /** 0 writes without a sequence check (see ModelVersionEvent.sequence). */
  sequence: number;
}

/**
 * The fields the registry added to the first ModelVersionEvent schema, at their Avro defaults:
 * spread into an event literal written without them (older writers, tests).
 */
export const VERSION_EVENT_DEFAULTS = {
  sequence: 0,
  idempotencyKey: null,
  owner: null,
  policyRef: null,
  lineage: null,
  artifact: null,
  referenceProfileRef: null,
  metricsRef: null,
  reason: null,
  evidence: null,
} as const satisfies Partial<ModelVersionEvent>;

function baseEvent(meta: EventMeta, modelId: string, version: string): ModelVersionEvent {
  return {
    ...VERSION_EVENT_DEFAULTS,
    eventId: meta.eventId,
    modelId,
    version,
    parentVersion: null,
    change: 'UNKNOWN',
    stage: 'CANDIDATE',
    strategy: 'FULL',
    trainingWindow: null,
    metrics: {},
    artifactUri: null,
    contract: null,
    referenceProfile: null,
    occurredAt: meta.occurredAt,
    actor: meta.actor,
    sequence: meta.sequence,
  };
}

export interface ModelRegistration {
  modelId: string;
  task: ModelTask;
  features: FeatureSpec[];
  owner: string | null;
  policyRef: string | null;
}

export function modelRegisteredEvent(meta: EventMeta, m: ModelRegistration): ModelVersionEvent {
  return {
    ...baseEvent(meta, m.modelId, ''),
    change: 'MODEL_REGISTERED',
    contract: { task: m.task, features: m.features },
    owner: m.owner,
    policyRef: m.policyRef,
  };
}

/** What a REGISTERED event records: the version as the fold will hold it, before its history. */
export type VersionRegistration = Pick<
  ModelVersion,
  | 'modelId'
  | 'version'
  | 'parentVersion'
  | 'strategy'
  | 'stage'
  | 'lineage'
  | 'trainingWindow'
  | 'metrics'
  | 'metricsRef'
  | 'referenceProfile'
  | 'referenceProfileRef'
  | 'artifact'
  | 'idempotencyKey'
> & { reason: string | null };

export function versionRegisteredEvent(meta: EventMeta, v: VersionRegistration): ModelVersionEvent {
  return {
    ...baseEvent(meta, v.modelId, v.version),
    change: 'REGISTERED',
    parentVersion: v.parentVersion,
    stage: v.stage,
    strategy: v.strategy,
    trainingWindow: v.trainingWindow,
    metrics: v.metrics,
    metricsRef: v.metricsRef,
    referenceProfile: v.referenceProfile,
    referenceProfileRef: v.referenceProfileRef,
    artifact: v.artifact,
    artifactUri: v.artifact?.uri ?? null,
    idempotencyKey: v.idempotencyKey,
    reason: v.reason,
    lineage: v.lineage && {
      examples: v.lineage.examples,
      seed: v.lineage.seed,
      codeVersion: v.lineage.codeVersion,
      hyperParameters: JSON.stringify(v.lineage.hyperParameters),
    },
  };
}

export interface StageChange {
  modelId: string;
  version: string;
  stage: ModelStage;
  reason: string;
  evidence: Record<string, unknown> | null;
}

export function stageChangedEvent(meta: EventMeta, c: StageChange): ModelVersionEvent {
  return {
    ...baseEvent(meta, c.modelId, c.version),
    change: 'STAGE_CHANGED',
    stage: c.stage,
    reason: c.reason,
    evidence: c.evidence && JSON.stringify(c.evidence),
  };
}

export function artifactAttachedEvent(
  meta: EventMeta,
  a: { modelId: string; version: string; stage: ModelStage; artifact: ArtifactRef },
): ModelVersionEvent {
  return {
    ...baseEvent(meta, a.modelId, a.version),
    change: 'ARTIFACT_ATTACHED',
    stage: a.stage,
    artifact: a.artifact,
    artifactUri: a.artifact.uri,
  };
}
