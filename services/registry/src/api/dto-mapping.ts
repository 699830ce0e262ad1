import {
  type ModelDto,
  type ModelVersion,
  type RegisteredModel,
  type RegistryView,
  type VersionDto,
} from '@continuum/registry';

export function toModelDto(view: RegistryView, model: RegisteredModel): ModelDto {
  const { explicit: _explicit, ...rest } = model;
  return {
    ...rest,
    championVersion: view.champion(model.modelId)?.version ?? null,
    versionCount: view.versions(model.modelId).length,
  };
}

export function toVersionDto(version: ModelVersion): VersionDto {
  const { history: _history, referenceProfile, ...rest } = version;
  return { ...rest, hasReferenceProfile: referenceProfile !== null || version.referenceProfileRef !== null };
}
