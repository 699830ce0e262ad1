import { initMoments, mergeMoments, MOMENT_SLOTS, summarizeMoments, updateMoments } from '../index';

/** Two-pass mean and variance, the textbook definitions. */
function twoPass(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length };
}

/** |a - b| <= rel * |b|. */
function expectRelative(a: number, b: number, rel: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
}

function accumulate(xs: number[]): Float64Array {
  const m = new Float64Array(MOMENT_SLOTS);
  initMoments(m, 0);
  for (const x of xs) updateMoments(m, 0, x);
  return m;
}

describe('moments (Welford updates, Chan merges)', () => {
  // Large offset, small spread: where naive sum-of-squares loses every digit.
  const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + Math.sin(i) * 3);

  it('agree with the two-pass definitions, with min and max', () => {
    const s = summarizeMoments(accumulate(xs));
    const ref = twoPass(xs);
    expect(s.count).toBe(1000);
    expectRelative(s.mean, ref.mean, 1e-14);
    expectRelative(s.std ** 2, ref.variance, 1e-6);
    expectRelative(s.sampleStd ** 2, (ref.variance * 1000) / 999, 1e-6);
    expect([s.min, s.max]).toEqual([Math.min(...xs), Math.max(...xs)]);
  });

  it('merge parts into the moments of the whole, in any split and with empty parts', () => {
    const whole = summarizeMoments(accumulate(xs));
    for (const cut of [0, 1, 333, 999, 1000]) {
      const a = accumulate(xs.slice(0, cut));
      mergeMoments(a, 0, accumulate(xs.slice(cut)), 0);
      const merged = summarizeMoments(a);
      expect(merged.count).toBe(whole.count);
      expectRelative(merged.mean, whole.mean, 1e-14);
      expectRelative(merged.std, whole.std, 1e-6);
      expect([merged.min, merged.max]).toEqual([whole.min, whole.max]);
    }
  });

  it('summarise an empty stream as NaN', () => {
    const s = summarizeMoments(accumulate([]));
    expect([s.count, s.mean, s.std, s.min]).toEqual([0, NaN, NaN, NaN]);
  });
});
