import { ConfigurationError } from '../errors';
import { slotCount, type OptimizerState, type ResolvedOptimizer } from './optimizer';
import { parameterShapes, type NetworkSpec } from './spec';

/** Checks that parameters have the count and sizes `spec` implies; returns them. */
export function checkParameters(spec: NetworkSpec, params: readonly Float32Array[]): readonly Float32Array[] {
  const shapes = parameterShapes(spec);
  if (params.length !== shapes.length)
    throw new ConfigurationError('parameters', `expected ${shapes.length} arrays, got ${params.length}`);
  shapes.forEach((s, i) => {
    if (!(params[i] instanceof Float32Array) || params[i].length !== s.size)
      throw new ConfigurationError(
        `parameters.${s.name}`,
        `expected a Float32Array of ${s.size} values (shape ${s.shape.join('x')}), got ${params[i]?.length}`,
      );
  });
  return params;
}

export function checkOptimizerState(
  opt: ResolvedOptimizer,
  sizes: readonly number[],
  state: OptimizerState,
): OptimizerState {
  if (!Number.isInteger(state.step) || state.step < 0)
    throw new ConfigurationError('optimizerState.step', `must be a non-negative integer, got ${state.step}`);
  if (state.slots.length !== slotCount(opt))
    throw new ConfigurationError(
      'optimizerState.slots',
      `optimizer ${opt.type} keeps ${slotCount(opt)} slots per parameter, got ${state.slots.length}`,
    );
  state.slots.forEach((slot, k) => {
    if (slot.length !== sizes.length || slot.some((a, p) => a.length !== sizes[p]))
      throw new ConfigurationError(`optimizerState.slots[${k}]`, 'sizes do not match the parameters');
  });
  return state;
}
