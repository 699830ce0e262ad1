/**
 * Errors thrown by @continuum/drift. Every error names the field or value at fault and keeps
 * the underlying cause, so a service can log it and route the record to the dead-letter topic.
 */
export class DriftError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A caller passed an argument outside its domain (negative count, empty sample, bad option): the
 * one class of @continuum/stats, whose tests and samples libs/drift builds on.
 */
export { InvalidArgumentError } from '@continuum/stats';

/** A reference profile (JSON) is malformed or inconsistent; `path` points at the offending field. */
export class InvalidProfileError extends DriftError {
  constructor(
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid reference profile at ${path}: ${problem}`, options);
  }
}

/** Serialized window or detector state is corrupt, truncated, of another version or of another profile. */
export class InvalidStateError extends DriftError {}

/** Two states cannot be merged (different profiles, windows or parameters). */
export class IncompatibleStateError extends DriftError {}
