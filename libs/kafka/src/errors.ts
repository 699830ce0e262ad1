/**
 * Errors of Continuum's Kafka runtime, shaped like KafkaJS's: one base class and a `retriable`
 * flag that says whether doing the same thing again later can succeed (a broker that is slow to
 * answer) or not (a programming or configuration mistake).
 */
export class KafkaRuntimeError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}

/** The runtime was used in a way that cannot work: a handler subscribed twice, after start, … */
export class KafkaUsageError extends KafkaRuntimeError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** Something the broker was asked for did not happen in time (a read to the end, topic leaders). */
export class KafkaTimeoutError extends KafkaRuntimeError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
  }
}

/** A topic exists with a layout the runtime cannot work with (e.g. co-partitioned topics whose partition counts differ). */
export class TopicLayoutError extends KafkaRuntimeError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}
