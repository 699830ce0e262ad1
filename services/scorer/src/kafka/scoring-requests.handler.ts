import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  type ScoringRequest,
  type ScoringResponse,
  ScoringResponseContract,
  topicName,
} from '@continuum/events';
import { type ConsumedRecord, EventProducer } from '@continuum/kafka';
import { type BatchPatternOptions } from '@continuum/kafka/nest';
import { type ScoreOutcome, type ScoringInstance } from '../serving/scorer';
import { ServingRuntime } from '../serving/serving-runtime';

/**
 * Offsets are committed when the handler returns, so it waits for its predictions' acknowledgement
 * whatever SCORER_AWAIT_PUBLISH says (that setting is about HTTP answers).
 */
const AWAIT_PREDICTIONS = { awaitPublish: true } as const;

/**
 * The Kafka request/response mode: each ScoringRequest on ct.scoring-requests is scored like an
 * HTTP request and answered on ct.scoring-responses under the same eventId. Requests of a batch
 * are scored together per model; when one of them breaks the contract, that model's requests are
 * scored one by one so each gets its own answer. Offsets are committed after the answers are
 * acknowledged (at-least-once: a redelivered request is answered, and predicted, again).
 */
@Controller()
export class ScoringRequestsHandler {
  constructor(
    private readonly runtime: ServingRuntime,
    private readonly producer: EventProducer,
  ) {}

  @EventPattern('scoringRequests', { batch: true } satisfies BatchPatternOptions<ScoringRequest>)
  async handle(@Payload() records: Array<ConsumedRecord<ScoringRequest>>): Promise<void> {
    const byModel = new Map<string, ScoringRequest[]>();
    for (const { value } of records) {
      const list = byModel.get(value.modelId) ?? [];
      list.push(value);
      byModel.set(value.modelId, list);
    }
    const responses: ScoringResponse[] = [];
    for (const [modelId, requests] of byModel) {
      const instances = requests.map(toInstance);
      const outcome = retriable(await this.runtime.score(modelId, instances, AWAIT_PREDICTIONS));
      if (outcome.status === 'INVALID_INPUT' && requests.length > 1) {
        for (const instance of instances)
          responses.push(
            ...toResponses(retriable(await this.runtime.score(modelId, [instance], AWAIT_PREDICTIONS)), [
              instance,
            ]),
          );
      } else responses.push(...toResponses(outcome, instances));
    }
    await this.producer.send(
      topicName('scoringResponses'),
      ScoringResponseContract,
      responses.map((r) => ({ key: r.eventId, value: r })),
    );
  }
}

/**
 * A full publisher or a prediction the broker did not take fails the batch, which is then
 * redelivered (its offsets are not committed), rather than answering ERROR to a request that
 * would succeed a moment later.
 */
function retriable(outcome: ScoreOutcome): ScoreOutcome {
  if (
    outcome.status === 'OVERLOADED' ||
    (outcome.status === 'ERROR' && outcome.message.startsWith('prediction not published'))
  )
    throw new Error(`scoring request batch not answered, will be retried: ${outcome.message}`);
  return outcome;
}

function toInstance(request: ScoringRequest): ScoringInstance {
  return {
    eventId: request.eventId,
    timestamp: request.timestamp ?? undefined,
    entityId: request.entityId,
    numeric: request.numeric,
    categorical: request.categorical,
    segments: request.segments,
  };
}

function toResponses(outcome: ScoreOutcome, instances: readonly ScoringInstance[]): ScoringResponse[] {
  const respondedAt = Date.now();
  const base = (instance: ScoringInstance) => ({
    eventId: instance.eventId as string,
    modelId: outcome.modelId,
    respondedAt,
    violations: [],
    error: null,
    output: null,
    modelVersion: null,
  });
  switch (outcome.status) {
    case 'OK':
      return outcome.predictions.map((p, i) => ({
        ...base(instances[i]),
        status: 'OK',
        modelVersion: outcome.version,
        output: p.output,
      }));
    case 'INVALID_INPUT':
      return instances.map((instance) => ({
        ...base(instance),
        status: 'INVALID_INPUT',
        modelVersion: outcome.version,
        violations: outcome.violations.map((v) => ({ feature: v.feature, kind: v.kind, message: v.message })),
        error: outcome.violations[0]?.message ?? 'invalid input',
      }));
    case 'UNKNOWN_MODEL':
    case 'MODEL_UNAVAILABLE':
      return instances.map((instance) => ({
        ...base(instance),
        status: outcome.status,
        error: outcome.message,
      }));
    case 'OVERLOADED': // thrown by retriable(); kept for exhaustiveness
    case 'ERROR':
      return instances.map((instance) => ({ ...base(instance), status: 'ERROR', error: outcome.message }));
  }
}
