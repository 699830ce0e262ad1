import type { Label } from '../example';
import { ConfigurationError } from '../errors';
import { Model, type ModelOptions } from './model';

/**
 * Learned coefficients of a linear model in the pipeline's column space:
 * `weights[i * outputs + j]` is the coefficient of column i for output j.
 */
export interface Coefficients {
  readonly columns: readonly string[];
  readonly outputs: number;
  readonly weights: Float32Array;
  readonly intercepts: Float32Array;
}

/** Default optimizer of the linear models: plain SGD, learning rate 0.01 (River's default). */
const LINEAR_SGD = { type: 'sgd', learningRate: 0.01 } as const;

abstract class LinearModel extends Model {
  /** Coefficients and intercepts, per pipeline column. */
  coefficients(): Coefficients {
    const [weights, intercepts] = this.engine.getParameters();
    return {
      columns: this.pipeline.columnNames(),
      outputs: this.config.network.outputSize,
      weights,
      intercepts,
    };
  }
}

export interface LogisticRegressionOptions extends ModelOptions {
  /** `[negative, positive]`; default `[0, 1]`. */
  readonly classes?: readonly [Label, Label];
}

/**
 * Binary logistic regression: P(y = classes[1] | x) = sigmoid(w·x + b), trained on the log
 * loss with an optional L2 penalty. Online updates are SGD steps (default learning rate
 * 0.01, as River's `linear_model.LogisticRegression`); `fit` solves the full-batch problem
 * with L-BFGS like scikit-learn's `LogisticRegression(solver='lbfgs')` with C = 1 / (l2·n).
 */
export class LogisticRegression extends LinearModel {
  constructor(options: LogisticRegressionOptions) {
    super(
      'logistic-regression',
      'binary',
      options,
      () => ({ hidden: [], activation: 'linear', outputSize: 1, head: 'logistic' }),
      options?.classes,
      LINEAR_SGD,
    );
  }
}

export interface SoftmaxRegressionOptions extends ModelOptions {
  readonly classes: readonly Label[];
}

/**
 * Multinomial (softmax) logistic regression over K classes: P(y = k | x) = softmax(W x + b)_k,
 * cross-entropy loss, optional L2 penalty on W — scikit-learn's multinomial
 * `LogisticRegression` with C = 1 / (l2·n). As there, the intercepts are unpenalised and so
 * determined only up to a common constant.
 */
export class SoftmaxRegression extends LinearModel {
  constructor(options: SoftmaxRegressionOptions) {
    if (!options?.classes)
      throw new ConfigurationError('classes', 'a softmax regression needs its list of classes');
    super(
      'softmax-regression',
      'multiclass',
      options,
      (_, labels) => ({ hidden: [], activation: 'linear', outputSize: labels.outputs, head: 'softmax' }),
      options.classes,
      LINEAR_SGD,
    );
  }
}

/**
 * Linear regression: y = w·x + b, River's squared loss (p − y)² (gradient 2(p − y), not the
 * halved form), optional L2 penalty: the objective mean((p − y)²) + (l2/2)·||w||² is ridge with
 * scikit-learn's alpha = l2·n/2. `fit` solves it with L-BFGS; online updates are SGD steps, at
 * the default learning rate 0.01 exactly River's `linear_model.LinearRegression().learn_one`
 * (same loss, same rate for weights and intercept, zero initial weights).
 */
export class LinearRegression extends LinearModel {
  constructor(options: ModelOptions) {
    super(
      'linear-regression',
      'regression',
      options,
      () => ({ hidden: [], activation: 'linear', outputSize: 1, head: 'identity' }),
      undefined,
      LINEAR_SGD,
    );
  }

  /** River's `Squared` loss: twice the engines' halved squared error. */
  protected override readonly lossScale = 2;

  override predict(examples: Parameters<Model['predict']>[0]): number[] {
    return Array.from(this.predictRaw(examples));
  }
}
