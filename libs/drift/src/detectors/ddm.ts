import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftAndWarningDetector,
  encodeNumber,
  requireInteger,
  toBit,
} from './detector';
import { RunningMean } from './running-stats';

export interface DdmOptions {
  /** Values needed before a detection is possible (default 30). */
  warmStart?: number;
  /** Warning when p + s > p_min + warningThreshold · s_min (default 2). */
  warningThreshold?: number;
  /** Drift when p + s > p_min + driftThreshold · s_min (default 3). */
  driftThreshold?: number;
}

/**
 * DDM, Drift Detection Method (Gama, Medas, Castillo & Rodrigues 2004, "Learning with Drift
 * Detection", SBIA). Input: 1 for an error, 0 for a correct prediction. Tracks the error rate p and
 * its binomial standard deviation s = sqrt(p(1 − p)/n), remembers where p + s was lowest, and signals
 * a warning (drift) when p + s exceeds p_min + 2·s_min (3·s_min). Matches River 0.26.1's
 * `drift.binary.DDM`, including its defaults and reset on the update after a drift.
 */
export class Ddm implements DriftAndWarningDetector {
  readonly name = 'DDM' as const;
  readonly warmStart: number;
  readonly warningThreshold: number;
  readonly driftThreshold: number;
  private p = new RunningMean();
  private pMin = NaN;
  private sMin = NaN;
  private psMin = Infinity;
  private drift = false;
  private warning = false;

  constructor(options: DdmOptions = {}) {
    this.warmStart = requireInteger('DDM', 'warmStart', options.warmStart ?? 30, 0);
    this.warningThreshold = options.warningThreshold ?? 2;
    this.driftThreshold = options.driftThreshold ?? 3;
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  get warningDetected(): boolean {
    return this.warning;
  }

  /** Current error rate estimate. */
  get errorRate(): number {
    return this.p.mean;
  }

  update(x: number | boolean): this {
    const bit = toBit(x, 'DDM');
    if (this.drift) this.reset();
    this.p.update(bit);
    const p = this.p.mean;
    const n = this.p.n;
    const s = Math.sqrt((p * (1 - p)) / n);
    if (n > this.warmStart) {
      if (p + s <= this.psMin) {
        this.pMin = p;
        this.sMin = s;
        this.psMin = this.pMin + this.sMin;
      }
      this.warning = p + s > this.pMin + this.warningThreshold * this.sMin;
      if (p + s > this.pMin + this.driftThreshold * this.sMin) {
        this.drift = true;
        this.warning = false;
      }
    }
    return this;
  }

  private reset(): void {
    this.p = new RunningMean();
    this.pMin = NaN;
    this.sMin = NaN;
    this.psMin = Infinity;
    this.drift = false;
    this.warning = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'DDM',
      version: 1,
      params: {
        warmStart: this.warmStart,
        warningThreshold: this.warningThreshold,
        driftThreshold: this.driftThreshold,
      },
      state: {
        n: this.p.n,
        mean: this.p.mean,
        pMin: encodeNumber(this.pMin),
        sMin: encodeNumber(this.sMin),
        psMin: encodeNumber(this.psMin),
        drift: this.drift,
        warning: this.warning,
      },
    };
  }

  static fromJSON(json: unknown): Ddm {
    const r = new CheckpointReader(json, 'DDM');
    const d = new Ddm({
      warmStart: r.param('warmStart'),
      warningThreshold: r.param('warningThreshold'),
      driftThreshold: r.param('driftThreshold'),
    });
    d.p = new RunningMean(r.number('n'), r.number('mean'));
    d.pMin = r.number('pMin');
    d.sMin = r.number('sMin');
    d.psMin = r.number('psMin');
    d.drift = r.boolean('drift');
    d.warning = r.boolean('warning');
    return d;
  }
}
