import { randomUUID } from 'node:crypto';
import { type Prediction } from '@continuum/events';
import {
  type ContractViolation,
  type Example,
  InvalidInputError,
  type ServingOutput,
} from '@continuum/learning';
import { type ModelTable } from './model-table';
import { type PredictionPublisher, PublishOverloadError } from './prediction-publisher';
import { type ShadowJob, type ShadowQueue } from './shadow-queue';
import { type ServedVersion } from './served-version';

/** One event to score, as the HTTP body or a ScoringRequest carries it (shape already checked). */
export interface ScoringInstance {
  /** The caller's id for the event; generated (UUID) when absent. */
  readonly eventId?: string;
  /** Event time, epoch ms; default: now. */
  readonly timestamp?: number;
  readonly entityId?: string | null;
  readonly numeric: Readonly<Record<string, number | null>>;
  readonly categorical: Readonly<Record<string, string | null>>;
  readonly segments: Readonly<Record<string, string>>;
}

export interface ScoredEvent {
  readonly eventId: string;
  readonly output: ServingOutput;
}

/**
 * A violation of the model's contract by instance `index` of the request: a ContractViolation's
 * kind, or `rejected-by-pipeline` when the model's own pipeline refused a value.
 */
export interface IndexedViolation {
  readonly index: number;
  readonly feature: string;
  readonly kind: ContractViolation['kind'] | 'rejected-by-pipeline';
  readonly message: string;
}

export type ScoreOutcome =
  | { status: 'OK'; modelId: string; version: string; predictions: ScoredEvent[] }
  | { status: 'INVALID_INPUT'; modelId: string; version: string; violations: IndexedViolation[] }
  | { status: 'UNKNOWN_MODEL'; modelId: string; message: string }
  | { status: 'MODEL_UNAVAILABLE'; modelId: string; message: string }
  | { status: 'OVERLOADED'; modelId: string; message: string }
  | { status: 'ERROR'; modelId: string; message: string };

/** Where the scorer reports what it did (Prometheus in the service, recorders in tests). */
export interface ScorerObserver {
  scored?(
    modelId: string,
    version: string,
    status: ScoreOutcome['status'],
    events: number,
    seconds: number,
  ): void;
  rejected?(modelId: string, status: ScoreOutcome['status']): void;
  violation?(modelId: string, version: string, feature: string, kind: string): void;
  shadowScored?(modelId: string, version: string, events: number, lagSeconds: number): void;
  shadowFailed?(modelId: string, version: string, error: unknown): void;
  shadowDropped?(modelId: string, events: number): void;
  publishFailed?(modelId: string, role: 'CHAMPION' | 'SHADOW', events: number, error: unknown): void;
}

export interface ScorerOptions {
  /** Wait for the broker's acknowledgement of the prediction before answering (default true). */
  readonly awaitPublish?: boolean;
  /** Longest wait for that acknowledgement before answering ERROR (default 5,000 ms). */
  readonly publishTimeoutMs?: number;
  /** Wall clock, epoch ms (prediction timestamps). */
  readonly clock?: () => number;
  /** Monotonic clock, ms (latency). */
  readonly monotonic?: () => number;
  readonly newEventId?: () => string;
}

/**
 * Scores events with a model's champion: checks them against its contract, predicts, hands the
 * same events to the shadows (off the request path), publishes the champion's predictions to
 * ct.predictions and answers once the broker has them. Shadow predictions are published with their
 * own version and never reach the caller.
 */
export class Scorer {
  private readonly awaitPublish: boolean;
  private readonly publishTimeoutMs: number;
  private readonly clock: () => number;
  private readonly monotonic: () => number;
  private readonly newEventId: () => string;

  constructor(
    private readonly table: ModelTable,
    private readonly publisher: PredictionPublisher,
    private readonly shadows: ShadowQueue,
    /** Whether the registry knows the model (404 vs 503 when nothing is loaded). */
    private readonly isKnownModel: (modelId: string) => boolean,
    private readonly observer: ScorerObserver = {},
    options: ScorerOptions = {},
  ) {
    this.awaitPublish = options.awaitPublish ?? true;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.clock = options.clock ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.newEventId = options.newEventId ?? randomUUID;
  }

  /**
   * `awaitPublish` overrides the scorer's setting for this call: the Kafka request/response mode
   * always waits, since its offsets may only be committed once the predictions are acknowledged.
   */
  async score(
    modelId: string,
    instances: readonly ScoringInstance[],
    { awaitPublish = this.awaitPublish }: { awaitPublish?: boolean } = {},
  ): Promise<ScoreOutcome> {
    const started = this.monotonic();
    const champion = this.table.champion(modelId);
    if (!champion) {
      const outcome: ScoreOutcome = this.isKnownModel(modelId)
        ? { status: 'MODEL_UNAVAILABLE', modelId, message: `model ${modelId} has no champion loaded yet` }
        : { status: 'UNKNOWN_MODEL', modelId, message: `unknown model ${modelId}` };
      this.observer.rejected?.(modelId, outcome.status);
      return outcome;
    }
    const version = champion.version;
    const done = (outcome: ScoreOutcome): ScoreOutcome => {
      this.observer.scored?.(
        modelId,
        version,
        outcome.status,
        instances.length,
        (this.monotonic() - started) / 1000,
      );
      return outcome;
    };

    let outputs: ServingOutput[];
    champion.acquire();
    try {
      const violations = this.violations(champion, instances);
      if (violations.length > 0) return done({ status: 'INVALID_INPUT', modelId, version, violations });
      try {
        outputs = champion.model.predict(instances);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // The pipeline refused a value the contract allowed (e.g. an unknown category): still the input.
        const violation = pipelineViolation(error);
        this.observer.violation?.(modelId, version, violation.feature, violation.kind);
        return done({ status: 'INVALID_INPUT', modelId, version, violations: [violation] });
      }
    } catch (error) {
      return done({ status: 'ERROR', modelId, message: `prediction failed: ${message(error)}` });
    } finally {
      champion.release();
    }

    const now = this.clock();
    const eventIds = instances.map((i) => i.eventId ?? this.newEventId());
    const timestamps = instances.map((i) => i.timestamp ?? now);
    const records = outputs.map((output, r) =>
      this.record(modelId, version, instances[r], eventIds[r], timestamps[r], output),
    );
    this.offerShadows(modelId, instances, eventIds, timestamps);

    const published = this.publisher.publish(records);
    if (awaitPublish) {
      try {
        await withTimeout(published, this.publishTimeoutMs);
      } catch (error) {
        this.observer.publishFailed?.(modelId, 'CHAMPION', records.length, error);
        if (error instanceof PublishOverloadError)
          return done({ status: 'OVERLOADED', modelId, message: error.message });
        return done({
          status: 'ERROR',
          modelId,
          message: `prediction not published to Kafka: ${message(error)}`,
        });
      }
    } else {
      published.catch((error: unknown) =>
        this.observer.publishFailed?.(modelId, 'CHAMPION', records.length, error),
      );
    }
    return done({
      status: 'OK',
      modelId,
      version,
      predictions: outputs.map((output, r) => ({ eventId: eventIds[r], output })),
    });
  }

  /**
   * Runs shadow jobs of one model and one set of shadows (the queue batches them): each shadow
   * scores all their events in one call and its predictions go out in one publish; they are
   * published, never returned.
   */
  runShadow(jobs: readonly ShadowJob[]): void {
    if (jobs.length === 0) return;
    const { modelId, versions } = jobs[0];
    for (const shadow of versions) {
      try {
        const inputs: Example[] = [];
        const at: Array<[ShadowJob, number]> = [];
        const scoredPerJob = new Array<number>(jobs.length).fill(0);
        jobs.forEach((job, j) => {
          job.inputs.forEach((input, r) => {
            const violations = shadow.validator.validate(input);
            for (const v of violations) this.observer.violation?.(modelId, shadow.version, v.feature, v.kind);
            if (violations.length > 0) return;
            inputs.push(input);
            at.push([job, r]);
            scoredPerJob[j] += 1;
          });
        });
        const outputs = shadow.model.predict(inputs);
        const records = outputs.map((output, k) => {
          const [job, r] = at[k];
          return this.record(
            modelId,
            shadow.version,
            { ...(job.inputs[r] as ScoringInstance), entityId: job.entityIds[r], segments: job.segments[r] },
            job.eventIds[r],
            job.timestamps[r],
            output,
          );
        });
        const now = this.monotonic();
        jobs.forEach((job, j) =>
          this.observer.shadowScored?.(
            modelId,
            shadow.version,
            scoredPerJob[j],
            (now - job.enqueuedAt) / 1000,
          ),
        );
        this.publisher
          .publish(records, { shadow: true })
          .catch((error: unknown) => this.observer.publishFailed?.(modelId, 'SHADOW', records.length, error));
      } catch (error) {
        // Counted per request, as when each job ran alone.
        for (let j = 0; j < jobs.length; j++) this.observer.shadowFailed?.(modelId, shadow.version, error);
      }
    }
  }

  private offerShadows(
    modelId: string,
    instances: readonly ScoringInstance[],
    eventIds: string[],
    timestamps: number[],
  ): void {
    const shadows = this.table.shadows(modelId);
    if (shadows.length === 0) return;
    for (const s of shadows) s.acquire();
    const accepted = this.shadows.offer({
      modelId,
      versions: shadows,
      inputs: instances,
      eventIds,
      timestamps,
      entityIds: instances.map((i) => i.entityId ?? null),
      segments: instances.map((i) => i.segments),
      enqueuedAt: this.monotonic(),
    });
    if (!accepted) this.observer.shadowDropped?.(modelId, instances.length);
  }

  private violations(champion: ServedVersion, instances: readonly ScoringInstance[]): IndexedViolation[] {
    const all: IndexedViolation[] = [];
    for (let index = 0; index < instances.length; index++) {
      const found = champion.validator.validate(instances[index]);
      for (const v of found) {
        this.observer.violation?.(champion.modelId, champion.version, v.feature, v.kind);
        all.push({ ...v, index });
      }
    }
    return all;
  }

  private record(
    modelId: string,
    version: string,
    instance: ScoringInstance,
    eventId: string,
    timestamp: number,
    output: ServingOutput,
  ): Prediction {
    return {
      eventId,
      modelId,
      modelVersion: version,
      timestamp,
      entityId: instance.entityId ?? null,
      numeric: instance.numeric as Record<string, number | null>,
      categorical: instance.categorical as Record<string, string | null>,
      segments: instance.segments as Record<string, string>,
      output: {
        score: output.score,
        predictedClass: output.predictedClass,
        classProbabilities: output.classProbabilities,
      },
    };
  }
}

/** A pipeline refusal (`examples[3].country: unknown category 'x'`) as a violation naming the feature. */
function pipelineViolation(error: InvalidInputError): IndexedViolation {
  const match = /^examples\[(\d+)\]\.(?:numeric\.|categorical\.)?(.+)$/.exec(error.field);
  return {
    index: match ? Number(match[1]) : 0,
    feature: match ? match[2] : error.field,
    kind: 'rejected-by-pipeline',
    message: error.message,
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
