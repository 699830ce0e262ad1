/**
 * Errors thrown by @continuum/artifact-store. Each names the key, URI or reference at fault;
 * `retriable` says whether trying again later can succeed (like KafkaJS's errors).
 */
export class ArtifactStoreError extends Error {
  readonly retriable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A key, or a URI given to `get`/`exists`, that does not name an object inside this store:
 * traversal (`..`), absolute paths, URL tricks, percent-encoding, NUL, backslashes, another
 * bucket, prefix or directory.
 */
export class ArtifactKeyError extends ArtifactStoreError {
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`artifact key or URI ${JSON.stringify(key)} refused: ${problem}`);
  }
}

/** An ArtifactRef that is not well formed (sha256 not 64 lowercase hex digits, size not a count). */
export class ArtifactRefError extends ArtifactStoreError {
  constructor(
    readonly field: 'ref' | 'uri' | 'sha256' | 'size',
    problem: string,
  ) {
    super(`invalid artifact reference: ${field} ${problem}`);
  }
}

/** No object at the reference's URI. */
export class ArtifactNotFoundError extends ArtifactStoreError {
  constructor(
    readonly uri: string,
    options?: { cause?: unknown },
  ) {
    super(`no artifact at ${uri}`, options);
  }
}

/** The stored bytes do not match the reference's size or SHA-256: the object was replaced or damaged. */
export class ArtifactIntegrityError extends ArtifactStoreError {
  constructor(
    readonly uri: string,
    readonly expected: { sha256: string; size: number },
    readonly actual: { sha256?: string; size: number },
  ) {
    super(
      actual.size !== expected.size
        ? `artifact ${uri} has ${actual.size} bytes, its reference says ${expected.size}`
        : `artifact ${uri} has SHA-256 ${actual.sha256}, its reference says ${expected.sha256}`,
    );
  }
}

/** The backing store could not be reached or answered with a server error; trying again may succeed. */
export class ArtifactStoreUnavailableError extends ArtifactStoreError {
  override readonly retriable = true;
}
