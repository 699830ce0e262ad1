import { type TrainingMode, type WindowStrategy } from '@continuum/events';
import {
  INVALID,
  Problems,
  isMapping,
  onlyKnownKeys,
  trainingMode,
  windowStrategy,
} from '../policy/field-readers';

export interface RetrainBody {
  reason?: string;
  window?: WindowStrategy;
  mode?: TrainingMode;
}

const MAX_REASON = 1000;

/**
 * Reads the optional body of POST /models/{id}/retrain: `{ reason?, window?, mode? }`.
 * Returns the problems (each naming its field) when it is not usable.
 */
export function parseRetrainBody(body: unknown): { body: RetrainBody } | { problems: string[] } {
  if (body === undefined || body === null || (isMapping(body) && Object.keys(body).length === 0)) {
    return { body: {} };
  }
  const problems = new Problems();
  if (!isMapping(body))
    return { problems: ['body must be a JSON object: { "reason"?, "window"?, "mode"? }'] };
  onlyKnownKeys(body, '', ['reason', 'window', 'mode'], problems);
  const out: RetrainBody = {};
  if (body.reason !== undefined) {
    if (typeof body.reason !== 'string' || body.reason.length === 0 || body.reason.length > MAX_REASON) {
      problems.add('reason', `must be a non-empty string of at most ${MAX_REASON} characters`);
    } else out.reason = body.reason;
  }
  if (body.window !== undefined) {
    const window = windowStrategy(body.window, 'window', problems);
    if (window !== INVALID) out.window = window;
  }
  if (body.mode !== undefined) {
    const mode = trainingMode(body.mode, 'mode', problems);
    if (mode !== INVALID) out.mode = mode;
  }
  return problems.items.length > 0 ? { problems: problems.items } : { body: out };
}
