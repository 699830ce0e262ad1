/**
 * Errors thrown by @continuum/stats. Each names the argument or value at fault, so a caller can
 * log it or route the record that caused it to the dead-letter topic.
 */
export class StatsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A caller passed an argument outside its domain (negative count, empty sample, bad option). */
export class InvalidArgumentError extends StatsError {}

/** Serialized metric state is corrupt, truncated or of another version. */
export class InvalidStateError extends StatsError {}

/** Two metric states cannot be merged (different tasks, classes or parameters). */
export class IncompatibleStateError extends StatsError {}
