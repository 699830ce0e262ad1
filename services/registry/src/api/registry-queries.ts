import { Inject, Injectable } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import {
  type HistoryDto,
  type LineageDto,
  type ModelDto,
  type ModelVersion,
  type VersionDto,
} from '@continuum/registry';
import { notFound } from '../commands/command-error';
import { RegistryState } from '../state/registry-state';
import { ARTIFACT_STORE } from '../tokens';
import { toModelDto, toVersionDto } from './dto-mapping';

/** Reads, from this instance's fold of ct.model-versions (any instance answers them). */
@Injectable()
export class RegistryQueries {
  constructor(
    private readonly state: RegistryState,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** The version's reference profile JSON text: inline, or read from the artifact store (checksum verified). */
  async referenceProfile(modelId: string, version: string): Promise<string> {
    const v = this.find(modelId, version);
    if (v.referenceProfile !== null) return v.referenceProfile;
    if (v.referenceProfileRef === null)
      throw notFound(`version ${version} of model ${modelId} has no reference profile`);
    return (await this.store.get(v.referenceProfileRef)).toString('utf8');
  }

  models(): ModelDto[] {
    return this.state.view.models().map((m) => toModelDto(this.state.view, m));
  }

  model(modelId: string): ModelDto {
    const model = this.state.view.model(modelId);
    if (!model) throw notFound(`unknown model '${modelId}'`);
    return toModelDto(this.state.view, model);
  }

  versions(modelId: string, stage?: string): VersionDto[] {
    this.model(modelId);
    return this.state.view
      .versions(modelId)
      .filter((v) => stage === undefined || v.stage === stage)
      .map(toVersionDto);
  }

  version(modelId: string, version: string): VersionDto {
    return toVersionDto(this.find(modelId, version));
  }

  history(modelId: string, version: string): HistoryDto {
    return { modelId, version, transitions: this.find(modelId, version).history };
  }

  lineage(modelId: string, version: string): LineageDto {
    const v = this.find(modelId, version);
    const ancestors: string[] = [];
    const seen = new Set([version]);
    for (let p = v.parentVersion; p !== null && !seen.has(p);) {
      ancestors.push(p);
      seen.add(p);
      p = this.state.view.version(modelId, p)?.parentVersion ?? null;
    }
    return {
      modelId,
      version,
      parentVersion: v.parentVersion,
      strategy: v.strategy,
      lineage: v.lineage,
      trainingWindow: v.trainingWindow,
      ancestors,
    };
  }

  private find(modelId: string, version: string): ModelVersion {
    this.model(modelId);
    const v = this.state.view.version(modelId, version);
    if (!v) throw notFound(`model ${modelId} has no version '${version}'`);
    return v;
  }
}
