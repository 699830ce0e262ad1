import { readVectors } from '../../test/vectors';
import { ClassificationAccumulator, RegressionAccumulator } from './accumulators';
import {
  accuracy,
  brierScore,
  confusionMatrix,
  logLoss,
  meanAbsoluteError,
  precisionRecallF1,
  r2Score,
  rocAuc,
  rocAucOneVsRest,
  rootMeanSquaredError,
} from '@continuum/stats';

interface MetricVectors {
  binary: { yTrue: number[]; score: number[]; [metric: string]: number | number[] };
  multiclass: {
    k: number;
    yTrue: number[];
    proba: number[][];
    [metric: string]: number | number[] | number[][];
  };
  regression: { yTrue: number[]; yPred: number[]; mae: number; rmse: number; r2: number };
  regressionConstantTarget: { yTrue: number[]; yPred: number[]; r2: number };
}

const v = readVectors<MetricVectors>('metrics.json');
const PRECISION = 12; // digits: the arithmetic is float64 on both sides

describe('classification metrics agree with scikit-learn', () => {
  const bin = v.binary;
  const binPred = bin.score.map((s) => (s > 0.5 ? 1 : 0));
  const multi = v.multiclass;
  const flat = multi.proba.flat();
  const multiPred = multi.proba.map((row) => row.indexOf(Math.max(...row)));

  it('binary: accuracy, precision, recall, F1, ROC AUC (with ties), log loss, Brier', () => {
    expect(accuracy(bin.yTrue, binPred)).toBeCloseTo(bin.accuracy as number, PRECISION);
    const prf = precisionRecallF1(confusionMatrix(bin.yTrue, binPred, 2), 2, 'binary');
    expect(prf.precision).toBeCloseTo(bin.precision as number, PRECISION);
    expect(prf.recall).toBeCloseTo(bin.recall as number, PRECISION);
    expect(prf.f1).toBeCloseTo(bin.f1 as number, PRECISION);
    expect(rocAuc(bin.yTrue, bin.score)).toBeCloseTo(bin.rocAuc as number, PRECISION);
    expect(logLoss(bin.yTrue, bin.score, 2, true)).toBeCloseTo(bin.logLoss as number, PRECISION);
    expect(brierScore(bin.yTrue, bin.score, 2, true)).toBeCloseTo(bin.brier as number, PRECISION);
  });

  it('multiclass: accuracy, macro precision/recall/F1, one-vs-rest macro AUC, log loss, Brier', () => {
    const k = multi.k;
    expect(accuracy(multi.yTrue, multiPred)).toBeCloseTo(multi.accuracy as number, PRECISION);
    const prf = precisionRecallF1(confusionMatrix(multi.yTrue, multiPred, k), k, 'macro');
    expect(prf.precision).toBeCloseTo(multi.precision as number, PRECISION);
    expect(prf.recall).toBeCloseTo(multi.recall as number, PRECISION);
    expect(prf.f1).toBeCloseTo(multi.f1 as number, PRECISION);
    expect(rocAucOneVsRest(multi.yTrue, flat, k)).toBeCloseTo(multi.rocAuc as number, PRECISION);
    expect(logLoss(multi.yTrue, flat, k, false)).toBeCloseTo(multi.logLoss as number, PRECISION);
    expect(brierScore(multi.yTrue, flat, k, false)).toBeCloseTo(multi.brier as number, PRECISION);
  });

  it('the streaming accumulators give the same values when fed in uneven chunks', () => {
    const acc = new ClassificationAccumulator('binary', 2);
    for (let i = 0; i < bin.yTrue.length; i += 37)
      acc.update(bin.yTrue.slice(i, i + 37), bin.score.slice(i, i + 37), Math.min(37, bin.yTrue.length - i));
    const r = acc.result();
    // Scores pass through float32 storage for the AUC only, which keeps their order here.
    expect(r.count).toBe(bin.yTrue.length);
    for (const m of ['accuracy', 'precision', 'recall', 'f1', 'logLoss', 'brier'] as const)
      expect(r[m]).toBeCloseTo(bin[m] as number, 10);
    expect(r.rocAuc).toBeCloseTo(bin.rocAuc as number, 10);

    const k = multi.k;
    const macc = new ClassificationAccumulator('multiclass', k);
    for (let i = 0; i < multi.yTrue.length; i += 50)
      macc.update(
        multi.yTrue.slice(i, i + 50),
        flat.slice(i * k, (i + 50) * k),
        Math.min(50, multi.yTrue.length - i),
      );
    const mr = macc.result();
    for (const m of ['accuracy', 'precision', 'recall', 'f1', 'logLoss', 'brier', 'rocAuc'] as const)
      expect(mr[m]).toBeCloseTo(multi[m] as number, 6);
  });

  it('ROC AUC is NaN with one class, and precision 0 without positive predictions', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toBeNaN();
    expect(precisionRecallF1(confusionMatrix([1, 0, 1], [0, 0, 0], 2), 2, 'binary')).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it('refuses mismatched lengths and out-of-range classes', () => {
    expect(() => accuracy([1, 0], [1])).toThrow(/yPred/);
    expect(() => new ClassificationAccumulator('binary', 2).update([2], [0.3], 1)).toThrow(/targets\[0\]/);
  });
});

describe('regression metrics agree with scikit-learn', () => {
  it('MAE, RMSE, R² on arrays and streaming', () => {
    const r = v.regression;
    expect(meanAbsoluteError(r.yTrue, r.yPred)).toBeCloseTo(r.mae, PRECISION);
    expect(rootMeanSquaredError(r.yTrue, r.yPred)).toBeCloseTo(r.rmse, PRECISION);
    expect(r2Score(r.yTrue, r.yPred)).toBeCloseTo(r.r2, PRECISION);
    const acc = new RegressionAccumulator();
    for (let i = 0; i < r.yTrue.length; i += 9)
      acc.update(r.yTrue.slice(i, i + 9), r.yPred.slice(i, i + 9), Math.min(9, r.yTrue.length - i));
    const s = acc.result();
    expect(s.mae).toBeCloseTo(r.mae, 10);
    expect(s.rmse).toBeCloseTo(r.rmse, 10);
    expect(s.r2).toBeCloseTo(r.r2, 10);
  });

  it('R² of a constant target follows force_finite', () => {
    const c = v.regressionConstantTarget;
    expect(r2Score(c.yTrue, c.yPred)).toBe(c.r2);
    expect(r2Score(c.yTrue, c.yTrue)).toBe(1);
  });
});
