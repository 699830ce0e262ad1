import { minimizeLbfgs } from './lbfgs';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { gradientTolerance: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('solves a convex quadratic to the exact minimiser', () => {
    // f(x) = 1/2 x'Ax - b'x with A = diag(1..5): minimum at x_i = b_i / i.
    const b = [1, -2, 3, -4, 5];
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      for (let i = 0; i < 5; i++) {
        g[i] = (i + 1) * x[i] - b[i];
        v += 0.5 * (i + 1) * x[i] * x[i] - b[i] * x[i];
      }
      return v;
    };
    const r = minimizeLbfgs(f, new Float64Array(5), { gradientTolerance: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(30);
    b.forEach((bi, i) => expect(r.x[i]).toBeCloseTo(bi / (i + 1), 7));
  });

  it('stops at maxIterations and says so', () => {
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = 4 * x[0] ** 3;
      return x[0] ** 4;
    };
    const r = minimizeLbfgs(f, Float64Array.from([3]), { maxIterations: 2, gradientTolerance: 0 });
    expect(r.iterations).toBe(2);
    expect(r.reason).toBe('max-iterations');
    expect(r.converged).toBe(false);
  });
});
