import { Inject, Injectable } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import {
  type HistoryDto,
  type LineageDto,
  type ModelDto,
  type ModelVersion,
  type VersionDto,
} from '@continuum/registry';
import {
  type ReferenceProfileJSON,
  SampleColumnTypes,
  SampleEstimationRows,
  absentContractFeatures,
  planSampleColumns,
  sampleProfileBuilder,
  sampleRowEvent,
} from '@continuum/drift';
import { CommandError, badRequest, notFound } from '../commands/command-error';
import { RegistryState } from '../state/registry-state';
import { ARTIFACT_STORE } from '../tokens';
import { toModelDto, toVersionDto } from './dto-mapping';
import { type ProfileSampleInput } from './request-validation';

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

  /**
   * A reference profile of sample rows (the training data of a model trained elsewhere), built as
   * `continuum profile build` does: typed by the model's registered contract (by the data when it
   * has none), with @continuum/drift's sample rows and ReferenceProfileBuilder. Nothing is stored:
   * the caller registers a version with it.
   */
  profileFromSample(modelId: string, sample: ProfileSampleInput): ProfileFromSampleDto {
    const model = this.state.view.model(modelId);
    if (!model) throw notFound(`unknown model '${modelId}'`);
    const types = new SampleColumnTypes();
    for (const row of sample.rows) types.observe(row);
    const columns = new Set(types.columns);
    const missingTag = sample.segmentBy.find((key) => !columns.has(key));
    if (missingTag !== undefined) throw badRequest('segmentBy', `no row has the column '${missingTag}'`);
    if (sample.prediction !== undefined && !columns.has(sample.prediction))
      throw badRequest('prediction', `no row has the column '${sample.prediction}'`);
    if (sample.label !== undefined && !columns.has(sample.label))
      throw badRequest('label', `no row has the column '${sample.label}'`);
    const contract = model.contract ?? undefined;
    const plan = planSampleColumns(types, { ...sample, contract });
    if (plan.numeric.length + plan.categorical.length === 0) {
      throw new CommandError(
        422,
        'NO_FEATURES',
        `no feature of ${modelId} in the sample (columns: ${types.columns.join(', ')})`,
      );
    }
    const builder = sampleProfileBuilder(sample);
    const labelled = new SampleEstimationRows(plan);
    for (const row of sample.rows) {
      const event = sampleRowEvent(row, plan);
      builder.observe(event);
      labelled.observe(row, event);
    }
    let profile = builder.build();
    let estimationProblem: string | undefined;
    if (sample.label !== undefined) {
      const fitted = labelled.fit();
      if ('problem' in fitted) estimationProblem = fitted.problem;
      else profile = profile.withPerformanceEstimation(fitted.estimation);
    }
    return {
      profile: profile.toJSON(),
      ...(estimationProblem !== undefined ? { estimationProblem } : {}),
      typedBy: contract ? 'contract' : 'data',
      ignored: plan.ignored,
      absentFeatures: absentContractFeatures(types, contract),
    };
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

/** What `POST /models/{modelId}/reference-profile` answers. */
export interface ProfileFromSampleDto {
  profile: ReferenceProfileJSON;
  /** Where the column types came from: the model's contract, or the data (a model without one). */
  typedBy: 'contract' | 'data';
  /** Columns not profiled, and why. */
  ignored: Array<{ column: string; why: string }>;
  /** Contract features the sample does not have (profiled as always missing). */
  absentFeatures: string[];
  /** Why the profile has no performance-estimation reference although a label column was given. */
  estimationProblem?: string;
}
