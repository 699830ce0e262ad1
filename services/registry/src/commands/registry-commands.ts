import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Counter } from 'prom-client';
import { ArtifactKeyError, type ArtifactStore } from '@continuum/artifact-store';
import { ReferenceProfile } from '@continuum/drift';
import { type ModelVersionEvent, ModelVersionEventContract } from '@continuum/events';
import { EventProducer } from '@continuum/kafka';
import { LOGGER, type Logger, Metrics } from '@continuum/observability';
import {
  type ApplyResult,
  type ArtifactRef,
  type EventMeta,
  type ModelDto,
  type StageChangeDto,
  type VersionDto,
  artifactAttachedEvent,
  judgeRegistrationStage,
  judgeTransition,
  modelRegisteredEvent,
  stageChangedEvent,
  versionRegisteredEvent,
} from '@continuum/registry';
import { toModelDto, toVersionDto } from '../api/dto-mapping';
import {
  type ChangeStageInput,
  type CreateModelInput,
  type RegisterVersionInput,
} from '../api/request-validation';
import { type RegistryConfig } from '../registry.config';
import { PartitionOwnership } from '../state/partition-ownership';
import { RegistryState } from '../state/registry-state';
import { EventTimeoutError } from '../state/event-waiters';
import { ARTIFACT_STORE, REGISTRY_CONFIG } from '../tokens';
import { KeyedSerialQueue } from '@continuum/kafka';
import { CommandError, badRequest, notFound } from './command-error';

/**
 * The registry's commands. Each runs on the instance that writes the model (PartitionOwnership),
 * one at a time per model (a serial queue), is judged against the folded view (404, 409, 422), is
 * written to ct.model-versions with the model's next revision as its sequence, and answers only
 * once the event has come back through the fold: the fold's verdict is the answer, so a writer
 * that lost a race (another instance wrote that revision first) answers 409, never a false 200.
 */
@Injectable()
export class RegistryCommands {
  private readonly queue = new KeyedSerialQueue();
  private readonly outcomes: Counter<'command' | 'outcome'>;

  constructor(
    private readonly state: RegistryState,
    private readonly ownership: PartitionOwnership,
    private readonly producer: EventProducer,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter(
      'continuum_registry_commands_total',
      'Registry commands by command and outcome (ok, or the error code).',
      ['command', 'outcome'],
    );
  }

  createModel(input: CreateModelInput): Promise<ModelDto> {
    return this.command('create_model', input.modelId, async () => {
      const existing = this.state.view.model(input.modelId);
      if (existing?.explicit) {
        throw new CommandError(409, 'MODEL_EXISTS', `model ${input.modelId} is registered already`);
      }
      await this.write(input.modelId, (meta) => modelRegisteredEvent(meta, input), input.owner);
      return toModelDto(this.state.view, this.state.view.model(input.modelId)!);
    });
  }

  registerVersion(
    modelId: string,
    input: RegisterVersionInput,
  ): Promise<{ version: VersionDto; created: boolean }> {
    return this.command('register_version', modelId, async () => {
      const view = this.state.view;
      if (!view.model(modelId))
        throw notFound(`unknown model '${modelId}': register it with POST /models first`);
      if (input.idempotencyKey !== null) {
        const known = view.versionForIdempotencyKey(modelId, input.idempotencyKey);
        if (known) return { version: toVersionDto(known), created: false };
      }
      if (input.parentVersion !== null && !view.version(modelId, input.parentVersion)) {
        throw badRequest(
          'parentVersion',
          `parentVersion ${input.parentVersion} is not a version of model ${modelId}`,
        );
      }
      const version = view.nextVersionNumber(modelId);
      const verdict = judgeRegistrationStage(
        version,
        input.stage,
        input.strategy,
        view.champion(modelId)?.version ?? null,
      );
      if (!verdict.ok) throw new CommandError(422, verdict.refusal, verdict.message, 'stage');
      const profile = await this.profilePayload(modelId, version, input.referenceProfile);
      const metrics = await this.metricsPayload(modelId, version, input.metrics);
      await this.write(
        modelId,
        (meta) =>
          versionRegisteredEvent(meta, {
            modelId,
            version,
            parentVersion: input.parentVersion,
            strategy: input.strategy,
            stage: input.stage,
            lineage: input.lineage,
            trainingWindow: input.trainingWindow,
            ...metrics,
            ...profile,
            artifact: input.artifact,
            idempotencyKey: input.idempotencyKey,
            reason: input.reason,
          }),
        input.actor,
      );
      return { version: toVersionDto(view.version(modelId, version)!), created: true };
    });
  }

  changeStage(modelId: string, version: string, input: ChangeStageInput): Promise<StageChangeDto> {
    return this.command('change_stage', modelId, async () => {
      const view = this.state.view;
      const current = this.existingVersion(modelId, version);
      const revision = view.revision(modelId);
      if (input.expectedRevision !== null && input.expectedRevision !== revision) {
        throw new CommandError(
          409,
          'STALE_REVISION',
          `model ${modelId} is at revision ${revision}, not the expected ${input.expectedRevision}: read it again and decide anew`,
        );
      }
      const verdict = judgeTransition({
        version,
        from: current.stage,
        to: input.stage,
        champion: view.champion(modelId)?.version ?? null,
      });
      if (!verdict.ok) throw new CommandError(422, verdict.refusal, verdict.message, 'stage');
      const result = await this.write(
        modelId,
        (meta) => stageChangedEvent(meta, { modelId, version, ...input }),
        input.actor,
      );
      return {
        version: toVersionDto(view.version(modelId, version)!),
        archived: verdict.archives,
        revision: result.revision,
      };
    });
  }

  /** Stores the bytes as the version's artifact and records it with an ARTIFACT_ATTACHED event. */
  uploadArtifact(modelId: string, version: string, bytes: Buffer): Promise<ArtifactRef> {
    return this.command('upload_artifact', modelId, async () => {
      const current = this.existingVersion(modelId, version);
      if (bytes.length === 0) throw badRequest('body', 'the artifact body is empty');
      const artifact = await this.put(
        `models/${modelId}/${version}/artifact.bin`,
        bytes,
        'application/octet-stream',
      );
      await this.write(
        modelId,
        (meta) => artifactAttachedEvent(meta, { modelId, version, stage: current.stage, artifact }),
        'api',
      );
      return artifact;
    });
  }

  private existingVersion(modelId: string, version: string) {
    if (!this.state.view.model(modelId)) throw notFound(`unknown model '${modelId}'`);
    const v = this.state.view.version(modelId, version);
    if (!v) throw notFound(`model ${modelId} has no version '${version}'`);
    return v;
  }

  private async command<T>(name: string, modelId: string, job: () => Promise<T>): Promise<T> {
    try {
      const ownership = this.ownership.ownerOf(modelId);
      if (!ownership.owned) throw new CommandError(421, 'NOT_OWNER', ownership.detail);
      const result = await this.queue.run(modelId, job);
      this.outcomes.inc({ command: name, outcome: 'ok' });
      return result;
    } catch (error) {
      this.outcomes.inc({ command: name, outcome: error instanceof CommandError ? error.code : 'error' });
      throw error;
    }
  }

  /** Writes the event with the model's next revision as sequence and returns the fold's verdict. */
  private async write(
    modelId: string,
    build: (meta: EventMeta) => ModelVersionEvent,
    actor: string,
  ): Promise<Extract<ApplyResult, { applied: true }>> {
    const event = build({
      eventId: randomUUID(),
      occurredAt: Date.now(),
      actor,
      sequence: this.state.view.revision(modelId) + 1,
    });
    const size = ModelVersionEventContract.type.toBuffer(event).length;
    if (size > this.config.maxEventBytes) {
      throw new CommandError(
        413,
        'EVENT_TOO_LARGE',
        `the event would be ${size} bytes, above REGISTRY_MAX_EVENT_BYTES (${this.config.maxEventBytes}); large profiles and metrics go to the artifact store, so the contract or lineage is too large`,
      );
    }
    const outcome = this.state.outcome(event.eventId);
    try {
      await this.producer.send(this.state.topic, ModelVersionEventContract, [{ key: modelId, value: event }]);
    } catch (error) {
      this.state.cancel(event.eventId);
      throw error;
    }
    let result: ApplyResult;
    try {
      result = await outcome;
    } catch (error) {
      if (error instanceof EventTimeoutError) throw new CommandError(503, 'WRITE_TIMEOUT', error.message);
      throw error;
    }
    if (result.applied) return result;
    this.logger.info(
      { modelId, eventId: event.eventId, refusal: result.refusal },
      'own event refused by the fold',
    );
    if (result.refusal === 'STALE_SEQUENCE' || result.refusal === 'DUPLICATE_IDEMPOTENCY_KEY') {
      throw new CommandError(
        409,
        'CONCURRENT_CHANGE',
        `another change to model ${modelId} won the race: ${result.message}`,
      );
    }
    throw new CommandError(422, result.refusal, result.message);
  }

  private async put(key: string, bytes: Uint8Array, contentType: string): Promise<ArtifactRef> {
    try {
      return await this.store.put(key, bytes, { contentType });
    } catch (error) {
      if (error instanceof ArtifactKeyError) throw badRequest('version', error.message);
      throw error;
    }
  }

  private async profilePayload(
    modelId: string,
    version: string,
    raw: Record<string, unknown> | null,
  ): Promise<{ referenceProfile: string | null; referenceProfileRef: ArtifactRef | null }> {
    if (raw === null) return { referenceProfile: null, referenceProfileRef: null };
    const json = JSON.stringify(raw);
    try {
      ReferenceProfile.fromJSON(json);
    } catch (error) {
      throw badRequest(
        'referenceProfile',
        `referenceProfile is not a valid libs/drift ReferenceProfile: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (Buffer.byteLength(json) <= this.config.inlineLimitBytes)
      return { referenceProfile: json, referenceProfileRef: null };
    const ref = await this.put(
      `models/${modelId}/${version}/reference-profile.json`,
      Buffer.from(json),
      'application/json',
    );
    return { referenceProfile: null, referenceProfileRef: ref };
  }

  private async metricsPayload(
    modelId: string,
    version: string,
    metrics: Record<string, number>,
  ): Promise<{ metrics: Record<string, number>; metricsRef: ArtifactRef | null }> {
    const json = JSON.stringify(metrics);
    if (Buffer.byteLength(json) <= this.config.inlineLimitBytes) return { metrics, metricsRef: null };
    const ref = await this.put(
      `models/${modelId}/${version}/metrics.json`,
      Buffer.from(json),
      'application/json',
    );
    return { metrics: {}, metricsRef: ref };
  }
}
