import { ConfigurationError } from '../errors';
import type { Label } from '../example';
import type { Activation } from '../network/spec';
import type { Task } from './labels';
import { Model, type ModelOptions } from './model';

export interface MultilayerPerceptronOptions extends ModelOptions {
  readonly task: Task;
  /** Classes (binary: `[negative, positive]`, default `[0, 1]`; multiclass: required). */
  readonly classes?: readonly Label[];
  /** Units per hidden layer, input to output (default `[32]`). */
  readonly hiddenLayers?: readonly number[];
  /** Hidden activation (default `relu`). */
  readonly activation?: Activation;
}

/**
 * A small fully connected network: hidden dense layers with `activation`, then a sigmoid
 * (binary), softmax (multiclass) or linear (regression) output. Default optimizer Adam
 * with learning rate 0.001, as scikit-learn's MLPClassifier and Keras use; initial weights
 * Glorot/He-uniform from the seed.
 */
export class MultilayerPerceptron extends Model {
  constructor(options: MultilayerPerceptronOptions) {
    const hidden = options?.hiddenLayers ?? [32];
    if (!Array.isArray(hidden) || hidden.length === 0)
      throw new ConfigurationError('hiddenLayers', 'an MLP needs at least one hidden layer');
    super(
      'mlp',
      options.task,
      options,
      (_, labels) => ({
        hidden: [...hidden],
        activation: options.activation ?? 'relu',
        outputSize: labels.outputs,
        head: options.task === 'binary' ? 'logistic' : options.task === 'multiclass' ? 'softmax' : 'identity',
      }),
      options.classes,
      { type: 'adam', learningRate: 0.001 },
    );
  }
}
