import { type LabelledExample as ExampleEvent } from '@continuum/events';
import { type TimedExample } from '@continuum/learning';

/** A ct.examples record as the trainer keeps it: the learning shape plus where it came from. */
export interface TrainingExample extends TimedExample {
  readonly partition: number;
  readonly offset: number;
  readonly label: number | string;
}

/** The ct.examples event as a training example (event time = the prediction's time). */
export function toTrainingExample(event: ExampleEvent, partition: number, offset: number): TrainingExample {
  return {
    timestamp: event.predictionTimestamp,
    numeric: event.numeric,
    categorical: event.categorical,
    label: event.label,
    partition,
    offset,
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
