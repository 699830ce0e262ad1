/** Base class of the evaluator's own errors. */
export class EvaluatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value (config entry, stored state, partial) that cannot be used; the message names it. */
export class InvalidValueError extends EvaluatorError {
  constructor(
    readonly field: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${field} ${problem}`, options);
  }
}

/** Stored state that does not parse: the store is corrupt or was written by another version. */
export class CorruptStateError extends EvaluatorError {
  constructor(
    readonly key: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`state entry ${JSON.stringify(key)} ${problem}`, options);
  }
}
