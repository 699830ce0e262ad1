import {
  type TrainingFailureKind,
  type TrainingOffsetRange,
  type TrainingProgress,
  type TrainingRunEvent,
  type TrainingRunStatus,
} from '@continuum/events';
import { type AcceptedRun } from './run-ledger';

/** The fields every status event of a run has. */
export interface RunIdentity {
  requestId: string;
  modelId: string;
  instance: string;
}

function event(
  id: RunIdentity,
  status: TrainingRunStatus,
  at: number,
  suffix: string,
  fields: Partial<TrainingRunEvent> = {},
): TrainingRunEvent {
  return {
    eventId: `${id.requestId}|${status}${suffix}`,
    requestId: id.requestId,
    modelId: id.modelId,
    status,
    occurredAt: at,
    instance: id.instance,
    plan: null,
    ranges: [],
    progress: null,
    version: null,
    artifactUri: null,
    metrics: {},
    failure: null,
    reason: null,
    ...fields,
  };
}

export function acceptedEvent(
  id: RunIdentity,
  accepted: AcceptedRun,
  ranges: TrainingOffsetRange[],
  at: number,
): TrainingRunEvent {
  return event(id, 'ACCEPTED', at, '', { plan: JSON.stringify(accepted), ranges });
}

export function progressEvent(id: RunIdentity, progress: TrainingProgress, at: number): TrainingRunEvent {
  return event(id, 'PROGRESS', at, `|${at}`, { progress });
}

export function succeededEvent(
  id: RunIdentity,
  result: {
    version: string;
    artifactUri: string | null;
    metrics: Record<string, number>;
    ranges: TrainingOffsetRange[];
  },
  at: number,
): TrainingRunEvent {
  return event(id, 'SUCCEEDED', at, '', {
    version: result.version,
    artifactUri: result.artifactUri,
    metrics: result.metrics,
    ranges: result.ranges,
  });
}

export function failedEvent(
  id: RunIdentity,
  failure: TrainingFailureKind,
  reason: string,
  at: number,
): TrainingRunEvent {
  return event(id, 'FAILED', at, '', { failure, reason });
}
