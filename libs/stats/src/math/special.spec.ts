import { Mismatches, loadVectors } from '../../test/vectors';
import { kolmogorovSf, smirnovSf } from './kolmogorov';
import { chiSquareSf, logGamma, normalSf, normalTwoSidedP, roundHalfEven } from './special';

const vectors = loadVectors('special');

describe('special functions against SciPy', () => {
  it('log-gamma matches scipy.special.gammaln to 1e-13 relative', () => {
    const m = new Mismatches();
    for (const v of vectors.lgamma) m.check(`gammaln(${v.x})`, logGamma(v.x), v.value, 1e-13, 1e-14);
    expect(m.list).toEqual([]);
  });

  it('chi-square survival matches scipy.stats.chi2.sf to 1e-10 relative', () => {
    const m = new Mismatches();
    for (const v of vectors.chi2)
      m.check(`chi2.sf(${v.x}, ${v.dof})`, chiSquareSf(v.x, v.dof), v.sf, 1e-10, 1e-300);
    expect(m.list).toEqual([]);
  });

  it('normal tails match scipy.stats.norm.sf to 1e-12 relative', () => {
    const m = new Mismatches();
    for (const v of vectors.normal) {
      m.check(`2*norm.sf(|${v.z}|)`, normalTwoSidedP(v.z), v.twoSided, 1e-12, 1e-300);
      m.check(`norm.sf(${v.z})`, normalSf(v.z), v.sf, 1e-12, 1e-300);
    }
    expect(m.list).toEqual([]);
  });

  it('kstwo.sf matches on every branch (Ruben-Gambino, Durbin, Pomeranz, Pelz-Good, Smirnov)', () => {
    const m = new Mismatches();
    for (const v of vectors.kstwo)
      m.check(`kstwo.sf(${v.x}, ${v.n})`, kolmogorovSf(v.n, v.x), v.sf, 1e-9, 1e-14);
    expect(m.list).toEqual([]);
    expect(vectors.kstwo.length).toBeGreaterThan(200);
  });

  it('one-sided smirnov matches scipy.special.smirnov', () => {
    const m = new Mismatches();
    for (const v of vectors.smirnov)
      m.check(`smirnov(${v.n}, ${v.x})`, smirnovSf(v.n, v.x), v.sf, 1e-9, 1e-300);
    expect(m.list).toEqual([]);
  });

  it('rounds half to even like numpy.round', () => {
    expect([0.5, 1.5, 2.5, 3.49, 3.5, 4.51].map(roundHalfEven)).toEqual([0, 2, 2, 3, 4, 5]);
  });
});
