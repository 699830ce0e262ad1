import { createHash } from 'node:crypto';

/**
 * Deterministic request id: the same model and occasion (a report id, a cron slot, a client's
 * idempotency key) always give the same id, so a request re-raised after a crash is recognised
 * as one already emitted.
 */
export function requestIdFor(modelId: string, occasion: string): string {
  return `rr-${createHash('sha256').update(modelId).update('\n').update(occasion).digest('hex').slice(0, 32)}`;
}
