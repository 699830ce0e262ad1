import { type ModelVersionEvent } from '@continuum/events';
import { type ModelStage } from './model';
import {
  type EventMeta,
  type ModelRegistration,
  type StageChange,
  type VersionRegistration,
  modelRegisteredEvent,
  stageChangedEvent,
  versionRegisteredEvent,
} from './registry-events';

/** A model registration with no features, owner or policy (a test names what it needs). */
export function modelRegistration(
  modelId: string,
  overrides: Partial<ModelRegistration> = {},
): ModelRegistration {
  return { modelId, task: 'BINARY_CLASSIFICATION', features: [], owner: null, policyRef: null, ...overrides };
}

/** A version registration with a fresh, fully trained version's defaults: no parent, lineage, metrics, profile or artifact. */
export function versionRegistration(
  modelId: string,
  version: string,
  stage: ModelStage = 'CANDIDATE',
  overrides: Partial<VersionRegistration> = {},
): VersionRegistration {
  return {
    modelId,
    version,
    parentVersion: null,
    strategy: 'FULL',
    stage,
    lineage: null,
    trainingWindow: null,
    metrics: {},
    metricsRef: null,
    referenceProfile: null,
    referenceProfileRef: null,
    artifact: null,
    idempotencyKey: null,
    reason: null,
    ...overrides,
  };
}

/**
 * Builds ct.model-versions events for tests (exported for the tests of every package that folds
 * the registry): each event gets the next event id, and the fields a test does not name take the
 * defaults of `modelRegistration` / `versionRegistration`. Pass an EventMeta to set a sequence or
 * a time.
 */
export class RegistryEventFixture {
  private ids = 0;

  constructor(private readonly defaults: { actor?: string; occurredAt?: number; idPrefix?: string } = {}) {}

  meta(overrides: Partial<EventMeta> = {}): EventMeta {
    return {
      eventId: `${this.defaults.idPrefix ?? 'e'}${++this.ids}`,
      occurredAt: this.defaults.occurredAt ?? 1_000,
      actor: this.defaults.actor ?? 'test',
      sequence: 0,
      ...overrides,
    };
  }

  model(modelId: string, overrides: Partial<ModelRegistration> = {}, meta = this.meta()): ModelVersionEvent {
    return modelRegisteredEvent(meta, modelRegistration(modelId, overrides));
  }

  version(
    modelId: string,
    version: string,
    stage: ModelStage = 'CANDIDATE',
    overrides: Partial<VersionRegistration> = {},
    meta = this.meta(),
  ): ModelVersionEvent {
    return versionRegisteredEvent(meta, versionRegistration(modelId, version, stage, overrides));
  }

  stage(
    change: Pick<StageChange, 'modelId' | 'version' | 'stage'> & Partial<StageChange>,
    meta = this.meta(),
  ): ModelVersionEvent {
    return stageChangedEvent(meta, { reason: 'test', evidence: null, ...change });
  }
}
