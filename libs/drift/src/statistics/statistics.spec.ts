import { Mismatches, loadVectors } from '../../../stats/test/vectors';
import {
  hellingerDistance,
  jensenShannonDistance,
  kullbackLeiblerDivergence,
  populationStabilityIndex,
} from './histogram-distances';
import { wassersteinDistance } from './wasserstein';

const vectors = loadVectors('statistics');
const REL = 1e-9; // statistic values

describe('Wasserstein-1 against scipy.stats.wasserstein_distance', () => {
  for (const v of vectors.wasserstein)
    it(v.name, () => {
      const withWeights = (values: number[], weights?: number[]) => {
        if (!weights) return values;
        const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
        const w = Float64Array.from(order.map((i) => weights[i]));
        const total = w.reduce((s, x) => s + x, 0);
        return {
          values: Float64Array.from(order.map((i) => values[i])),
          weights: w,
          count: total,
          rankError: 0,
        };
      };
      const r = wassersteinDistance(
        withWeights(v.reference, v.referenceWeights),
        withWeights(v.current, v.currentWeights),
      );
      const m = new Mismatches();
      m.check('distance', r.distance, v.distance, REL, 1e-15);
      expect(m.list).toEqual([]);
    });
});

describe('histogram distances against SciPy/NumPy', () => {
  it('PSI, KL (scipy.stats.entropy), JS (jensenshannon base 2) and Hellinger', () => {
    const m = new Mismatches();
    vectors.histogram.forEach((v: Record<string, number[] & number>, i: number) => {
      m.check(`#${i} psi`, populationStabilityIndex(v.reference, v.current), v.psi, REL, 1e-15);
      m.check(`#${i} kl`, kullbackLeiblerDivergence(v.reference, v.current), v.kl, REL, 1e-15);
      m.check(
        `#${i} kl2`,
        kullbackLeiblerDivergence(v.reference, v.current, { base: 2 }),
        v.klBase2,
        REL,
        1e-15,
      );
      m.check(`#${i} js`, jensenShannonDistance(v.reference, v.current), v.jensenShannon, REL, 1e-15);
      m.check(`#${i} hellinger`, hellingerDistance(v.reference, v.current), v.hellinger, REL, 1e-15);
    });
    expect(m.list).toEqual([]);
  });

  it('are zero for identical distributions and reject mismatched bins', () => {
    const c = [5, 0, 10, 3];
    expect(populationStabilityIndex(c, c)).toBe(0);
    expect(jensenShannonDistance(c, c)).toBe(0);
    expect(hellingerDistance(c, c)).toBe(0);
    expect(kullbackLeiblerDivergence(c, c)).toBeCloseTo(0, 15);
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow(/same non-zero number of bins/);
    expect(() => jensenShannonDistance([0, 0], [1, 2])).toThrow(/reference is empty/);
    expect(kullbackLeiblerDivergence([1, 1], [1, 0], { epsilon: 0 })).toBe(Infinity);
  });
});
