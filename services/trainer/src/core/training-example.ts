import { type LabelledExample as ExampleEvent } from '@continuum/events';
import { type TimedExample } from '@continuum/learning';

/** A ct.examples record as the trainer keeps it: the learning shape plus where it came from. */
export interface TrainingExample extends TimedExample {
  /** The prediction's event id: the evaluator may write an example twice (at-least-once). */
  readonly eventId: string;
  readonly partition: number;
  readonly offset: number;
  readonly label: number | string;
  /** Segment tags of the prediction (absent when none): the reference profile's segment references read them. */
  readonly segments?: Readonly<Record<string, string>>;
}

/** The ct.examples event as a training example (event time = the prediction's time). */
export function toTrainingExample(event: ExampleEvent, partition: number, offset: number): TrainingExample {
  return {
    eventId: event.eventId,
    timestamp: event.predictionTimestamp,
    numeric: event.numeric,
    categorical: event.categorical,
    label: event.label,
    partition,
    offset,
    ...(Object.keys(event.segments).length > 0 ? { segments: event.segments } : {}),
  };
}

/**
 * The total order of the trainer: event time, then partition, then offset. Every selection and
 * every training set is sorted by it, so the same records give the same model whatever order the
 * partitions were read in.
 */
export function compareExamples(a: TrainingExample, b: TrainingExample): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;
}

/**
 * Drops repeated event ids (the evaluator writes ct.examples at least once: a crash can repeat
 * its batch in flight), keeping the first in the total order.
 */
export function withoutDuplicates(sorted: readonly TrainingExample[]): TrainingExample[] {
  const seen = new Set<string>();
  return sorted.filter((e) => (seen.has(e.eventId) ? false : (seen.add(e.eventId), true)));
}
