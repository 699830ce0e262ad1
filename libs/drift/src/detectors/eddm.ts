import { InvalidArgumentError } from '../errors';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftAndWarningDetector,
  requireInteger,
  toBit,
} from './detector';
import { RunningVariance } from './running-stats';

export interface EddmOptions {
  /** Values and errors needed before a detection is possible (default 30). */
  warmStart?: number;
  /** Warning when (p' + 2s') / max(p' + 2s') < alpha (default 0.95). */
  alpha?: number;
  /** Drift when (p' + 2s') / max(p' + 2s') < beta (default 0.9). */
  beta?: number;
}

/**
 * EDDM, Early Drift Detection Method (Baena-García, del Campo-Ávila, Fidalgo, Bifet, Gavaldà &
 * Morales-Bueno 2006, "Early Drift Detection Method", IWKDDS). Input: 1 for an error, 0 otherwise.
 * Watches the distance between consecutive errors: its mean p' and standard deviation s'; drift when
 * p' + 2s' falls below beta times its maximum, warning below alpha. Better than DDM at slow, gradual
 * drift. Matches River 0.26.1's `drift.binary.EDDM`.
 */
export class Eddm implements DriftAndWarningDetector {
  readonly name = 'EDDM' as const;
  readonly warmStart: number;
  readonly alpha: number;
  readonly beta: number;
  private distances = new RunningVariance();
  private n = 0;
  private lastError = 0;
  private errors = 0;
  private p2sMax = -1;
  private drift = false;
  private warning = false;

  constructor(options: EddmOptions = {}) {
    this.warmStart = requireInteger('EDDM', 'warmStart', options.warmStart ?? 30, 0);
    this.alpha = options.alpha ?? 0.95;
    this.beta = options.beta ?? 0.9;
    if (this.alpha < this.beta)
      throw new InvalidArgumentError(`EDDM: alpha (${this.alpha}) must be >= beta (${this.beta})`);
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  get warningDetected(): boolean {
    return this.warning;
  }

  update(x: number | boolean): this {
    const bit = toBit(x, 'EDDM');
    if (this.drift) this.reset();
    this.n += 1;
    if (bit === 1) {
      this.errors += 1;
      this.distances.update(this.n - this.lastError);
      if (this.n > this.warmStart) {
        const p2s = this.distances.m.mean + 2 * Math.sqrt(this.distances.value);
        if (p2s > this.p2sMax) {
          this.p2sMax = p2s;
        } else if (this.errors > this.warmStart) {
          const level = p2s / this.p2sMax;
          if (level < this.beta) this.drift = true;
          else this.warning = level < this.alpha;
        }
      }
      this.lastError = this.n;
    }
    return this;
  }

  private reset(): void {
    this.distances = new RunningVariance();
    this.n = 0;
    this.lastError = 0;
    this.errors = 0;
    this.p2sMax = -1;
    this.drift = false;
    this.warning = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'EDDM',
      version: 1,
      params: { warmStart: this.warmStart, alpha: this.alpha, beta: this.beta },
      state: {
        distanceCount: this.distances.m.n,
        distanceMean: this.distances.m.mean,
        distanceSquares: this.distances.s,
        n: this.n,
        lastError: this.lastError,
        errors: this.errors,
        p2sMax: this.p2sMax,
        drift: this.drift,
        warning: this.warning,
      },
    };
  }

  static fromJSON(json: unknown): Eddm {
    const r = new CheckpointReader(json, 'EDDM');
    const d = new Eddm({ warmStart: r.param('warmStart'), alpha: r.param('alpha'), beta: r.param('beta') });
    d.distances.m.n = r.number('distanceCount');
    d.distances.m.mean = r.number('distanceMean');
    d.distances.s = r.number('distanceSquares');
    d.n = r.number('n');
    d.lastError = r.number('lastError');
    d.errors = r.number('errors');
    d.p2sMax = r.number('p2sMax');
    d.drift = r.boolean('drift');
    d.warning = r.boolean('warning');
    return d;
  }
}
