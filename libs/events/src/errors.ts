/** Why a record could not be turned into a typed event. Each kind goes to the dead-letter topic as is. */
export type DecodeErrorKind = 'NOT_WIRE_FORMAT' | 'UNKNOWN_SCHEMA' | 'MALFORMED_AVRO' | 'INCOMPATIBLE_SCHEMA';

/** A record that can never be decoded: dead-letter it and go on. */
export class DecodeError extends Error {
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/** A value that does not satisfy its contract's schema; `paths` name the offending fields. */
export class EncodeError extends Error {
  constructor(
    readonly contract: string,
    readonly paths: string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Value does not match contract ${contract}: invalid field(s) ${paths.length ? paths.join(', ') : '(unknown)'}`,
      options,
    );
    this.name = 'EncodeError';
  }
}

/** The schema registry could not be reached or answered unexpectedly: retry, do not dead-letter. */
export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchemaRegistryError';
  }
}

/** The registry refused a schema change under the subject's compatibility level. */
export class IncompatibleSchemaError extends SchemaRegistryError {
  constructor(
    readonly subject: string,
    readonly compatibility: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Schema for subject ${subject} is not ${compatibility}-compatible with the registered versions: ${detail}`,
      409,
      options,
    );
    this.name = 'IncompatibleSchemaError';
  }
}
