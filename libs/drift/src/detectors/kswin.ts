import { InvalidArgumentError, InvalidStateError } from '../errors';
import { kolmogorovSmirnovTest } from '@continuum/stats';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftDetector,
  requireRange,
  toNumber,
} from './detector';
import { PythonRandom } from './python-random';

export interface KswinOptions {
  /** Significance of the KS test (default 0.005). */
  alpha?: number;
  /** Length of the sliding window (default 100). */
  windowSize?: number;
  /** Length of the most recent part compared with a sample of the older part (default 30). */
  statSize?: number;
  /**
   * Seed of the sampler; with the same seed KSWIN draws exactly what River's `KSWIN(seed=...)` draws
   * (CPython's Mersenne Twister). Default: a random seed, recorded in the checkpoint.
   */
  seed?: number;
}

/**
 * KSWIN, Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif 2020, "Reactive Soft Prototype
 * Computing for Concept Drift Streams", Neurocomputing). Keeps a sliding window; once full, compares
 * its `statSize` most recent values with `statSize` values sampled uniformly from the rest using the
 * two-sample KS test, and signals drift when p <= alpha and D > 0.1. Matches River 0.26.1's
 * `drift.KSWIN` given the same seed: the sample comes from a port of CPython's `random.Random` and
 * the p-value from the `ks_2samp` port (exact for these sizes).
 */
export class Kswin implements DriftDetector {
  readonly name = 'KSWIN' as const;
  readonly alpha: number;
  readonly windowSize: number;
  readonly statSize: number;
  readonly seed: number;
  private window: number[] = [];
  private rng: PythonRandom;
  private n = 0;
  private lastPValue = 0;
  private drift = false;

  constructor(options: KswinOptions = {}) {
    this.alpha = requireRange('KSWIN', 'alpha', options.alpha ?? 0.005, 0, 1);
    this.windowSize = options.windowSize ?? 100;
    this.statSize = options.statSize ?? 30;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 2) {
      throw new InvalidArgumentError(`KSWIN: windowSize must be an integer >= 2 (got ${this.windowSize})`);
    }
    if (!Number.isInteger(this.statSize) || this.statSize < 1 || this.statSize * 2 > this.windowSize) {
      throw new InvalidArgumentError(
        `KSWIN: statSize must be an integer in [1, windowSize / 2] (got ${this.statSize} with windowSize ${this.windowSize})`,
      );
    }
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.rng = new PythonRandom(this.seed);
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  /** p-value of the last KS test (0 before the window first fills, as River). */
  get pValue(): number {
    return this.lastPValue;
  }

  update(x: number | boolean): this {
    const value = toNumber(x, 'KSWIN');
    if (this.drift) this.reset();
    this.n += 1;
    this.window.push(value);
    if (this.window.length > this.windowSize) this.window.shift();
    if (this.window.length >= this.windowSize) {
      const older = this.rng
        .sampleRange(this.windowSize - this.statSize, this.statSize)
        .map((i) => this.window[i]);
      const recent = this.window.slice(this.windowSize - this.statSize);
      const ks = kolmogorovSmirnovTest(older, recent, 'auto');
      this.lastPValue = ks.pValue;
      this.drift = ks.pValue <= this.alpha && ks.statistic > 0.1;
      // River keeps only the recent values after a drift, then resets on the next update anyway.
      if (this.drift) this.window = recent;
    } else {
      this.drift = false;
    }
    return this;
  }

  private reset(): void {
    this.lastPValue = 0;
    this.n = 0;
    this.window = [];
    this.rng = new PythonRandom(this.seed);
    this.drift = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'KSWIN',
      version: 1,
      params: { alpha: this.alpha, windowSize: this.windowSize, statSize: this.statSize, seed: this.seed },
      state: {
        window: [...this.window],
        rng: this.rng.getState(),
        n: this.n,
        pValue: this.lastPValue,
        drift: this.drift,
      },
    };
  }

  static fromJSON(json: unknown): Kswin {
    const r = new CheckpointReader(json, 'KSWIN');
    const d = new Kswin({
      alpha: r.param('alpha'),
      windowSize: r.param('windowSize'),
      statSize: r.param('statSize'),
      seed: r.param('seed'),
    });
    d.window = r.numbers('window');
    if (d.window.length > d.windowSize) {
      throw new InvalidStateError(`KSWIN checkpoint: window holds ${d.window.length} > windowSize values`);
    }
    d.rng = PythonRandom.fromState(r.raw('rng'));
    d.n = r.number('n');
    d.lastPValue = r.number('pValue');
    d.drift = r.boolean('drift');
    return d;
  }
}
