import { type ModelVersionEvent } from '@continuum/events';
import {
  type Lineage,
  type ModelStage,
  type ModelVersion,
  type RegisteredModel,
  type StageTransition,
} from './model';
import { type TransitionRefusal, judgeRegistrationStage, judgeTransition } from './stage-machine';

/**
 * Why the fold did not apply an event. Besides the state machine's refusals:
 * `DUPLICATE_EVENT` (an eventId already applied: replays and redeliveries are no-ops),
 * `STALE_SEQUENCE` (the event's sequence is not the model's next revision: a writer that lost the
 * race), `UNKNOWN_CHANGE`, `MODEL_EXISTS`, `VERSION_EXISTS`, `UNKNOWN_VERSION`,
 * `DUPLICATE_IDEMPOTENCY_KEY`, `MISSING_FIELD`.
 */
export type FoldRefusal =
  | TransitionRefusal
  | 'DUPLICATE_EVENT'
  | 'STALE_SEQUENCE'
  | 'UNKNOWN_CHANGE'
  | 'MODEL_EXISTS'
  | 'VERSION_EXISTS'
  | 'UNKNOWN_VERSION'
  | 'DUPLICATE_IDEMPOTENCY_KEY'
  | 'MISSING_FIELD';

export type ApplyResult =
  | {
      applied: true;
      modelId: string;
      /** Versions whose state changed (a new champion and the one it archived, for example). */
      versions: string[];
      revision: number;
    }
  | { applied: false; modelId: string; refusal: FoldRefusal; message: string };

interface ModelEntry {
  model: RegisteredModel;
  versions: Map<string, ModelVersion>;
  champion: string | null;
  eventIds: Set<string>;
  idempotencyKeys: Map<string, string>;
}

function parseObject(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { unparsed: json };
  }
}

function lineageOf(event: ModelVersionEvent): Lineage | null {
  const l = event.lineage;
  if (!l) return null;
  return {
    examples: l.examples.map((r) => ({ ...r })),
    seed: l.seed,
    codeVersion: l.codeVersion,
    hyperParameters: parseObject(l.hyperParameters) ?? {},
  };
}

/**
 * The registry's state folded from `ct.model-versions`: models, their versions, stages and audit
 * trails. Pure and deterministic: the same events in the same order give the same state, and an
 * event folded twice (same eventId, applied or refused the first time) changes nothing. Events that break the state machine or lose
 * a revision race are refused (the result says why) and leave the state as it was, so every
 * reader of the topic agrees on the outcome.
 */
export class RegistryView {
  private readonly entries = new Map<string, ModelEntry>();
  /** Events refused, by id: a refusal is final, so a redelivered refused event stays refused. */
  private readonly refusedIds = new Set<string>();
  private refused = 0;

  apply(event: ModelVersionEvent): ApplyResult {
    const entry = this.entries.get(event.modelId);
    if (entry?.eventIds.has(event.eventId) || this.refusedIds.has(event.eventId)) {
      return {
        applied: false,
        modelId: event.modelId,
        refusal: 'DUPLICATE_EVENT',
        message: `event ${event.eventId} was folded already`,
      };
    }
    const refuse = (refusal: FoldRefusal, message: string): ApplyResult => {
      this.refused++;
      this.refusedIds.add(event.eventId);
      return { applied: false, modelId: event.modelId, refusal, message };
    };
    const revision = entry?.model.revision ?? 0;
    if (event.sequence > 0 && event.sequence !== revision + 1) {
      return refuse(
        'STALE_SEQUENCE',
        `event ${event.eventId} has sequence ${event.sequence} but model ${event.modelId} is at revision ${revision}`,
      );
    }
    switch (event.change) {
      case 'MODEL_REGISTERED':
        return this.registerModel(event, entry, refuse);
      case 'REGISTERED':
        return this.registerVersion(event, entry, refuse);
      case 'STAGE_CHANGED':
      case 'METRICS_UPDATED':
      case 'ARTIFACT_ATTACHED': {
        const version = entry?.versions.get(event.version);
        if (!entry || !version) {
          return refuse('UNKNOWN_VERSION', `model ${event.modelId} has no version ${event.version}`);
        }
        return event.change === 'STAGE_CHANGED'
          ? this.changeStage(event, entry, version, refuse)
          : this.updateVersion(event, entry, version, refuse);
      }
      default:
        return refuse('UNKNOWN_CHANGE', `event ${event.eventId} has a change this reader does not know`);
    }
  }

  private registerModel(
    event: ModelVersionEvent,
    entry: ModelEntry | undefined,
    refuse: (r: FoldRefusal, m: string) => ApplyResult,
  ): ApplyResult {
    if (entry?.model.explicit) return refuse('MODEL_EXISTS', `model ${event.modelId} is registered already`);
    if (!event.contract) return refuse('MISSING_FIELD', `MODEL_REGISTERED ${event.eventId} has no contract`);
    const target = entry ?? this.newEntry(event);
    Object.assign(target.model, {
      task: event.contract.task,
      contract: event.contract,
      owner: event.owner,
      policyRef: event.policyRef,
      explicit: true,
    });
    if (!entry) {
      target.model.createdAt = event.occurredAt;
      target.model.createdBy = event.actor;
    }
    return this.commit(target, event, []);
  }

  private registerVersion(
    event: ModelVersionEvent,
    entry: ModelEntry | undefined,
    refuse: (r: FoldRefusal, m: string) => ApplyResult,
  ): ApplyResult {
    if (entry?.versions.has(event.version)) {
      return refuse(
        'VERSION_EXISTS',
        `version ${event.version} of model ${event.modelId} is registered already`,
      );
    }
    if (event.version === '') return refuse('MISSING_FIELD', `REGISTERED ${event.eventId} has no version`);
    if (event.idempotencyKey !== null && entry?.idempotencyKeys.has(event.idempotencyKey)) {
      return refuse(
        'DUPLICATE_IDEMPOTENCY_KEY',
        `idempotency key ${event.idempotencyKey} registered version ${entry.idempotencyKeys.get(event.idempotencyKey)} already`,
      );
    }
    const verdict = judgeRegistrationStage(
      event.version,
      event.stage,
      event.strategy,
      entry?.champion ?? null,
    );
    if (!verdict.ok) return refuse(verdict.refusal, verdict.message);
    const target = entry ?? this.newEntry(event);
    if (!target.model.explicit && target.model.contract === null && event.contract) {
      target.model.contract = event.contract;
      target.model.task = event.contract.task;
    }
    const revision = target.model.revision + 1;
    const version: ModelVersion = {
      modelId: event.modelId,
      version: event.version,
      parentVersion: event.parentVersion,
      stage: event.stage,
      strategy: event.strategy,
      registeredAt: event.occurredAt,
      registeredBy: event.actor,
      contract: event.contract ?? target.model.contract,
      lineage: lineageOf(event),
      trainingWindow: event.trainingWindow,
      metrics: { ...event.metrics },
      metricsRef: event.metricsRef,
      referenceProfile: event.referenceProfile,
      referenceProfileRef: event.referenceProfileRef,
      artifact:
        event.artifact ?? (event.artifactUri ? { uri: event.artifactUri, sha256: '', size: -1 } : null),
      idempotencyKey: event.idempotencyKey,
      history: [this.transition(event, null, event.stage, revision)],
      updatedRevision: revision,
    };
    target.versions.set(event.version, version);
    if (event.idempotencyKey !== null) target.idempotencyKeys.set(event.idempotencyKey, event.version);
    const changed = [event.version];
    if (event.stage === 'CHAMPION') changed.push(...this.crown(target, event, revision, verdict.archives));
    return this.commit(target, event, changed);
  }

  private changeStage(
    event: ModelVersionEvent,
    entry: ModelEntry,
    version: ModelVersion,
    refuse: (r: FoldRefusal, m: string) => ApplyResult,
  ): ApplyResult {
    const verdict = judgeTransition({
      version: event.version,
      from: version.stage,
      to: event.stage,
      champion: entry.champion,
    });
    if (!verdict.ok) return refuse(verdict.refusal, verdict.message);
    const revision = entry.model.revision + 1;
    version.history.push(this.transition(event, version.stage, event.stage, revision));
    version.stage = event.stage;
    version.updatedRevision = revision;
    const changed = [event.version];
    if (event.stage === 'CHAMPION') changed.push(...this.crown(entry, event, revision, verdict.archives));
    return this.commit(entry, event, changed);
  }

  private updateVersion(
    event: ModelVersionEvent,
    entry: ModelEntry,
    version: ModelVersion,
    refuse: (r: FoldRefusal, m: string) => ApplyResult,
  ): ApplyResult {
    if (event.change === 'ARTIFACT_ATTACHED') {
      if (!event.artifact)
        return refuse('MISSING_FIELD', `ARTIFACT_ATTACHED ${event.eventId} has no artifact`);
      version.artifact = event.artifact;
    } else {
      if (Object.keys(event.metrics).length > 0) version.metrics = { ...event.metrics };
      if (event.metricsRef) version.metricsRef = event.metricsRef;
      if (event.referenceProfile !== null) {
        version.referenceProfile = event.referenceProfile;
        version.referenceProfileRef = null;
      }
      if (event.referenceProfileRef) {
        version.referenceProfileRef = event.referenceProfileRef;
        version.referenceProfile = null;
      }
    }
    version.updatedRevision = entry.model.revision + 1;
    return this.commit(entry, event, [event.version]);
  }

  /** Makes `event.version` the champion and archives the previous one (same event, same revision). */
  private crown(
    entry: ModelEntry,
    event: ModelVersionEvent,
    revision: number,
    archives: string | null,
  ): string[] {
    entry.champion = event.version;
    if (archives === null || archives === event.version) return [];
    const previous = entry.versions.get(archives);
    if (!previous) return [];
    previous.history.push({
      ...this.transition(event, 'CHAMPION', 'ARCHIVED', revision),
      reason: `replaced by version ${event.version}${event.reason ? `: ${event.reason}` : ''}`,
    });
    previous.stage = 'ARCHIVED';
    previous.updatedRevision = revision;
    return [archives];
  }

  private transition(
    event: ModelVersionEvent,
    from: ModelStage | null,
    to: ModelStage,
    revision: number,
  ): StageTransition {
    return {
      from,
      to,
      actor: event.actor,
      at: event.occurredAt,
      reason: event.reason,
      evidence: parseObject(event.evidence),
      eventId: event.eventId,
      revision,
    };
  }

  private newEntry(event: ModelVersionEvent): ModelEntry {
    const entry: ModelEntry = {
      model: {
        modelId: event.modelId,
        task: event.contract?.task ?? null,
        contract: event.contract,
        owner: null,
        policyRef: null,
        createdAt: event.occurredAt,
        createdBy: event.actor,
        revision: 0,
        explicit: false,
      },
      versions: new Map(),
      champion: null,
      eventIds: new Set(),
      idempotencyKeys: new Map(),
    };
    this.entries.set(event.modelId, entry);
    return entry;
  }

  private commit(entry: ModelEntry, event: ModelVersionEvent, versions: string[]): ApplyResult {
    entry.model.revision++;
    entry.eventIds.add(event.eventId);
    return { applied: true, modelId: event.modelId, versions, revision: entry.model.revision };
  }

  /** Every model, in order of first appearance. */
  models(): readonly RegisteredModel[] {
    return [...this.entries.values()].map((e) => e.model);
  }

  model(modelId: string): RegisteredModel | undefined {
    return this.entries.get(modelId)?.model;
  }

  /** The model's revision: events applied for it (0 for an unknown model). */
  revision(modelId: string): number {
    return this.entries.get(modelId)?.model.revision ?? 0;
  }

  version(modelId: string, version: string): ModelVersion | undefined {
    return this.entries.get(modelId)?.versions.get(version);
  }

  /** The model's versions in registration order. */
  versions(modelId: string): readonly ModelVersion[] {
    return [...(this.entries.get(modelId)?.versions.values() ?? [])];
  }

  champion(modelId: string): ModelVersion | undefined {
    const entry = this.entries.get(modelId);
    return entry?.champion == null ? undefined : entry.versions.get(entry.champion);
  }

  inStage(modelId: string, stage: ModelStage): readonly ModelVersion[] {
    return this.versions(modelId).filter((v) => v.stage === stage);
  }

  stageOf(modelId: string, version: string): ModelStage | undefined {
    return this.version(modelId, version)?.stage;
  }

  /** The version an idempotency key registered, if any. */
  versionForIdempotencyKey(modelId: string, key: string): ModelVersion | undefined {
    const v = this.entries.get(modelId)?.idempotencyKeys.get(key);
    return v === undefined ? undefined : this.version(modelId, v);
  }

  /** The number the next registered version gets: one more than the largest numeric version. */
  nextVersionNumber(modelId: string): string {
    let max = 0;
    for (const v of this.entries.get(modelId)?.versions.keys() ?? []) {
      if (/^\d+$/.test(v)) max = Math.max(max, Number(v));
    }
    return String(max + 1);
  }

  /** Events refused so far, not counting redeliveries (see ApplyResult). */
  refusedCount(): number {
    return this.refused;
  }
}
