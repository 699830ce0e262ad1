/** A label: a number (regression value, or class code) or a class name. */
export type Label = number | string;

/**
 * One observation in the domain shape of `ct.features` / `ct.examples`: named numeric and
 * categorical values, either of which may be missing (`null`, absent, or NaN for numbers).
 * Extra fields (eventId, modelId, prediction, ...) are allowed and ignored.
 */
export interface Example {
  /** Event time, epoch milliseconds. Required by the window strategies, unused by models. */
  readonly timestamp?: number;
  readonly numeric?: Readonly<Record<string, number | null | undefined>>;
  readonly categorical?: Readonly<Record<string, string | null | undefined>>;
}

/** An example with its ground truth (a `ct.examples` record). */
export interface LabelledExample extends Example {
  readonly label: Label | boolean;
  /** Optional non-negative training weight (e.g. from a representative subsample). */
  readonly weight?: number;
}

/** A labelled example that carries its event time. */
export interface TimedExample extends LabelledExample {
  readonly timestamp: number;
}
