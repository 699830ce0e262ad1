export const EVALUATOR_CONFIG = Symbol('EvaluatorConfig');
