import { InvalidArgumentError } from '../errors';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftDetector,
  encodeNumber,
  toNumber,
} from './detector';
import { RunningMean } from './running-stats';

export interface PageHinkleyOptions {
  /** Values needed before a detection is possible (default 30). */
  minInstances?: number;
  /** Magnitude of change tolerated (default 0.005). */
  delta?: number;
  /** Detection threshold λ on the cumulative deviation (default 50). */
  threshold?: number;
  /** Forgetting factor of the cumulative sums (default 1 − 0.0001). */
  alpha?: number;
  /** Detect increases, decreases or both (default 'both'). */
  mode?: 'up' | 'down' | 'both';
}

/**
 * Page–Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika; Hinkley 1971). Keeps
 * the cumulative deviation of the values from their running mean, with a magnitude allowance δ and
 * forgetting factor α, and signals drift when it departs from its extreme by more than λ. Matches
 * River 0.26.1's `drift.PageHinkley` (including its initial maximum of −1 for the decrease test).
 */
export class PageHinkley implements DriftDetector {
  readonly name = 'PageHinkley' as const;
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly mode: 'up' | 'down' | 'both';
  private mean = new RunningMean();
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Infinity;
  private maxDecrease = -1;
  private drift = false;

  constructor(options: PageHinkleyOptions = {}) {
    this.minInstances = options.minInstances ?? 30;
    this.delta = options.delta ?? 0.005;
    this.threshold = options.threshold ?? 50;
    this.alpha = options.alpha ?? 1 - 0.0001;
    this.mode = options.mode ?? 'both';
    if (!['up', 'down', 'both'].includes(this.mode)) {
      throw new InvalidArgumentError(
        `PageHinkley: mode must be 'up', 'down' or 'both' (got '${String(this.mode)}')`,
      );
    }
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  update(x: number | boolean): this {
    const value = toNumber(x, 'PageHinkley');
    if (this.drift) this.reset();
    this.mean.update(value);
    const dev = value - this.mean.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.mean.n >= this.minInstances) {
      const up = this.sumIncrease - this.minIncrease > this.threshold;
      const down = this.maxDecrease - this.sumDecrease > this.threshold;
      this.drift = this.mode === 'up' ? up : this.mode === 'down' ? down : up || down;
    }
    return this;
  }

  private reset(): void {
    this.mean = new RunningMean();
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Infinity;
    this.maxDecrease = -1;
    this.drift = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'PageHinkley',
      version: 1,
      params: {
        minInstances: this.minInstances,
        delta: this.delta,
        threshold: this.threshold,
        alpha: this.alpha,
        mode: this.mode,
      },
      state: {
        n: this.mean.n,
        mean: this.mean.mean,
        sumIncrease: this.sumIncrease,
        sumDecrease: this.sumDecrease,
        minIncrease: encodeNumber(this.minIncrease),
        maxDecrease: this.maxDecrease,
        drift: this.drift,
      },
    };
  }

  static fromJSON(json: unknown): PageHinkley {
    const r = new CheckpointReader(json, 'PageHinkley');
    const d = new PageHinkley({
      minInstances: r.param('minInstances'),
      delta: r.param('delta'),
      threshold: r.param('threshold'),
      alpha: r.param('alpha'),
      mode: r.param('mode'),
    });
    d.mean = new RunningMean(r.number('n'), r.number('mean'));
    d.sumIncrease = r.number('sumIncrease');
    d.sumDecrease = r.number('sumDecrease');
    d.minIncrease = r.number('minIncrease');
    d.maxDecrease = r.number('maxDecrease');
    d.drift = r.boolean('drift');
    return d;
  }
}
