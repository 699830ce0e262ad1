/**
 * The one-sided suprema of F_a − F_b and of F_b − F_a and where each is first reached; `result`
 * gives the two-sided statistic with SciPy's sign rule (−1 only when F_b − F_a's is strictly larger).
 */
export class EcdfSupremum {
  private maxPos = -Infinity;
  private maxPosAt = NaN;
  private maxNeg = -Infinity;
  private maxNegAt = NaN;

  /** One value of F_a − F_b, at `at`. */
  observe(diff: number, at: number): void {
    if (diff > this.maxPos) {
      this.maxPos = diff;
      this.maxPosAt = at;
    }
    if (-diff > this.maxNeg) {
      this.maxNeg = -diff;
      this.maxNegAt = at;
    }
  }

  result(): { d: number; sign: 1 | -1; location: number } {
    const minS = Math.min(Math.max(this.maxNeg, 0), 1);
    if (minS > this.maxPos) return { d: minS, sign: -1, location: this.maxNegAt };
    return { d: this.maxPos, sign: 1, location: this.maxPosAt };
  }
}
