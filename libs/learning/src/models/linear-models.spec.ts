import { matrixExamples, numericFeatures, readVectors } from '../../test/vectors';
import { initTfjsBackend } from '../backend/tfjs-backend';
import { LinearRegression, LogisticRegression, SoftmaxRegression } from './linear-models';

interface Case {
  name: string;
  model: 'logistic' | 'softmax' | 'linear';
  sklearn: string;
  l2: number;
  X: number[][];
  y: number[];
  weights: number[] | null;
  coef: number[][];
  intercept: number[];
}

const { cases } = readVectors<{ cases: Case[] }>('linear-models.json');

/**
 * Stated tolerance: converged coefficients and intercepts within 1e-4 (absolute) of
 * scikit-learn's, on both engines. Softmax intercepts are compared after centring (they are
 * unpenalised, so only defined up to a common constant).
 */
const TOLERANCE = 1e-4;

function build(c: Case, engine: 'js' | 'tfjs') {
  const options = { features: numericFeatures(c.X[0].length, false), l2: c.l2, engine };
  if (c.model === 'logistic') return new LogisticRegression(options);
  if (c.model === 'softmax') return new SoftmaxRegression({ ...options, classes: [0, 1, 2] });
  return new LinearRegression(options);
}

const centred = (a: ArrayLike<number>, centre: boolean) => {
  const m = centre ? Array.from(a).reduce((s, v) => s + v, 0) / a.length : 0;
  return Array.from(a, (v) => v - m);
};

describe.each([
  ['js', 'cpu'],
  ['tfjs', 'cpu'],
  ['tfjs', 'wasm'],
] as const)(
  'fit to convergence on the %s engine (tfjs backend %s) agrees with scikit-learn',
  (engine, backend) => {
    beforeAll(async () => {
      await initTfjsBackend([backend]);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const model = build(c, engine);
      const report = model.fit(matrixExamples(c.X, c.y, c.weights));
      expect(report.converged).toBe(true);
      expect(report.solver).toBe('lbfgs');
      const { weights, intercepts, outputs } = model.coefficients();
      c.coef.forEach((row, i) =>
        row.forEach((v, j) => expect(Math.abs(weights[i * outputs + j] - v)).toBeLessThan(TOLERANCE)),
      );
      const mine = centred(intercepts, outputs > 1);
      centred(c.intercept, outputs > 1).forEach((v, j) =>
        expect(Math.abs(mine[j] - v)).toBeLessThan(TOLERANCE),
      );
      model.dispose();
    });
  },
);
