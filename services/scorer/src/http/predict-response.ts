import { type JsonAnswer } from '@continuum/observability';
import { type ScoreOutcome } from '../serving/scorer';

/**
 * An outcome as HTTP: 200 with the prediction(s) and their event ids; 400 naming each violated
 * feature; 404 unknown model; 503 (with Retry-After) while no champion is loaded, when the
 * publisher is full or the prediction could not be published; 500 only for a prediction error.
 */
export function httpAnswer(outcome: ScoreOutcome, batch: boolean): JsonAnswer {
  switch (outcome.status) {
    case 'OK': {
      const headers = { 'x-model-version': outcome.version };
      if (batch)
        return {
          status: 200,
          headers,
          body: { modelId: outcome.modelId, modelVersion: outcome.version, predictions: outcome.predictions },
        };
      const [only] = outcome.predictions;
      return {
        status: 200,
        headers,
        body: {
          eventId: only.eventId,
          modelId: outcome.modelId,
          modelVersion: outcome.version,
          output: only.output,
        },
      };
    }
    case 'INVALID_INPUT': {
      const first = outcome.violations[0];
      const where = batch ? `instances[${first.index}]: ` : '';
      return {
        status: 400,
        headers: { 'x-model-version': outcome.version },
        body: {
          error: `input violates the contract of model ${outcome.modelId} version ${outcome.version}: ${where}${first.message}${outcome.violations.length > 1 ? ` (and ${outcome.violations.length - 1} more)` : ''}`,
          field: batch ? `instances[${first.index}].${first.feature}` : first.feature,
          violations: outcome.violations.map((v) =>
            batch ? v : { feature: v.feature, kind: v.kind, message: v.message },
          ),
        },
      };
    }
    case 'UNKNOWN_MODEL':
      return { status: 404, headers: {}, body: { error: outcome.message } };
    case 'MODEL_UNAVAILABLE':
    case 'OVERLOADED':
      return { status: 503, headers: { 'retry-after': '1' }, body: { error: outcome.message } };
    case 'ERROR':
      return {
        status: outcome.message.startsWith('prediction not published') ? 503 : 500,
        headers: {},
        body: { error: outcome.message },
      };
  }
}
