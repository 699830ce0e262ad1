import { type MonitorSource, type MonitorStream, type MonitorSubject } from '@continuum/events';

/** The segment every event counts in. */
export const ALL_TRAFFIC = '*';

/** What a reference profile belongs to: a model version's predictions, or a model's feature observations. */
export type Subject = MonitorSubject;
/** A subject in one segment: what one window (and one drift report) describes. */
export type Stream = MonitorStream;
export type Source = MonitorSource;

export function predictionsSubject(modelId: string, modelVersion: string): Subject {
  return { modelId, source: 'PREDICTIONS', modelVersion };
}

export function featuresSubject(modelId: string): Subject {
  return { modelId, source: 'FEATURES', modelVersion: '' };
}

/** Unambiguous map key of a subject (model ids and versions may contain any character). */
export function subjectKey(s: Subject): string {
  return JSON.stringify([s.modelId, s.source, s.modelVersion]);
}

export function streamKey(s: Stream): string {
  return JSON.stringify([s.subject.modelId, s.subject.source, s.subject.modelVersion, s.segment]);
}

/** Deterministic id of a window of a stream: the same on every instance and in every run. */
export function windowKey(stream: Stream, start: number, end: number): string {
  return `${streamKey(stream)}@${start}-${end}`;
}
