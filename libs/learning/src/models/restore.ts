import { ConfigurationError } from '../errors';
import type { EngineChoice } from '../network/create-engine';
import type { FeaturePipeline } from '../features/feature-pipeline';
import { LinearRegression, LogisticRegression, SoftmaxRegression } from './linear-models';
import { MultilayerPerceptron } from './mlp';
import type { Model, ModelConfig, ModelState } from './model';

/**
 * Rebuilds a model of the right class from its config, pipeline and learned state (the
 * inverse of `model.config`, `model.pipeline`, `model.getState()`), optionally on another engine.
 */
export function restoreModel(
  config: ModelConfig,
  pipeline: FeaturePipeline,
  state: ModelState,
  engine: EngineChoice = config.engine,
): Model {
  const common = {
    features: pipeline,
    optimizer: config.optimizer,
    l2: config.l2,
    seed: config.seed,
    engine,
  };
  let model: Model;
  switch (config.kind) {
    case 'logistic-regression':
      model = new LogisticRegression({
        ...common,
        classes: config.classes as [string | number, string | number],
      });
      break;
    case 'softmax-regression':
      model = new SoftmaxRegression({ ...common, classes: config.classes });
      break;
    case 'linear-regression':
      model = new LinearRegression(common);
      break;
    case 'mlp':
      model = new MultilayerPerceptron({
        ...common,
        task: config.task,
        classes: config.task === 'regression' ? undefined : config.classes,
        hiddenLayers: config.network.hidden,
        activation: config.network.activation,
      });
      break;
    default:
      throw new ConfigurationError(
        'kind',
        `unknown model kind '${String((config as { kind: unknown }).kind)}'`,
      );
  }
  const built = JSON.stringify(model.config.network);
  if (built !== JSON.stringify(config.network)) {
    model.dispose();
    throw new ConfigurationError(
      'network',
      `config describes ${JSON.stringify(config.network)}, rebuilt ${built}`,
    );
  }
  model.setState(state);
  return model;
}
