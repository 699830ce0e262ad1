import { type ArtifactRef } from '@continuum/artifact-store';
import {
  type RegisterVersionRequest,
  type RegistryClient,
  RegistryHttpError,
  type VersionDto,
} from '@continuum/registry';
import { type ChampionInfo, type ModelInfo } from '../core/plan';

/** What the trainer asks of the model registry (REST through RegistryClient). */
export interface TrainerRegistry {
  /** null when the registry does not know the model. */
  model(modelId: string): Promise<ModelInfo | null>;
  champion(modelId: string): Promise<ChampionInfo | null>;
  /** The version an earlier attempt registered with this idempotency key, if any. */
  versionByKey(modelId: string, idempotencyKey: string): Promise<VersionDto | null>;
  register(modelId: string, body: RegisterVersionRequest): Promise<{ version: VersionDto; created: boolean }>;
}

/** Whether an error is worth retrying later (the registry unreachable or failing), not a verdict on the request. */
export function isTransientRegistryError(error: unknown): boolean {
  return (
    error instanceof RegistryHttpError && (error.status === 0 || error.status >= 500 || error.status === 421)
  );
}

export class HttpTrainerRegistry implements TrainerRegistry {
  constructor(private readonly client: RegistryClient) {}

  async model(modelId: string): Promise<ModelInfo | null> {
    try {
      const m = await this.client.getModel(modelId);
      return { modelId: m.modelId, task: m.task, contract: m.contract };
    } catch (error) {
      if (error instanceof RegistryHttpError && error.notFound) return null;
      throw error;
    }
  }

  async champion(modelId: string): Promise<ChampionInfo | null> {
    const champion = await this.client.champion(modelId);
    return champion ? { version: champion.version, artifact: refOf(champion.artifact) } : null;
  }

  async versionByKey(modelId: string, idempotencyKey: string): Promise<VersionDto | null> {
    const versions = await this.client.listVersions(modelId);
    return versions.find((v) => v.idempotencyKey === idempotencyKey) ?? null;
  }

  register(
    modelId: string,
    body: RegisterVersionRequest,
  ): Promise<{ version: VersionDto; created: boolean }> {
    return this.client.registerVersion(modelId, body);
  }
}

function refOf(ref: ArtifactRef | null): ChampionInfo['artifact'] {
  return ref ? { uri: ref.uri, sha256: ref.sha256, size: ref.size } : null;
}
