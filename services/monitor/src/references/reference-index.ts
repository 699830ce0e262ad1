import { ReferenceProfile, type ReferenceProfileJSON } from '@continuum/drift';
import { type ModelVersionEvent, type MonitorReference } from '@continuum/events';
import { type FoldRefusal, RegistryView } from '@continuum/registry';
import { type Subject, subjectKey } from '../streams/stream-identity';
import { type ResolvedReference, referenceId } from './resolved-reference';

interface VersionProfiles {
  /** Full profile (inputs and prediction) for the version's predictions. */
  full: ResolvedReference;
  /** The same profile without the prediction feature, for feature observations. */
  inputsOnly: ResolvedReference;
}

export interface CatalogUpdate {
  /** A registered profile that could not be parsed (logged and counted by the caller). */
  invalidProfile?: { modelId: string; version: string; error: string };
  /** An event the registry fold refused (an illegal transition, a stale writer...): not applied. */
  refused?: { modelId: string; version: string; refusal: FoldRefusal; message: string };
}

function inputsOnly(profile: ReferenceProfile): ReferenceProfile {
  if (!profile.prediction) return profile;
  const json = profile.toJSON();
  const inputs = (features: ReferenceProfileJSON['features']) => features.filter((f) => f.role === 'input');
  // Segment references list the profile's features in the same order: drop the prediction there too.
  const segment = <T extends { features: ReferenceProfileJSON['features'] }>(s: T): T => ({
    ...s,
    features: inputs(s.features),
  });
  return ReferenceProfile.fromJSON({
    ...json,
    features: inputs(json.features),
    ...(json.segments && {
      segments: json.segments.map((k) => ({
        ...k,
        values: k.values.map(segment),
        other: k.other && segment(k.other),
      })),
    }),
  } satisfies ReferenceProfileJSON);
}

const versionKey = (modelId: string, version: string) => JSON.stringify([modelId, version]);

/**
 * What the monitor knows of reference profiles: the registry's view of ct.model-versions
 * (`@continuum/registry`'s fold: versions, stages, profiles) and the bootstrap profiles of
 * ct.monitor-references. Predictions of a version are measured against that version's registered
 * profile, else its bootstrap profile; feature observations of a model against the inputs of its
 * CHAMPION's profile, else of its latest registered profile, else their own bootstrap profile.
 */
export class ReferenceIndex {
  readonly registry = new RegistryView();
  private readonly profiles = new Map<string, VersionProfiles>();
  private readonly bootstraps = new Map<string, ResolvedReference>();
  private readonly byId = new Map<string, ResolvedReference>();

  /**
   * Folds a ct.model-versions event. `profileJson` is the profile the event points at in the
   * artifact store (`referenceProfileRef`), read by the caller; inline profiles need none.
   */
  applyVersionEvent(event: ModelVersionEvent, profileJson?: string): CatalogUpdate {
    const result = this.registry.apply(event);
    if (!result.applied) {
      return {
        refused: {
          modelId: event.modelId,
          version: event.version,
          refusal: result.refusal,
          message: result.message,
        },
      };
    }
    const json = profileJson ?? event.referenceProfile;
    if (json === null) return {};
    try {
      this.setProfile(event.modelId, event.version, ReferenceProfile.fromJSON(json));
      return {};
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

  private setProfile(modelId: string, version: string, profile: ReferenceProfile): void {
    const key = versionKey(modelId, version);
    if (this.profiles.get(key)?.full.profile.fingerprint === profile.fingerprint) return;
    const full = this.remember({
      id: referenceId('MODEL_VERSION', modelId, version, profile),
      profile,
      kind: 'MODEL_VERSION',
      modelId,
      modelVersion: version,
      effectiveFrom: -Infinity,
    });
    const inputs = inputsOnly(profile);
    this.profiles.set(key, {
      full,
      inputsOnly: this.remember({
        ...full,
        id: referenceId('MODEL_VERSION', modelId, version, inputs),
        profile: inputs,
      }),
    });
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
    const { modelId } = subject;
    if (subject.source === 'PREDICTIONS') {
      return (
        this.profiles.get(versionKey(modelId, subject.modelVersion))?.full ??
        this.bootstraps.get(subjectKey(subject))
      );
    }
    const champion = this.registry.champion(modelId);
    const championProfile = champion && this.profiles.get(versionKey(modelId, champion.version));
    if (championProfile) return championProfile.inputsOnly;
    const versions = this.registry.versions(modelId);
    for (let i = versions.length - 1; i >= 0; i--) {
      const registered = this.profiles.get(versionKey(modelId, versions[i]!.version));
      if (registered) return registered.inputsOnly;
    }
    return this.bootstraps.get(subjectKey(subject));
  }

  /** Whether a bootstrap profile exists for the subject (registered or not). */
  hasBootstrap(subject: Subject): boolean {
    return this.bootstraps.has(subjectKey(subject));
  }

  /** Registered version profiles and bootstrap profiles known. */
  counts(): { registered: number; bootstrap: number } {
    return { registered: this.profiles.size, bootstrap: this.bootstraps.size };
  }

  /** Any reference ever seen, by id (window partials name theirs). */
  byReferenceId(id: string): ResolvedReference | undefined {
    return this.byId.get(id);
  }
}
