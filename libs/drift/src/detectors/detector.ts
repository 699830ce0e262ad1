import { InvalidArgumentError, InvalidStateError } from '../errors';

/** Names of the concept-drift detectors, as River names them. */
export type DetectorName = 'ADWIN' | 'DDM' | 'EDDM' | 'PageHinkley' | 'KSWIN' | 'HDDM_A' | 'HDDM_W';

/**
 * Checkpoint of a detector: plain JSON (non-finite numbers as strings) that `restoreDetector` or the
 * class's `fromJSON` turn back into a detector that continues exactly where this one stopped.
 */
export interface DetectorCheckpoint {
  readonly detector: DetectorName;
  readonly version: 1;
  readonly params: Record<string, unknown>;
  readonly state: Record<string, unknown>;
}

/** A concept-drift detector over a stream of values (River's `DriftDetector` contract). */
export interface DriftDetector {
  readonly name: DetectorName;
  /** Feeds one value; a detector that signalled drift on the previous value resets first (as River). */
  update(x: number | boolean): this;
  /** Whether the last update detected a drift. */
  readonly driftDetected: boolean;
  toJSON(): DetectorCheckpoint;
}

/** A detector that also signals a warning zone before a drift (DDM, EDDM, HDDM_A, HDDM_W). */
export interface DriftAndWarningDetector extends DriftDetector {
  /** Whether the last update is in the warning zone. */
  readonly warningDetected: boolean;
}

/** Converts an input to a number the way Python does for bool/int/float, rejecting anything else. */
export function toNumber(x: number | boolean, detector: string): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new InvalidArgumentError(
      `${detector}.update: value must be a finite number or a boolean (got ${String(x)})`,
    );
  }
  return x;
}

/** Input of the binary detectors: a boolean or 0/1 (1 = error). */
export function toBit(x: number | boolean, detector: string): 0 | 1 {
  if (x === true || x === 1) return 1;
  if (x === false || x === 0) return 0;
  throw new InvalidArgumentError(`${detector}.update: value must be 0, 1 or a boolean (got ${String(x)})`);
}

/** JSON has no Infinity/NaN: store them as strings. */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** Typed reader over a checkpoint, producing errors that name the offending field. */
export class CheckpointReader {
  private readonly params: Record<string, unknown>;
  private readonly state: Record<string, unknown>;

  constructor(
    json: unknown,
    private readonly detector: DetectorName,
  ) {
    if (typeof json !== 'object' || json === null) {
      throw new InvalidStateError(`${detector} checkpoint must be an object (got ${typeof json})`);
    }
    const c = json as Partial<DetectorCheckpoint>;
    if (c.detector !== detector) {
      throw new InvalidStateError(`checkpoint is for detector '${String(c.detector)}', not '${detector}'`);
    }
    if (c.version !== 1)
      throw new InvalidStateError(`${detector} checkpoint version ${String(c.version)} is not supported`);
    if (
      typeof c.params !== 'object' ||
      c.params === null ||
      typeof c.state !== 'object' ||
      c.state === null
    ) {
      throw new InvalidStateError(`${detector} checkpoint needs 'params' and 'state' objects`);
    }
    this.params = c.params as Record<string, unknown>;
    this.state = c.state as Record<string, unknown>;
  }

  param<T>(key: string): T {
    if (!(key in this.params))
      throw new InvalidStateError(`${this.detector} checkpoint: missing params.${key}`);
    return this.params[key] as T;
  }

  number(key: string): number {
    const v = this.state[key];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || (typeof v === 'string' && !/^-?Infinity$|^NaN$/.test(v))) {
      throw new InvalidStateError(
        `${this.detector} checkpoint: state.${key} must be a number (got ${JSON.stringify(v)})`,
      );
    }
    return n;
  }

  boolean(key: string): boolean {
    const v = this.state[key];
    if (typeof v !== 'boolean') {
      throw new InvalidStateError(
        `${this.detector} checkpoint: state.${key} must be a boolean (got ${JSON.stringify(v)})`,
      );
    }
    return v;
  }

  numbers(key: string): number[] {
    const v = this.state[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
      throw new InvalidStateError(`${this.detector} checkpoint: state.${key} must be an array of numbers`);
    }
    return v as number[];
  }

  raw(key: string): unknown {
    if (!(key in this.state))
      throw new InvalidStateError(`${this.detector} checkpoint: missing state.${key}`);
    return this.state[key];
  }
}

export function requireRange(detector: string, name: string, value: number, lo: number, hi: number): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(`${detector}: ${name} must be in [${lo}, ${hi}] (got ${String(value)})`);
  }
  return value;
}

export function requireInteger(detector: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `${detector}: ${name} must be an integer >= ${min} (got ${String(value)})`,
    );
  }
  return value;
}
