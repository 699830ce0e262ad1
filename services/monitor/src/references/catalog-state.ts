import { createHash } from 'node:crypto';
import { ReferenceProfile, type ReferenceProfileJSON } from '@continuum/drift';
import { type ModelVersionEvent, type MonitorReference } from '@continuum/events';
import { type Subject, subjectKey } from '../streams/stream-identity';

/** A reference profile windows are binned against, with where it comes from. */
export interface ResolvedReference {
  /** Stable id carried by window partials and checkpoints: kind, model, version, profile fingerprint. */
  readonly id: string;
  readonly profile: ReferenceProfile;
  readonly kind: 'MODEL_VERSION' | 'BOOTSTRAP';
  readonly modelId: string;
  /** The registered version the profile belongs to ('' for a bootstrap profile of feature observations). */
  readonly modelVersion: string;
  /** Event time from which events are windowed against it (-Infinity for registered profiles). */
  readonly effectiveFrom: number;
}

interface VersionEntry {
  version: string;
  registeredSeq: number;
  championSeq: number;
  stage: ModelVersionEvent['stage'];
  /** Full profile (inputs and prediction) for the version's predictions. */
  full?: ResolvedReference;
  /** The same profile without the prediction feature, for feature observations. */
  inputsOnly?: ResolvedReference;
}

export interface CatalogUpdate {
  /** A registered profile that could not be parsed (logged and counted by the caller). */
  invalidProfile?: { modelId: string; version: string; error: string };
}

function referenceId(
  kind: ResolvedReference['kind'],
  modelId: string,
  version: string,
  profile: ReferenceProfile,
) {
  return `${kind === 'MODEL_VERSION' ? 'M' : 'B'}:${JSON.stringify([modelId, version])}:${profile.fingerprint}`;
}

function inputsOnly(profile: ReferenceProfile): ReferenceProfile {
  if (!profile.prediction) return profile;
  const json = profile.toJSON();
  return ReferenceProfile.fromJSON({
    ...json,
    features: json.features.filter((f) => f.role === 'input'),
  } satisfies ReferenceProfileJSON);
}

/** Short stable tag of a reference id, for report ids. */
export function referenceTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}

/**
 * What the monitor knows of reference profiles, built from ct.model-versions (registered profiles
 * and stages) and ct.monitor-references (bootstrap profiles). Predictions of a version are
 * measured against that version's registered profile, else its bootstrap profile; feature
 * observations of a model against the inputs of its latest CHAMPION version's profile, else of its
 * latest registered profile, else their own bootstrap profile.
 */
export class CatalogState {
  private readonly models = new Map<string, Map<string, VersionEntry>>();
  private readonly bootstraps = new Map<string, ResolvedReference>();
  private readonly byId = new Map<string, ResolvedReference>();
  private seq = 0;

  applyVersionEvent(event: ModelVersionEvent): CatalogUpdate {
    let versions = this.models.get(event.modelId);
    if (!versions) this.models.set(event.modelId, (versions = new Map()));
    let entry = versions.get(event.version);
    const seq = ++this.seq;
    if (!entry) {
      entry = { version: event.version, registeredSeq: seq, championSeq: 0, stage: event.stage };
      versions.set(event.version, entry);
    }
    if (event.change === 'REGISTERED') entry.registeredSeq = seq;
    if (event.stage === 'CHAMPION' && entry.stage !== 'CHAMPION') entry.championSeq = seq;
    entry.stage = event.stage;
    if (event.referenceProfile !== null) {
      try {
        const profile = ReferenceProfile.fromJSON(event.referenceProfile);
        if (entry.full?.profile.fingerprint !== profile.fingerprint) {
          entry.full = this.remember({
            id: referenceId('MODEL_VERSION', event.modelId, event.version, profile),
            profile,
            kind: 'MODEL_VERSION',
            modelId: event.modelId,
            modelVersion: event.version,
            effectiveFrom: -Infinity,
          });
          const inputs = inputsOnly(profile);
          entry.inputsOnly = this.remember({
            ...entry.full,
            id: referenceId('MODEL_VERSION', event.modelId, event.version, inputs),
            profile: inputs,
          });
        }
      } catch (error) {
        return {
          invalidProfile: {
            modelId: event.modelId,
            version: event.version,
            error: error instanceof Error ? error.message : String(error),
          },
        };
      }
    }
    return {};
  }

  applyBootstrap(reference: MonitorReference): CatalogUpdate {
    const { subject } = reference;
    try {
      const profile = ReferenceProfile.fromJSON(reference.referenceProfile);
      this.bootstraps.set(
        subjectKey(subject),
        this.remember({
          id: referenceId('BOOTSTRAP', subject.modelId, `${subject.source}:${subject.modelVersion}`, profile),
          profile,
          kind: 'BOOTSTRAP',
          modelId: subject.modelId,
          modelVersion: subject.modelVersion,
          effectiveFrom: reference.effectiveFrom,
        }),
      );
      return {};
    } catch (error) {
      return {
        invalidProfile: {
          modelId: subject.modelId,
          version: `bootstrap ${subject.source} ${subject.modelVersion}`,
          error: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }

  private remember(reference: ResolvedReference): ResolvedReference {
    const known = this.byId.get(reference.id);
    if (known) return known;
    this.byId.set(reference.id, reference);
    return reference;
  }

  /** The reference a subject's events are windowed against now; undefined while there is none. */
  referenceFor(subject: Subject): ResolvedReference | undefined {
    const versions = this.models.get(subject.modelId);
    if (subject.source === 'PREDICTIONS') {
      return versions?.get(subject.modelVersion)?.full ?? this.bootstraps.get(subjectKey(subject));
    }
    let best: VersionEntry | undefined;
    for (const v of versions?.values() ?? []) {
      if (!v.inputsOnly) continue;
      const champion = v.stage === 'CHAMPION';
      const bestChampion = best?.stage === 'CHAMPION';
      if (
        !best ||
        (champion && !bestChampion) ||
        (champion && bestChampion && v.championSeq > best.championSeq) ||
        (!champion && !bestChampion && v.registeredSeq > best.registeredSeq)
      )
        best = v;
    }
    return best?.inputsOnly ?? this.bootstraps.get(subjectKey(subject));
  }

  /** Whether a bootstrap profile exists for the subject (registered or not). */
  hasBootstrap(subject: Subject): boolean {
    return this.bootstraps.has(subjectKey(subject));
  }

  /** Registered version profiles and bootstrap profiles known. */
  counts(): { registered: number; bootstrap: number } {
    let registered = 0;
    for (const versions of this.models.values()) for (const v of versions.values()) if (v.full) registered++;
    return { registered, bootstrap: this.bootstraps.size };
  }

  /** Any reference ever seen, by id (window partials name theirs). */
  byReferenceId(id: string): ResolvedReference | undefined {
    return this.byId.get(id);
  }
}
