import { Inject, Injectable } from '@nestjs/common';
import { type ArtifactStore, artifactStoreFromEnv } from '@continuum/artifact-store';
import { PerformanceEstimation } from '@continuum/drift';
import { LOGGER, type Logger } from '@continuum/observability';
import { type EstimationSource } from '../evaluation/estimation';
import { RegisteredModels } from './registered-models';

/** A version's registered profile, as far as estimation cares: its text, or where it is stored. */
export interface ProfileSource {
  version(
    modelId: string,
    version: string,
  ):
    | {
        referenceProfile: string | null;
        referenceProfileRef: { uri: string; sha256: string; size: number } | null;
      }
    | undefined;
}

interface Cached {
  /** What the reference was read from: the inline text itself or the stored profile's SHA-256. */
  source: string;
  estimation: PerformanceEstimation | null;
}

/**
 * Model versions' performance-estimation references, read from the `performanceEstimation` member
 * of their registered reference profiles (inline in ct.model-versions, or in the artifact store
 * when the registry put it there), parsed once per profile and kept while the version's profile is
 * unchanged. A member that does not parse is logged once and the version has no estimates; a
 * profile the artifact store cannot deliver is logged and asked for again by the next batch that
 * needs it (meanwhile that version's predictions are not estimated).
 */
export class EstimationReferenceCache implements EstimationSource {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly profiles: ProfileSource,
    private readonly store: Pick<ArtifactStore, 'get'>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async prepare(versions: ReadonlyArray<readonly [string, string]>): Promise<void> {
    const seen = new Set<string>();
    for (const [modelId, version] of versions) {
      const key = `${modelId}\u0000${version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = this.profiles.version(modelId, version);
      // Not registered (yet): nothing cached, so a registration later is picked up.
      if (!v) continue;
      const source = v.referenceProfile ?? v.referenceProfileRef?.sha256 ?? '';
      if (this.cache.get(key)?.source === source) continue;
      const estimation = await this.load(modelId, version, v);
      if (estimation !== undefined) this.cache.set(key, { source, estimation });
      else this.cache.delete(key);
    }
  }

  get(modelId: string, version: string): PerformanceEstimation | null {
    return this.cache.get(`${modelId}\u0000${version}`)?.estimation ?? null;
  }

  /** The version's reference; null when it has none (or an invalid one); undefined when unreadable now. */
  private async load(
    modelId: string,
    version: string,
    v: NonNullable<ReturnType<ProfileSource['version']>>,
  ): Promise<PerformanceEstimation | null | undefined> {
    let text = v.referenceProfile;
    if (text === null && v.referenceProfileRef) {
      try {
        text = (await this.store.get(v.referenceProfileRef)).toString('utf8');
      } catch (error) {
        this.logger.warn(
          { err: error, modelId, version, uri: v.referenceProfileRef.uri },
          "the version's reference profile could not be read from the artifact store; asked again with the next predictions",
        );
        return undefined;
      }
    }
    if (text === null) return null;
    try {
      const member = (JSON.parse(text) as { performanceEstimation?: unknown }).performanceEstimation;
      return member === undefined ? null : PerformanceEstimation.fromJSON(member);
    } catch (error) {
      this.logger.warn(
        { err: error, modelId, version },
        "the version's performance-estimation reference cannot be read: its reports carry no estimated metrics",
      );
      return null;
    }
  }
}

/** The service's EstimationSource: the registered models' profiles, the artifact store from ARTIFACT_STORE_URL. */
@Injectable()
export class EstimationReferences extends EstimationReferenceCache {
  constructor(models: RegisteredModels, @Inject(LOGGER) logger: Logger) {
    super(
      { version: (m, v) => models.view.version(m, v) },
      artifactStoreFromEnv(process.env, { service: 'evaluator' }),
      logger,
    );
  }
}
