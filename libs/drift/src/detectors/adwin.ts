import { InvalidStateError } from '../errors';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftDetector,
  requireInteger,
  requireRange,
  toNumber,
} from './detector';

/** 2^row for bucket rows (a window of 2^1023 values is out of reach). */
const POW2 = Float64Array.from({ length: 1024 }, (_, i) => 2 ** i);

export interface AdwinOptions {
  /** Significance value δ (default 0.002). */
  delta?: number;
  /** Check for a cut every `clock` values (default 32). */
  clock?: number;
  /** Buckets of each size kept before two are merged (default 5). */
  maxBuckets?: number;
  /** Minimum length of each sub-window in a cut (default 5). */
  minWindowLength?: number;
  /** No detection before this many values (default 10). */
  gracePeriod?: number;
}

/**
 * ADWIN, adaptive windowing (Bifet & Gavaldà 2007, "Learning from time-changing data with adaptive
 * windowing", SDM), in the ADWIN2 form with exponential histograms of bucket summaries. Keeps a window
 * of recent values and drops its older part when the means of two sub-windows differ by more than
 * ε_cut = sqrt(2/m · σ²_W · δ') + 2/(3m) · δ', with δ' = ln(2 ln|W| / δ) and 1/m the sum of
 * 1/(n_i − minWindowLength + 1).
 *
 * Matches River 0.26.1's `drift.ADWIN` (its Rust `AdaptiveWindowing`) decision for decision: same
 * parameters and defaults, same bucket compression, a cut check every `clock` updates once the width
 * exceeds `gracePeriod`, and a full reset on the update after a detection.
 */
export class Adwin implements DriftDetector {
  readonly name = 'ADWIN' as const;
  readonly delta: number;
  readonly clock: number;
  readonly maxBuckets: number;
  readonly minWindowLength: number;
  readonly gracePeriod: number;

  /** Bucket rows: row i holds summaries of 2^i values, oldest first. */
  private totals: Float64Array[] = [];
  private variances: Float64Array[] = [];
  private sizes: number[] = [];
  private total = 0;
  private variance = 0;
  private width = 0;
  private tick = 0;
  private detections = 0;
  private drift = false;

  constructor(options: AdwinOptions = {}) {
    this.delta = requireRange('ADWIN', 'delta', options.delta ?? 0.002, Number.MIN_VALUE, 1);
    this.clock = requireInteger('ADWIN', 'clock', options.clock ?? 32, 1);
    this.maxBuckets = requireInteger('ADWIN', 'maxBuckets', options.maxBuckets ?? 5, 1);
    this.minWindowLength = requireInteger('ADWIN', 'minWindowLength', options.minWindowLength ?? 5, 1);
    this.gracePeriod = requireInteger('ADWIN', 'gracePeriod', options.gracePeriod ?? 10, 0);
    this.reset();
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  /** Number of values in the adaptive window. */
  get windowWidth(): number {
    return this.width;
  }

  /** Mean of the values in the window (0 when empty). */
  get estimation(): number {
    return this.width === 0 ? 0 : this.total / this.width;
  }

  /** Sample variance of the window, as River's `variance` property (sum of squares / width). */
  get windowVariance(): number {
    return this.width === 0 ? 0 : this.variance / this.width;
  }

  /** Detections since the last reset (River resets after each detection, so 0 or 1). */
  get detectionCount(): number {
    return this.detections;
  }

  update(x: number | boolean): this {
    const value = toNumber(x, 'ADWIN');
    if (this.drift) this.reset();
    this.insert(value);
    this.drift = this.detectChange();
    return this;
  }

  private reset(): void {
    this.totals = [new Float64Array(this.maxBuckets + 1)];
    this.variances = [new Float64Array(this.maxBuckets + 1)];
    this.sizes = [0];
    this.total = 0;
    this.variance = 0;
    this.width = 0;
    this.tick = 0;
    this.detections = 0;
    this.drift = false;
  }

  private insert(value: number): void {
    const at = this.sizes[0]++;
    this.totals[0][at] = value;
    this.variances[0][at] = 0;
    this.width += 1;
    let incremental = 0;
    if (this.width > 1) {
      const d = value - this.total / (this.width - 1);
      incremental = ((this.width - 1) * d * d) / this.width;
    }
    this.variance += incremental;
    this.total += value;
    this.compress();
  }

  /** Merges the two oldest buckets of any row that holds maxBuckets + 1 into one of the next row. */
  private compress(): void {
    const full = this.maxBuckets + 1;
    for (let row = 0; this.sizes[row] === full; row++) {
      const n1 = POW2[row];
      const t = this.totals[row];
      const v = this.variances[row];
      const mu1 = t[0] / n1;
      const mu2 = t[1] / n1;
      const merged = t[0] + t[1];
      const mergedVariance = v[0] + v[1] + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
      if (row + 1 === this.sizes.length) {
        this.totals.push(new Float64Array(full));
        this.variances.push(new Float64Array(full));
        this.sizes.push(0);
      }
      const next = this.sizes[row + 1];
      this.totals[row + 1][next] = merged;
      this.variances[row + 1][next] = mergedVariance;
      this.sizes[row + 1] = next + 1;
      // Shift the row left by two (plain loop: rows are tiny, a builtin call costs more).
      for (let i = 2; i < full; i++) {
        t[i - 2] = t[i];
        v[i - 2] = v[i];
      }
      this.sizes[row] = full - 2;
      if (this.sizes[row + 1] <= this.maxBuckets) break;
    }
  }

  /** Drops the oldest bucket (of the last row). */
  private deleteOldest(): void {
    const row = this.sizes.length - 1;
    const n = POW2[row];
    const t = this.totals[row];
    const vr = this.variances[row];
    const u = t[0];
    const v = vr[0];
    const mu = u / n;
    this.width -= n;
    this.total -= u;
    const muWindow = this.total / this.width;
    this.variance -= v + (n * this.width * (mu - muWindow) * (mu - muWindow)) / (n + this.width);
    const size = --this.sizes[row];
    for (let i = 0; i < size; i++) {
      t[i] = t[i + 1];
      vr[i] = vr[i + 1];
    }
    if (size === 0) {
      this.totals.pop();
      this.variances.pop();
      this.sizes.pop();
    }
  }

  private detectChange(): boolean {
    let changed = false;
    this.tick++;
    if (this.tick % this.clock !== 0 || !(this.width > this.gracePeriod)) return false;
    const minLen = this.minWindowLength;
    let reduce = true;
    while (reduce) {
      reduce = false;
      // Constant over one scan of the window (the window only changes when a cut is made).
      const deltaPrime = Math.log((2 * Math.log(this.width)) / this.delta);
      const windowVariance = this.variance / this.width;
      let n0 = 0;
      let n1 = this.width;
      let u0 = 0;
      let u1 = this.total;
      scan: for (let row = this.sizes.length - 1; row >= 0; row--) {
        const size = POW2[row];
        const count = this.sizes[row];
        const t = this.totals[row];
        for (let k = 0; k < count; k++) {
          n0 += size;
          n1 -= size;
          u0 += t[k];
          u1 -= t[k];
          if (row === 0 && k === count - 1) break scan;
          if (n1 >= minLen && n0 >= minLen) {
            const mRecip = 1 / (n0 - minLen + 1) + 1 / (n1 - minLen + 1);
            const epsilon =
              Math.sqrt(2 * mRecip * windowVariance * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
            if (Math.abs(u0 / n0 - u1 / n1) > epsilon) {
              reduce = true;
              changed = true;
              if (this.width > 0) {
                this.deleteOldest();
                break scan;
              }
            }
          }
        }
      }
    }
    if (changed) this.detections++;
    return changed;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'ADWIN',
      version: 1,
      params: {
        delta: this.delta,
        clock: this.clock,
        maxBuckets: this.maxBuckets,
        minWindowLength: this.minWindowLength,
        gracePeriod: this.gracePeriod,
      },
      state: {
        rows: this.sizes.map((size, row) => ({
          totals: Array.from(this.totals[row].subarray(0, size)),
          variances: Array.from(this.variances[row].subarray(0, size)),
        })),
        total: this.total,
        variance: this.variance,
        width: this.width,
        tick: this.tick,
        detections: this.detections,
        drift: this.drift,
      },
    };
  }

  static fromJSON(json: unknown): Adwin {
    const r = new CheckpointReader(json, 'ADWIN');
    const adwin = new Adwin({
      delta: r.param('delta'),
      clock: r.param('clock'),
      maxBuckets: r.param('maxBuckets'),
      minWindowLength: r.param('minWindowLength'),
      gracePeriod: r.param('gracePeriod'),
    });
    const rows = r.raw('rows');
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new InvalidStateError('ADWIN checkpoint: state.rows must be a non-empty array');
    }
    adwin.totals = [];
    adwin.variances = [];
    adwin.sizes = [];
    rows.forEach((row: { totals?: unknown; variances?: unknown }, i: number) => {
      const totals = row?.totals;
      const variances = row?.variances;
      if (
        !Array.isArray(totals) ||
        !Array.isArray(variances) ||
        totals.length !== variances.length ||
        totals.length > adwin.maxBuckets ||
        totals.some((x) => typeof x !== 'number') ||
        variances.some((x) => typeof x !== 'number')
      ) {
        throw new InvalidStateError(
          `ADWIN checkpoint: state.rows[${i}] must hold equal-length 'totals' and 'variances' of at most ${adwin.maxBuckets} numbers`,
        );
      }
      const t = new Float64Array(adwin.maxBuckets + 1);
      const v = new Float64Array(adwin.maxBuckets + 1);
      t.set(totals);
      v.set(variances);
      adwin.totals.push(t);
      adwin.variances.push(v);
      adwin.sizes.push(totals.length);
    });
    adwin.total = r.number('total');
    adwin.variance = r.number('variance');
    adwin.width = r.number('width');
    adwin.tick = r.number('tick');
    adwin.detections = r.number('detections');
    adwin.drift = r.boolean('drift');
    const width = adwin.sizes.reduce((s, size, row) => s + size * POW2[row], 0);
    if (width !== adwin.width) {
      throw new InvalidStateError(
        `ADWIN checkpoint: width ${adwin.width} does not match its buckets (${width})`,
      );
    }
    return adwin;
  }
}
