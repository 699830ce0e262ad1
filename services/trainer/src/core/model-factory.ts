import { type ModelContract } from '@continuum/events';
import {
  type FeatureSpec,
  type FitOptions,
  type Label,
  LinearRegression,
  LogisticRegression,
  type Model,
  type ModelOptions,
  MultilayerPerceptron,
  type OptimizerConfig,
  SoftmaxRegression,
} from '@continuum/learning';
import { TrainingFailure, type TrainingPlan } from './plan';
import { type TrainingExample } from './training-example';

/** Buckets of a categorical feature without a known vocabulary (hashed, like scikit-learn's FeatureHasher). */
const HASH_BUCKETS = 32;

/** The feature pipeline of a contract: numeric standardised, categorical one-hot over its categories or hashed. */
export function featuresFromContract(contract: ModelContract): FeatureSpec[] {
  return contract.features.map((f): FeatureSpec => {
    if (f.type === 'NUMERIC') return { name: f.name, type: 'numeric', missingIndicator: !f.required };
    return f.categories.length > 0
      ? { name: f.name, type: 'one-hot', vocabulary: f.categories, unknown: 'other' }
      : { name: f.name, type: 'hashed', buckets: HASH_BUCKETS };
  });
}

/** Without a contract: every numeric and categorical name the examples carry, sorted. */
export function featuresFromExamples(examples: readonly TrainingExample[]): FeatureSpec[] {
  const numeric = new Set<string>();
  const categorical = new Set<string>();
  for (const e of examples) {
    for (const name in e.numeric) numeric.add(name);
    for (const name in e.categorical) categorical.add(name);
  }
  return [
    ...[...numeric].sort().map((name): FeatureSpec => ({ name, type: 'numeric', missingIndicator: true })),
    ...[...categorical]
      .filter((n) => !numeric.has(n))
      .sort()
      .map((name): FeatureSpec => ({ name, type: 'hashed', buckets: HASH_BUCKETS })),
  ];
}

/** Distinct labels, numbers ascending or strings in code-point order; numbers 0/1 complete a binary pair. */
export function inferClasses(examples: readonly TrainingExample[], binary: boolean): Label[] {
  const seen = new Set<number | string>();
  for (const e of examples) seen.add(e.label);
  const values = [...seen];
  if (values.every((v) => typeof v === 'number')) {
    const numbers = values as number[];
    if (binary && numbers.every((v) => v === 0 || v === 1)) return [0, 1];
    return numbers.sort((a, b) => a - b);
  }
  return values.map(String).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a model is built from: the parts of a plan an online learner also has. */
export type ModelSpec = Pick<
  TrainingPlan,
  'family' | 'task' | 'contract' | 'hyperParameters' | 'classes' | 'seed'
>;

function optimizer(plan: ModelSpec): OptimizerConfig | undefined {
  const h = plan.hyperParameters;
  if (h.optimizer === undefined && h.learningRate === undefined) return undefined;
  const type = h.optimizer ?? (plan.family === 'mlp' ? 'adam' : 'sgd');
  const learningRate = h.learningRate ?? (type === 'adam' ? 0.001 : 0.01);
  return type === 'sgd' ? { type, learningRate, momentum: h.momentum } : { type, learningRate };
}

/** A fresh model of the plan's family, seeded, for the examples' features and classes. */
export function createModel(plan: ModelSpec, examples: readonly TrainingExample[]): Model {
  const features = plan.contract ? featuresFromContract(plan.contract) : featuresFromExamples(examples);
  if (features.length === 0) throw new TrainingFailure('INVALID_REQUEST', 'the model has no features');
  const base: ModelOptions = {
    features: { features },
    seed: plan.seed,
    l2: plan.hyperParameters.l2,
    optimizer: optimizer(plan),
    engine: 'js',
  };
  const binary = plan.task === 'BINARY_CLASSIFICATION';
  const classes: Label[] | undefined =
    plan.task === 'REGRESSION' ? undefined : (plan.classes ?? inferClasses(examples, binary));
  if (classes && (binary ? classes.length !== 2 : classes.length < 2))
    throw new TrainingFailure(
      'INVALID_REQUEST',
      `a ${plan.task} model needs ${binary ? 'exactly 2' : 'at least 2'} classes; the window has ${classes.length} (${classes.join(', ')}); set classes in the policy`,
    );
  switch (plan.family) {
    case 'logistic-regression':
      return new LogisticRegression({ ...base, classes: classes as [Label, Label] });
    case 'softmax-regression':
      return new SoftmaxRegression({ ...base, classes: classes! });
    case 'linear-regression':
      return new LinearRegression(base);
    case 'mlp':
      return new MultilayerPerceptron({
        ...base,
        task: binary ? 'binary' : plan.task === 'REGRESSION' ? 'regression' : 'multiclass',
        classes,
        hiddenLayers: plan.hyperParameters.hiddenLayers,
        activation: plan.hyperParameters.activation,
      });
  }
}

export function fitOptions(plan: TrainingPlan): FitOptions {
  const h = plan.hyperParameters;
  return { solver: h.solver, maxIterations: h.maxIterations, epochs: h.epochs, batchSize: h.batchSize };
}
