import { ConfigurationError } from '../errors';

/**
 * Plain stochastic gradient descent, optionally with (heavy-ball) momentum:
 * `v <- momentum * v + g; w <- w - lr_t * v` (momentum 0 gives `w <- w - lr_t * g`).
 * `lr_t` is constant, or `lr / t^power` with `decay: 'invscaling'` (scikit-learn's
 * SGD `invscaling` schedule, t counting steps from 1).
 */
export interface SgdConfig {
  readonly type: 'sgd';
  readonly learningRate: number;
  readonly momentum?: number;
  readonly decay?: 'constant' | 'invscaling';
  readonly power?: number;
}

/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), with bias
 * correction: `m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
 * w <- w - lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + epsilon)`.
 */
export interface AdamConfig {
  readonly type: 'adam';
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export type OptimizerConfig = SgdConfig | AdamConfig;

/** Fully specified optimizer settings, defaults filled in. */
export type ResolvedOptimizer =
  | { type: 'sgd'; learningRate: number; momentum: number; decay: 'constant' | 'invscaling'; power: number }
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };

export function resolveOptimizer(config: OptimizerConfig): ResolvedOptimizer {
  const lr = config.learningRate;
  if (!(lr > 0) || !Number.isFinite(lr))
    throw new ConfigurationError('optimizer.learningRate', `must be a positive number, got ${lr}`);
  if (config.type === 'sgd') {
    const momentum = config.momentum ?? 0;
    if (!(momentum >= 0 && momentum < 1))
      throw new ConfigurationError('optimizer.momentum', `must be in [0, 1), got ${momentum}`);
    const decay = config.decay ?? 'constant';
    if (decay !== 'constant' && decay !== 'invscaling')
      throw new ConfigurationError(
        'optimizer.decay',
        `must be 'constant' or 'invscaling', got ${String(decay)}`,
      );
    const power = config.power ?? 0.25;
    if (!(power > 0)) throw new ConfigurationError('optimizer.power', `must be positive, got ${power}`);
    return { type: 'sgd', learningRate: lr, momentum, decay, power };
  }
  if (config.type === 'adam') {
    const beta1 = config.beta1 ?? 0.9;
    const beta2 = config.beta2 ?? 0.999;
    const epsilon = config.epsilon ?? 1e-7;
    for (const [name, v] of [
      ['beta1', beta1],
      ['beta2', beta2],
    ] as const)
      if (!(v >= 0 && v < 1))
        throw new ConfigurationError(`optimizer.${name}`, `must be in [0, 1), got ${v}`);
    if (!(epsilon > 0)) throw new ConfigurationError('optimizer.epsilon', `must be positive, got ${epsilon}`);
    return { type: 'adam', learningRate: lr, beta1, beta2, epsilon };
  }
  throw new ConfigurationError(
    'optimizer.type',
    `must be 'sgd' or 'adam', got ${(config as { type: unknown }).type}`,
  );
}

/** Number of per-parameter slot arrays the optimizer keeps (momentum: 1, adam: m and v). */
export function slotCount(opt: ResolvedOptimizer): number {
  if (opt.type === 'adam') return 2;
  return opt.momentum > 0 ? 1 : 0;
}

/**
 * Optimizer state: the step counter and, per parameter, its slot arrays (`slots[k][p]` is
 * slot k of parameter p). Saved in artifacts so that a reloaded model continues training
 * exactly where it stopped.
 */
export interface OptimizerState {
  step: number;
  slots: Float32Array[][];
}

export function emptyOptimizerState(opt: ResolvedOptimizer, sizes: readonly number[]): OptimizerState {
  const slots: Float32Array[][] = [];
  for (let k = 0; k < slotCount(opt); k++) slots.push(sizes.map((n) => new Float32Array(n)));
  return { step: 0, slots };
}

/** Learning rate of step `t` (1-based). */
export function learningRateAt(opt: ResolvedOptimizer, t: number): number {
  if (opt.type === 'sgd' && opt.decay === 'invscaling') return opt.learningRate / Math.pow(t, opt.power);
  return opt.learningRate;
}
