import { InvalidInputError } from './errors';
import type { TimedExample } from './example';
import type { Task } from './models/labels';

/**
 * The fields of a `ct.examples` record (schemas/examples.avsc) a learner needs. @continuum/events
 * generates the whole record as `LabelledExample`; this library's `LabelledExample` is the
 * learner's example, so the record is called ExampleRecord here. Structural: the generated type
 * fits it without this pure library depending on the event codecs.
 */
export interface ExampleRecord {
  /** Event time of the prediction, epoch milliseconds: a training example's time. */
  readonly predictionTimestamp: number;
  readonly numeric: Readonly<Record<string, number | null>>;
  readonly categorical: Readonly<Record<string, string | null>>;
  readonly label: number | string;
}

/**
 * A `ct.examples` record as a learner's example: the trainer's training windows and the
 * promoter's paired scoring both go through this one function. The event time is the
 * prediction's (what the model saw then), not the label's.
 */
export function exampleFromRecord(record: ExampleRecord): TimedExample {
  const { predictionTimestamp, label } = record;
  if (typeof predictionTimestamp !== 'number' || !Number.isFinite(predictionTimestamp))
    throw new InvalidInputError(
      'predictionTimestamp',
      `must be a finite number, got ${String(predictionTimestamp)}`,
    );
  if (!((typeof label === 'number' && Number.isFinite(label)) || (typeof label === 'string' && label !== '')))
    throw new InvalidInputError(
      'label',
      `must be a finite number or a non-empty string, got ${String(label)}`,
    );
  return { timestamp: predictionTimestamp, numeric: record.numeric, categorical: record.categorical, label };
}

/** The registry's task names (`ModelTask` of @continuum/events), mapped to a learner's `Task`. */
const TASKS = {
  BINARY_CLASSIFICATION: 'binary',
  MULTICLASS_CLASSIFICATION: 'multiclass',
  REGRESSION: 'regression',
} as const satisfies Record<string, Task>;

export type RegisteredTask = keyof typeof TASKS;

/** The learner's task for a registered model's task. */
export function taskOfRegisteredTask(task: RegisteredTask): Task {
  const mapped = (TASKS as Record<string, Task | undefined>)[task];
  if (mapped === undefined)
    throw new InvalidInputError(
      'task',
      `must be one of ${Object.keys(TASKS).join(', ')}, got ${String(task)}`,
    );
  return mapped;
}

/** The registered task name of a learner's task. */
export function registeredTaskOf(task: Task): RegisteredTask {
  const found = (Object.keys(TASKS) as RegisteredTask[]).find((k) => TASKS[k] === task);
  if (found === undefined)
    throw new InvalidInputError('task', `must be binary, multiclass or regression, got ${String(task)}`);
  return found;
}
