import { Mismatches, loadVectors } from '../../test/vectors';
import { exactSample, type WeightedSample } from '../sample/weighted-sample';
import { kolmogorovSmirnovTest } from './kolmogorov-smirnov';
import { kolmogorovSmirnovGridTest, ksGridSlot, ksReferenceGrid } from './ks-reference-grid';

const vectors = loadVectors('statistics');

function gridCounts(reference: WeightedSample, current: ArrayLike<number>): Uint32Array {
  const grid = ksReferenceGrid(reference);
  const counts = new Uint32Array(2 * grid.length + 1);
  for (let i = 0; i < current.length; i++) counts[ksGridSlot(grid, current[i])]++;
  return counts;
}

/** Deterministic values with ties (a few decimals) and without. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('KS on the reference grid (bounded counts of the current sample)', () => {
  it('slots: below, at each point, between points, above', () => {
    const grid = Float64Array.from([1, 2, 4]);
    expect([0, 1, 1.5, 2, 3, 4, 9].map((x) => ksGridSlot(grid, x))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  for (const v of vectors.ks2samp)
    it(`equals scipy.stats.ks_2samp: ${v.name}`, () => {
      const reference = exactSample(v.reference);
      const r = kolmogorovSmirnovGridTest(reference, gridCounts(reference, v.current));
      const m = new Mismatches();
      m.check('statistic', r.statistic, v.statistic, 1e-9, 1e-15);
      m.check('pValue', r.pValue, v.pValue, 1e-6, 1e-12);
      m.equal('sign', r.sign, v.sign);
      expect(m.list).toEqual([]);
      expect(r.maxError).toBe(0);
    });

  it('equals the raw-data test on samples with and without ties, both directions of shift', () => {
    const m = new Mismatches();
    for (let seed = 1; seed <= 40; seed++) {
      const u = lcg(seed);
      const ties = seed % 2 === 0;
      const shift = (seed % 5) * 0.05 - 0.1;
      const draw = (s: number) => (ties ? Math.round((u() + s) * 20) / 20 : u() + s);
      const ref = Array.from({ length: 50 + seed * 7 }, () => draw(0));
      const cur = Array.from({ length: 80 + seed * 11 }, () => draw(shift));
      const reference = exactSample(ref);
      const raw = kolmogorovSmirnovTest(ref, cur);
      const grid = kolmogorovSmirnovGridTest(reference, gridCounts(reference, cur));
      m.check(`seed ${seed} D`, grid.statistic, raw.statistic, 1e-12, 1e-15);
      m.check(`seed ${seed} p`, grid.pValue, raw.pValue, 1e-12, 1e-15);
      m.equal(`seed ${seed} sign`, grid.sign, raw.sign);
    }
    expect(m.list).toEqual([]);
  });

  it('against a summary with rank error e: D within e of the raw D, p-value taken at D − e', () => {
    const u = lcg(7);
    const ref = Array.from({ length: 20_000 }, () => u()).sort((a, b) => a - b);
    const points = Float64Array.from(
      { length: 1000 },
      (_, i) => ref[Math.floor(((i + 0.5) * 20_000) / 1000)],
    );
    const summary: WeightedSample = {
      values: points,
      weights: new Float64Array(1000).fill(20),
      count: 20_000,
      rankError: 0.5 / 1000,
    };
    const cur = Array.from({ length: 5000 }, () => u() * 1.03);
    const raw = kolmogorovSmirnovTest(ref, cur);
    const grid = kolmogorovSmirnovGridTest(summary, gridCounts(summary, cur));
    expect(grid.maxError).toBe(0.0005);
    expect(Math.abs(grid.statistic - raw.statistic)).toBeLessThanOrEqual(grid.maxError + 1e-12);
    expect(grid.pValue).toBeGreaterThanOrEqual(raw.pValue);
  });

  it('refuses counts that do not fit the reference grid, and empty samples', () => {
    const reference = exactSample([1, 2, 3]);
    expect(() => kolmogorovSmirnovGridTest(reference, [1, 2])).toThrow(/2·3 \+ 1 = 7 slots/);
    expect(() => kolmogorovSmirnovGridTest(reference, new Uint32Array(7))).toThrow(/non-empty/);
  });
});
