import type { Objective } from './lbfgs';

/**
 * Newton refinement of a smooth convex objective from a starting point near its optimum, with a
 * Hessian from central differences of the gradient (2n gradient evaluations per step) and an
 * Armijo backtracking step — the method of scikit-learn's `newton-cholesky` solver (there with
 * the analytic Hessian). L-BFGS with a backtracking line search builds poor curvature pairs on
 * ill-conditioned data (unscaled features spanning 1e-3 to 1e3) and its relative decreases fall
 * below any useful function tolerance while the coefficients are still 1e-3 from the optimum;
 * Newton's step uses the curvature itself and converges quadratically from there. Meant for the
 * linear models' few parameters (cost O(n) gradients and O(n³) per step).
 */
export interface NewtonResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradientNorm: number;
  readonly iterations: number;
}

export function refineNewton(
  objective: Objective,
  x0: Float64Array,
  options: { readonly maxIterations?: number; readonly gradientTolerance?: number } = {},
): NewtonResult {
  const n = x0.length;
  const maxIter = options.maxIterations ?? 20;
  const gtol = options.gradientTolerance ?? 0;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  const gPlus = new Float64Array(n);
  const gMinus = new Float64Array(n);
  const probe = new Float64Array(n);
  const trial = new Float64Array(n);
  const gTrial = new Float64Array(n);
  const H = new Float64Array(n * n);
  const d = new Float64Array(n);
  let iterations = 0;
  while (iterations < maxIter && maxAbs(g) > gtol) {
    for (let j = 0; j < n; j++) {
      const h = 1e-5 * Math.max(1, Math.abs(x[j]));
      probe.set(x);
      probe[j] = x[j] + h;
      objective(probe, gPlus);
      probe[j] = x[j] - h;
      objective(probe, gMinus);
      for (let i = 0; i < n; i++) H[i * n + j] = (gPlus[i] - gMinus[i]) / (2 * h);
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) {
        const v = 0.5 * (H[i * n + j] + H[j * n + i]);
        H[i * n + j] = v;
        H[j * n + i] = v;
      }
    if (!solveCholesky(H, g, d, n)) break;
    const slope = -dot(g, d);
    if (!(slope < 0)) break;
    let step = 1;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) trial[i] = x[i] - step * d[i];
      const fTrial = objective(trial, gTrial);
      // Armijo, or (at the optimum, where f no longer resolves the decrease) a smaller gradient.
      if (fTrial <= f + 1e-4 * step * slope || (fTrial <= f && maxAbs(gTrial) < maxAbs(g))) {
        x.set(trial);
        g.set(gTrial);
        f = fTrial;
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) break;
  }
  return { x, value: f, gradientNorm: maxAbs(g), iterations };
}

/** Solves (H + μI) d = b by Cholesky, with the smallest μ (0, then growing) that factorises. */
function solveCholesky(H: Float64Array, b: Float64Array, out: Float64Array, n: number): boolean {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(H[i * n + i]);
  const L = new Float64Array(n * n);
  for (let mu = 0, attempt = 0; attempt < 12; attempt++, mu = mu === 0 ? 1e-14 * (trace / n) : mu * 100) {
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = H[i * n + j] + (i === j ? mu : 0);
        for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * n + i] = Math.sqrt(s);
        } else L[i * n + j] = s / L[j * n + j];
      }
    }
    if (!ok) continue;
    for (let i = 0; i < n; i++) {
      let s = b[i];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * out[k];
      out[i] = s / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = out[i];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * out[k];
      out[i] = s / L[i * n + i];
    }
    return true;
  }
  return false;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
