/** Resolution of the ROC AUC histograms: scores are binned to 1/1000. */
export const SCORE_BINS = 1000;

export interface ScoreHistogramJSON {
  /** Sparse [bin, count] pairs of positives and negatives. */
  pos: Array<[number, number]>;
  neg: Array<[number, number]>;
}

export interface AreaUnderCurve {
  readonly value: number;
  /**
   * Largest possible difference from the exact ROC AUC of the raw scores: only positive/negative
   * pairs in the same bin can be mis-ordered, and each counts ½ here instead of 0 or 1.
   */
  readonly maxError: number;
}

/**
 * Bounded-memory ROC AUC: the positive-class scores of positives and negatives counted in
 * SCORE_BINS equal-width bins over [0, 1] (2 × 1000 counts per window, whatever its size; exactly
 * mergeable across partitions). The AUC is the Mann–Whitney statistic with pairs in the same bin
 * counted as ties, so it equals scikit-learn's `roc_auc_score` whenever no bin holds both a
 * positive and a negative with different scores, and otherwise differs by at most `maxError`.
 */
export class ScoreHistogram {
  readonly pos = new Float64Array(SCORE_BINS);
  readonly neg = new Float64Array(SCORE_BINS);

  static bin(score: number): number {
    // The nudge keeps k/1000 in bin k although k/1000 * 1000 can round to just below k.
    return Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(score * SCORE_BINS + 1e-9)));
  }

  add(score: number, positive: boolean): void {
    const b = ScoreHistogram.bin(score);
    if (positive) this.pos[b] += 1;
    else this.neg[b] += 1;
  }

  merge(other: ScoreHistogram): void {
    for (let b = 0; b < SCORE_BINS; b++) {
      this.pos[b] += other.pos[b];
      this.neg[b] += other.neg[b];
    }
  }

  auc(): AreaUnderCurve {
    let positives = 0;
    let negatives = 0;
    for (let b = 0; b < SCORE_BINS; b++) {
      positives += this.pos[b];
      negatives += this.neg[b];
    }
    if (positives === 0 || negatives === 0) return { value: NaN, maxError: NaN };
    // Σ over positives of (negatives below + ½ negatives in the same bin).
    let below = 0;
    let wins = 0;
    let sameBinPairs = 0;
    for (let b = 0; b < SCORE_BINS; b++) {
      wins += this.pos[b] * (below + this.neg[b] / 2);
      sameBinPairs += this.pos[b] * this.neg[b];
      below += this.neg[b];
    }
    const pairs = positives * negatives;
    return { value: wins / pairs, maxError: sameBinPairs / 2 / pairs };
  }

  toJSON(): ScoreHistogramJSON {
    const sparse = (a: Float64Array) => {
      const out: Array<[number, number]> = [];
      for (let b = 0; b < SCORE_BINS; b++) if (a[b] !== 0) out.push([b, a[b]]);
      return out;
    };
    return { pos: sparse(this.pos), neg: sparse(this.neg) };
  }

  static fromJSON(json: ScoreHistogramJSON): ScoreHistogram {
    const h = new ScoreHistogram();
    for (const [b, c] of json.pos) h.pos[b] = c;
    for (const [b, c] of json.neg) h.neg[b] = c;
    return h;
  }
}
