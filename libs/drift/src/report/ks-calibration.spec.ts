import { ksTrial } from '../../test/ks-simulation';

const ALPHA = 0.05;

describe('KS calibration of the default path (window grid counts against the profile)', () => {
  it('rejects within [0.3α, 1.2α] on 400 seeded A/A windows larger than the sketch exact limit', () => {
    let rejected = 0;
    let rawRejected = 0;
    const trials = 400;
    for (let seed = 1; seed <= trials; seed++) {
      // 1100 window values: beyond sketchExactLimit (1024), where the sketch-based p-value rejected ~0.5 %.
      const t = ksTrial({ shape: 'normal', shiftSd: 0, referenceRows: 200, windowRows: 1100, seed });
      if (t.p < ALPHA) rejected++;
      if (t.rawP < ALPHA) rawRejected++;
    }
    const rate = rejected / trials;
    expect(rate).toBeGreaterThanOrEqual(0.3 * ALPHA);
    expect(rate).toBeLessThanOrEqual(1.2 * ALPHA);
    // Same decisions as KS on the raw data: the path is exact, not just calibrated.
    expect(rejected).toBe(rawRejected);
  });
});
