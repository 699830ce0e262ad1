/**
 * Limited-memory BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale
 * optimization", Math. Programming 45, 1989; two-loop recursion from Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Algorithm 7.4) with a backtracking line search on the
 * Armijo condition. Used to train the convex linear models to convergence from a full data
 * window, the way scikit-learn's default `lbfgs` solver does.
 *
 * Stops when the largest gradient component is below `gradientTolerance` (scikit-learn's
 * `pgtol` criterion), when the objective stops decreasing by more than `functionTolerance`
 * relative (float32 engines cannot resolve smaller decreases), or after `maxIterations`.
 */
export interface LbfgsOptions {
  readonly maxIterations?: number;
  readonly history?: number;
  readonly gradientTolerance?: number;
  readonly functionTolerance?: number;
  /**
   * Relative rounding noise of the objective's value (0 for float64 evaluation; about 1e-6
   * when it is summed in float32). Near the optimum, decreases smaller than this noise are
   * invisible, so a step is also accepted when the value rises by less than the noise and
   * the gradient shrinks.
   */
  readonly functionNoise?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: 'gradient' | 'function' | 'max-iterations' | 'line-search';
}

export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = options.maxIterations ?? 500;
  const m = options.history ?? 10;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.functionTolerance ?? 1e-12;
  const noise = options.functionNoise ?? 0;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iterations = 0;
  let reason: LbfgsResult['reason'] = 'max-iterations';
  let failures = 0;

  while (iterations < maxIter) {
    if (maxAbs(g) <= gtol) {
      reason = 'gradient';
      break;
    }
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      axpy(-alpha[j], Y[j], d);
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      // First step: scale so that the initial trial moves by at most 1 in the largest component.
      const scale = 1 / Math.max(1, maxAbs(g));
      for (let i = 0; i < n; i++) d[i] *= scale;
    }
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(Y[j], d);
      axpy(alpha[j] - beta, S[j], d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, maxAbs(g));
      slope = dot(g, d);
    }
    // Backtracking line search (Armijo, c1 = 1e-4).
    let step = 1;
    let fNew = NaN;
    let accepted = false;
    let withinNoise = false;
    const gMax = maxAbs(g);
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = objective(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      if (noise > 0 && Number.isFinite(fNew) && fNew <= f + noise * Math.abs(f) && maxAbs(gNew) < gMax) {
        accepted = true;
        withinNoise = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) {
      // No decrease found along d: typical when float32 rounding hides the remaining
      // decrease. Retry once from steepest descent, then stop.
      failures++;
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      if (failures >= 2) {
        reason = 'line-search';
        break;
      }
      continue;
    }
    failures = 0;
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const decrease = f - fNew;
    x.set(xNew);
    g.set(gNew);
    const fOld = f;
    f = fNew;
    if (!withinNoise && decrease <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      reason = maxAbs(g) <= gtol ? 'gradient' : 'function';
      break;
    }
  }
  const gradientNorm = maxAbs(g);
  return {
    x,
    value: f,
    gradientNorm,
    iterations,
    evaluations,
    converged: reason === 'gradient' || reason === 'function',
    reason,
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
