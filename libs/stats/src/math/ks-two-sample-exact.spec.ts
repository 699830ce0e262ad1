import { Mismatches, loadVectors } from '../../test/vectors';
import { referenceTwoSampleSf } from '../../test/ks-two-sample-reference';
import { kolmogorovSmirnovTest, ksPValue } from '../hypothesis/kolmogorov-smirnov';
import { seededUniform } from '../sequential/simulation';
import { twoSampleExactSf } from './ks-two-sample-exact';
import { gcd } from './special';

const vectors = loadVectors('ks-exact');
const P_REL = 1e-6; // the p-value tolerance of every KS vector (relative, 1e-12 absolute floor)

describe('exact two-sample KS p-values at the monitor sizes, against scipy.stats.ks_2samp', () => {
  it('matches SciPy for reference 300-10,000 × window 300-10,000, D from one lattice step to 1', () => {
    const m = new Mismatches();
    for (const v of vectors.pValues) {
      const r = ksPValue(v.d, v.n1, v.n2);
      m.equal(`method n1=${v.n1} n2=${v.n2} d=${v.d}`, r.method, v.method);
      m.check(`p(n1=${v.n1}, n2=${v.n2}, d=${v.d})`, r.pValue, v.pValue, P_REL, 1e-12);
    }
    expect(m.list).toEqual([]);
    // From no drift to far below the smallest double, on both sides of the inside-count threshold.
    const ps = vectors.pValues.map((v: { pValue: number }) => v.pValue);
    expect(Math.max(...ps)).toBe(1);
    expect(ps.some((p: number) => p > 1e-4 && p < 1e-2)).toBe(true);
    expect(ps.some((p: number) => p > 0 && p < 1e-100)).toBe(true);
  });

  for (const v of vectors.ks2samp)
    it(`ks_2samp on tied samples: ${v.name} (${v.reference.length} vs ${v.current.length})`, () => {
      const r = kolmogorovSmirnovTest(v.reference, v.current);
      const m = new Mismatches();
      m.check('statistic', r.statistic, v.statistic, 1e-9, 1e-15);
      m.check('pValue', r.pValue, v.pValue, P_REL, 1e-12);
      m.equal('sign', r.sign, v.sign);
      m.check('location', r.location, v.location, 0);
      expect(m.list).toEqual([]);
      expect(r.method).toBe('exact');
    });
});

describe('the half-lattice sweeps against the full-lattice recursion they replace', () => {
  it('agree to 1e-9 relative on a seeded grid of sizes and statistics (both sweeps, p from 1 to < 1e-100)', () => {
    const u = seededUniform(20260611);
    const m = new Mismatches();
    let small = 0;
    let tiny = 0;
    let moderate = 0;
    for (let k = 0; k < 300; k++) {
      const n1 = 1 + Math.floor(u() * 1500);
      let n2 = 1 + Math.floor(u() * 1500);
      if (n2 === n1) n2++;
      // λ = D·√(n1·n2 / (n1 + n2)) uniform in [0, 7]: p from 1 through the 1e-3 switch to ~1e-40,
      // and now and then a D anywhere in (0, 1].
      const d = k % 10 === 9 ? u() : (u() * 7) / Math.sqrt((n1 * n2) / (n1 + n2));
      const fast = twoSampleExactSf(n1, n2, d);
      const reference = referenceTwoSampleSf(n1, n2, d);
      expect(fast.ok).toBe(true);
      m.check(`p(${n1}, ${n2}, ${fast.d})`, fast.p, reference, 1e-9, 1e-300);
      if (reference < 1e-100) tiny++;
      if (reference < 1e-3) small++;
      else moderate++;
    }
    expect(m.list).toEqual([]);
    expect(small).toBeGreaterThan(50);
    expect(moderate).toBeGreaterThan(50);
    expect(tiny).toBeGreaterThan(5);
  });

  it('equal the exact rational count of leaving paths on every small lattice and band', () => {
    const m = new Mismatches();
    for (let n1 = 1; n1 <= 24; n1 += 1)
      for (let n2 = n1 + 1; n2 <= 30; n2 += 3) {
        const g = gcd(n1, n2);
        const lcm = (n1 / g) * n2;
        for (let h = 1; h <= lcm; h += Math.max(1, Math.floor(lcm / 40))) {
          const p = twoSampleExactSf(n1, n2, h / lcm).p;
          m.check(`p(${n1}, ${n2}, ${h}/${lcm})`, p, exactProbability(n1, n2, h), 1e-12, 1e-300);
        }
      }
    expect(m.list).toEqual([]);
  });

  it('snaps D to the lattice as SciPy does and returns 1 at D = 0', () => {
    // lcm(3, 5) = 15: 0.1 → h = round(1.5) = 2 (half to even), D = 2/15.
    expect(twoSampleExactSf(3, 5, 0.1).d).toBeCloseTo(2 / 15, 15);
    expect(twoSampleExactSf(3, 5, 0.01)).toEqual({ d: 0, p: 1, ok: true });
    expect(twoSampleExactSf(3, 5, 1).p).toBeCloseTo(2 / 56, 15); // only the two extreme orders
  });
});

/** P(D >= h / lcm) as the ratio of BigInt path counts: paths leaving |mg·j − ng·i| < h over all paths. */
function exactProbability(n1: number, n2: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const g = gcd(m, n);
  const inside = (i: number, j: number): boolean => Math.abs((m / g) * j - (n / g) * i) < h;
  let column: bigint[] = [];
  for (let i = 0; i <= m; i++) {
    const next: bigint[] = [];
    for (let j = 0; j <= n; j++) {
      if (!inside(i, j)) next.push(0n);
      else if (i === 0 && j === 0) next.push(1n);
      else next.push((i > 0 ? column[j] : 0n) + (j > 0 ? next[j - 1] : 0n));
    }
    column = next;
  }
  let total = 1n;
  for (let k = 1; k <= n; k++) total = (total * BigInt(m + k)) / BigInt(k);
  const scale = 10n ** 40n;
  return Number(((total - column[n]) * scale) / total) / 1e40;
}
