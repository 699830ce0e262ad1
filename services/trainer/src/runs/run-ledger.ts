import { type RetrainRequest, type TrainingOffsetRange, type TrainingRunEvent } from '@continuum/events';
import { type ModelTrainingPolicy } from '../policy/trainer-policy';

/** What an ACCEPTED event records: the request and the model's policy as they were accepted. */
export interface AcceptedRun {
  request: RetrainRequest;
  policy: ModelTrainingPolicy;
}

/** A run as the status topic tells it. */
export interface RunRecord {
  requestId: string;
  modelId: string;
  /** PENDING: accepted, no terminal event yet (a restarted trainer resumes it). */
  state: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  accepted: AcceptedRun | null;
  ranges: TrainingOffsetRange[];
  acceptedAt: number | null;
  version: string | null;
  reason: string | null;
}

/**
 * The fold of ct.training-runs: every request the trainers have answered or are answering. A
 * request id seen here is never accepted twice (a redelivered request is a duplicate); a run
 * ACCEPTED without SUCCEEDED or FAILED is pending. The first terminal event wins.
 */
export class RunLedger {
  private readonly runs = new Map<string, RunRecord>();

  apply(event: TrainingRunEvent): void {
    const known = this.runs.get(event.requestId);
    switch (event.status) {
      case 'ACCEPTED':
        if (known) return;
        this.runs.set(event.requestId, {
          requestId: event.requestId,
          modelId: event.modelId,
          state: 'PENDING',
          accepted: event.plan ? (JSON.parse(event.plan) as AcceptedRun) : null,
          ranges: event.ranges,
          acceptedAt: event.occurredAt,
          version: null,
          reason: null,
        });
        return;
      case 'SUCCEEDED':
      case 'FAILED': {
        if (known && known.state !== 'PENDING') return;
        this.runs.set(event.requestId, {
          requestId: event.requestId,
          modelId: event.modelId,
          accepted: known?.accepted ?? null,
          ranges: event.ranges.length > 0 ? event.ranges : (known?.ranges ?? []),
          acceptedAt: known?.acceptedAt ?? null,
          state: event.status,
          version: event.version,
          reason: event.reason,
        });
        return;
      }
      default:
        // PROGRESS and statuses this reader does not know change nothing.
        return;
    }
  }

  get(requestId: string): RunRecord | undefined {
    return this.runs.get(requestId);
  }

  /** Accepted runs without a result, oldest first. */
  pending(): RunRecord[] {
    return [...this.runs.values()]
      .filter((r) => r.state === 'PENDING')
      .sort((a, b) => (a.acceptedAt ?? 0) - (b.acceptedAt ?? 0));
  }
}
