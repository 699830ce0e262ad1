import { type ArtifactRef, type ModelContract } from '@continuum/events';

/** A version the registry wants served: where its bytes are and what input it accepts. */
export interface VersionSpec {
  readonly version: string;
  readonly artifact: ArtifactRef | null;
  /** The version's (or its model's) contract; null: the model's own pipeline implies it. */
  readonly contract: ModelContract | null;
}

/** What the registry says a model's scorer should serve now. */
export interface DesiredModel {
  readonly champion: VersionSpec | null;
  readonly shadows: readonly VersionSpec[];
}

/** The part of `@continuum/registry`'s RegistryView this needs (kept narrow for tests). */
export interface RegistryReader {
  model(modelId: string): { contract: ModelContract | null } | undefined;
  champion(modelId: string): VersionLike | undefined;
  inStage(modelId: string, stage: 'SHADOW'): readonly VersionLike[];
}

interface VersionLike {
  readonly version: string;
  readonly artifact: ArtifactRef | null;
  readonly contract: ModelContract | null;
}

/** The champion and shadows of a model as the registry view holds them; undefined for an unknown model. */
export function desiredModel(registry: RegistryReader, modelId: string): DesiredModel | undefined {
  const model = registry.model(modelId);
  if (!model) return undefined;
  const spec = (v: VersionLike): VersionSpec => ({
    version: v.version,
    artifact: v.artifact,
    contract: v.contract ?? model.contract,
  });
  const champion = registry.champion(modelId);
  return {
    champion: champion ? spec(champion) : null,
    shadows: registry.inStage(modelId, 'SHADOW').map(spec),
  };
}
