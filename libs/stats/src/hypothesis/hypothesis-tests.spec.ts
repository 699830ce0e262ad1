import { Mismatches, loadVectors } from '../../test/vectors';
import { chiSquareTest } from './chi-square';
import { kolmogorovSmirnovTest, ksPValue } from './kolmogorov-smirnov';
import { adjustPValues } from './multiple-testing';
import { twoProportionZTest } from './two-proportion-z-test';

const vectors = loadVectors('statistics');
const REL = 1e-9; // statistic values
const P_REL = 1e-6; // p-values (relative, with a 1e-12 absolute floor for tiny p)

describe('Kolmogorov-Smirnov against scipy.stats.ks_2samp', () => {
  for (const v of vectors.ks2samp)
    it(v.name, () => {
      const r = kolmogorovSmirnovTest(v.reference, v.current);
      const m = new Mismatches();
      m.check('statistic', r.statistic, v.statistic, REL, 1e-15);
      m.check('pValue', r.pValue, v.pValue, P_REL, 1e-12);
      m.equal('sign', r.sign, v.sign);
      m.check('location', r.location, v.location, 0);
      expect(m.list).toEqual([]);
      expect(r.maxError).toBe(0);
    });

  it('p-values for given (n1, n2, D) match the exact and asymptotic paths', () => {
    const m = new Mismatches();
    for (const v of vectors.ksPValues) {
      const r = ksPValue(v.d, v.n1, v.n2);
      m.equal(`method n1=${v.n1} n2=${v.n2}`, r.method, v.method);
      m.check(`p(n1=${v.n1}, n2=${v.n2}, d=${v.d})`, r.pValue, v.pValue, P_REL, 1e-12);
    }
    expect(m.list).toEqual([]);
    expect(vectors.ksPValues.length).toBeGreaterThan(50);
  });

  it('rejects empty samples and non-finite values with a clear error', () => {
    expect(() => kolmogorovSmirnovTest([], [1])).toThrow(/non-empty/);
    expect(() => kolmogorovSmirnovTest([1, NaN], [1])).toThrow(/reference\[1\] is NaN/);
  });
});

describe('chi-square homogeneity against scipy.stats.chi2_contingency', () => {
  it('matches statistic, p-value, dof and Cramér V with and without Yates correction', () => {
    const m = new Mismatches();
    vectors.chiSquare.forEach((v: Record<string, never>, i: number) => {
      const r = chiSquareTest(v.reference, v.current, v.correction);
      const label = `#${i} [${v.reference}] vs [${v.current}] correction=${v.correction}`;
      m.check(`${label} statistic`, r.statistic, v.statistic, REL, 1e-12);
      m.check(`${label} pValue`, r.pValue, v.pValue, P_REL, 1e-12);
      m.equal(`${label} dof`, r.dof, v.dof);
      m.check(`${label} cramersV`, r.cramersV, v.cramersV, REL, 1e-12);
    });
    expect(m.list).toEqual([]);
  });

  it('applies Yates only to 2x2 tables, and has no degrees of freedom with one category', () => {
    expect(chiSquareTest([10, 20], [30, 5]).yates).toBe(true);
    expect(chiSquareTest([10, 20, 1], [30, 5, 1]).yates).toBe(false);
    expect(chiSquareTest([10, 0], [7, 0])).toMatchObject({ statistic: 0, pValue: 1, dof: 0 });
    expect(() => chiSquareTest([0, 0], [1, 2])).toThrow(/observations in both samples/);
  });
});

describe('two-proportion Z-test against a SciPy computation', () => {
  it('matches z, p-value and Cohen h', () => {
    const m = new Mismatches();
    for (const v of vectors.zTest) {
      const r = twoProportionZTest(v.x1, v.n1, v.x2, v.n2);
      const label = `${v.x1}/${v.n1} vs ${v.x2}/${v.n2}`;
      m.check(`${label} z`, r.statistic, v.z, REL, 1e-15);
      m.check(`${label} p`, r.pValue, v.pValue, P_REL, 1e-12);
      m.check(`${label} h`, r.cohensH, v.cohensH, REL, 1e-15);
    }
    expect(m.list).toEqual([]);
  });

  it('returns z = 0, p = 1 when both samples are all successes or all failures', () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toMatchObject({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest(10, 10, 20, 20)).toMatchObject({ statistic: 0, pValue: 1 });
    expect(() => twoProportionZTest(11, 10, 1, 2)).toThrow(/reference/);
  });
});

describe('multiple-testing corrections', () => {
  it('Bonferroni and Benjamini-Hochberg match NumPy / scipy.stats.false_discovery_control', () => {
    const m = new Mismatches();
    vectors.multipleTesting.forEach((v: Record<string, number[]>, i: number) => {
      const bonf = adjustPValues(v.pValues, 'bonferroni');
      const bh = adjustPValues(v.pValues, 'benjamini-hochberg');
      v.pValues.forEach((_p, j) => {
        m.check(`#${i}[${j}] bonferroni`, bonf[j] as number, v.bonferroni[j], 1e-15, 0);
        m.check(`#${i}[${j}] bh`, bh[j] as number, v.benjaminiHochberg[j], 1e-14, 0);
      });
    });
    expect(m.list).toEqual([]);
  });

  it('passes null p-values through and does not count them', () => {
    expect(adjustPValues([0.01, null, 0.02], 'bonferroni')).toEqual([0.02, null, 0.04]);
    expect(adjustPValues([0.01, null], 'none')).toEqual([0.01, null]);
    expect(() => adjustPValues([1.5], 'bonferroni')).toThrow(/must be in \[0, 1\]/);
  });
});
