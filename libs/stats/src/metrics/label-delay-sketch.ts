/** Relative accuracy of the label-delay quantiles. */
export const DELAY_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + DELAY_RELATIVE_ACCURACY) / (1 - DELAY_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Delays below one millisecond (in absolute value) share the zero bucket. */
const MIN_MAGNITUDE = 1;

export interface LabelDelaySketchJSON {
  n: number;
  sum: number;
  max: number;
  zero: number;
  /** Sparse [bucket, count] pairs for positive and negative delays. */
  pos: Array<[number, number]>;
  neg: Array<[number, number]>;
}

export interface LabelDelaySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Label delays (label time − prediction time, ms; negative when the label came first) in
 * logarithmic buckets, as DDSketch (Masson, Rim & Lee 2019, "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB): every quantile is within 1 % (relative)
 * of the exact lower-rank quantile, delays under 1 ms count as 0. Buckets merge by adding counts,
 * so merged partitions give exactly the single-instance sketch; 90 days of delay need at most
 * ~1,150 buckets per sign. Mean and max are exact.
 */
export class LabelDelaySketch {
  private readonly pos = new Map<number, number>();
  private readonly neg = new Map<number, number>();
  private zero = 0;
  private n = 0;
  private sum = 0;
  private maxValue = -Infinity;

  get count(): number {
    return this.n;
  }

  add(delayMs: number): void {
    this.n += 1;
    this.sum += delayMs;
    if (delayMs > this.maxValue) this.maxValue = delayMs;
    const magnitude = Math.abs(delayMs);
    if (magnitude < MIN_MAGNITUDE) {
      this.zero += 1;
      return;
    }
    const k = Math.ceil(Math.log(magnitude) / LOG_GAMMA);
    const store = delayMs > 0 ? this.pos : this.neg;
    store.set(k, (store.get(k) ?? 0) + 1);
  }

  merge(other: LabelDelaySketch): void {
    for (const [k, c] of other.pos) this.pos.set(k, (this.pos.get(k) ?? 0) + c);
    for (const [k, c] of other.neg) this.neg.set(k, (this.neg.get(k) ?? 0) + c);
    this.zero += other.zero;
    this.n += other.n;
    this.sum += other.sum;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  /** The value at rank ⌊q·(n − 1)⌋ (NumPy's `method='lower'`), within 1 % relative. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.floor(q * (this.n - 1));
    let seen = 0;
    // Negative delays in increasing value order = decreasing magnitude.
    const negKeys = [...this.neg.keys()].sort((a, b) => b - a);
    for (const k of negKeys) {
      seen += this.neg.get(k) as number;
      if (seen > rank) return -LabelDelaySketch.value(k);
    }
    seen += this.zero;
    if (seen > rank) return 0;
    const posKeys = [...this.pos.keys()].sort((a, b) => a - b);
    for (const k of posKeys) {
      seen += this.pos.get(k) as number;
      if (seen > rank) return Math.min(LabelDelaySketch.value(k), this.maxValue);
    }
    return this.maxValue;
  }

  /** Representative value of bucket k: 2γ^k / (γ + 1), within the relative accuracy of every value in it. */
  private static value(k: number): number {
    return (2 * GAMMA ** k) / (GAMMA + 1);
  }

  summary(): LabelDelaySummary | null {
    if (this.n === 0) return null;
    return {
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.maxValue,
      mean: this.sum / this.n,
    };
  }

  toJSON(): LabelDelaySketchJSON {
    const sorted = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
    return {
      n: this.n,
      sum: this.sum,
      max: this.n === 0 ? 0 : this.maxValue,
      zero: this.zero,
      pos: sorted(this.pos),
      neg: sorted(this.neg),
    };
  }

  static fromJSON(json: LabelDelaySketchJSON): LabelDelaySketch {
    const s = new LabelDelaySketch();
    s.n = json.n;
    s.sum = json.sum;
    s.maxValue = json.n === 0 ? -Infinity : json.max;
    s.zero = json.zero;
    for (const [k, c] of json.pos) s.pos.set(k, c);
    for (const [k, c] of json.neg) s.neg.set(k, c);
    return s;
  }
}
