/**
 * Typed errors of the learning core. Every message names the field, value or artifact
 * part that is wrong; the underlying exception, when there is one, is attached as `cause`.
 */
export class LearningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option passed to a constructor or function is invalid (bad size, unknown kind, ...). */
export class ConfigurationError extends LearningError {
  constructor(
    readonly option: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${option}: ${message}`, options);
  }
}

/** An example, label or matrix handed to a model, pipeline or metric is invalid. */
export class InvalidInputError extends LearningError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** A tfjs backend was requested that is not registered or failed to initialise. */
export class BackendUnavailableError extends LearningError {
  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`backend '${backend}': ${message}`, options);
  }
}

/** Base class of everything wrong with a model artifact. */
export class ArtifactError extends LearningError {}

/** The artifact's bytes are damaged: truncated, not parseable, or a SHA-256 checksum differs. */
export class ArtifactCorruptError extends ArtifactError {
  constructor(
    readonly part: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt artifact (${part}): ${message}`, options);
  }
}

/**
 * The artifact is intact but does not fit: unsupported format version, weights whose shapes
 * disagree with the topology, a pipeline whose width disagrees with the network, or a model
 * that is not the one the caller expected.
 */
export class ArtifactMismatchError extends ArtifactError {
  constructor(
    readonly part: string,
    readonly expected: unknown,
    readonly actual: unknown,
    message?: string,
  ) {
    super(
      `mismatched artifact (${part}): expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}` +
        (message ? ` — ${message}` : ''),
    );
  }
}
