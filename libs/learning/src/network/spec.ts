import { ConfigurationError } from '../errors';
import { SeededRandom } from '../random';

/** Activation of a hidden layer. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear';

/**
 * Output head, which fixes the loss (each pair is a canonical link, so the gradient of the
 * loss with respect to the pre-activation is simply `output - target`):
 * - `logistic`: one sigmoid unit, binary log loss;
 * - `softmax`: K units, categorical cross-entropy;
 * - `identity`: linear units, squared error (halved).
 */
export type Head = 'logistic' | 'softmax' | 'identity';

/**
 * Topology of a dense feed-forward network. The linear models are the case with no hidden
 * layer: logistic regression = `{hidden: [], head: 'logistic'}`, and so on.
 */
export interface NetworkSpec {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly outputSize: number;
  readonly head: Head;
}

/** Name and shape of one parameter tensor, in the order engines and artifacts store them. */
export interface ParameterShape {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** Kernels are L2-penalised, biases are not. */
  readonly penalised: boolean;
}

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'linear'];
export const HEADS: readonly Head[] = ['logistic', 'softmax', 'identity'];

export function validateNetworkSpec(spec: NetworkSpec): NetworkSpec {
  const positiveInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1)
      throw new ConfigurationError(name, `must be a positive integer, got ${v}`);
  };
  positiveInt(spec.inputSize, 'network.inputSize');
  positiveInt(spec.outputSize, 'network.outputSize');
  spec.hidden.forEach((u, i) => positiveInt(u, `network.hidden[${i}]`));
  if (!ACTIVATIONS.includes(spec.activation))
    throw new ConfigurationError('network.activation', `must be one of ${ACTIVATIONS.join(', ')}`);
  if (!HEADS.includes(spec.head))
    throw new ConfigurationError('network.head', `must be one of ${HEADS.join(', ')}`);
  if (spec.head === 'logistic' && spec.outputSize !== 1)
    throw new ConfigurationError(
      'network.outputSize',
      `a logistic head has 1 output, got ${spec.outputSize}`,
    );
  if (spec.head === 'softmax' && spec.outputSize < 2)
    throw new ConfigurationError('network.outputSize', `a softmax head needs at least 2 outputs`);
  return spec;
}

/** Layer sizes from input to output, e.g. [20, 32, 1]. */
export function layerSizes(spec: NetworkSpec): number[] {
  return [spec.inputSize, ...spec.hidden, spec.outputSize];
}

/** Parameters in storage order: dense_0/kernel [in, out], dense_0/bias [out], dense_1/kernel, ... */
export function parameterShapes(spec: NetworkSpec): ParameterShape[] {
  const sizes = layerSizes(spec);
  const shapes: ParameterShape[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    shapes.push({
      name: `dense_${l}/kernel`,
      shape: [sizes[l], sizes[l + 1]],
      size: sizes[l] * sizes[l + 1],
      penalised: true,
    });
    shapes.push({ name: `dense_${l}/bias`, shape: [sizes[l + 1]], size: sizes[l + 1], penalised: false });
  }
  return shapes;
}

export function parameterCount(spec: NetworkSpec): number {
  return parameterShapes(spec).reduce((n, p) => n + p.size, 0);
}

/**
 * Initial parameters, drawn from the seeded generator so every engine starts from the same
 * numbers. Linear models start at zero (as scikit-learn and River do: the objective is
 * convex). Hidden layers use Glorot-uniform (tanh, sigmoid, linear) or He-uniform (relu)
 * kernels and zero biases; the output layer of an MLP uses Glorot-uniform.
 */
export function initialParameters(spec: NetworkSpec, seed: number): Float32Array[] {
  const rng = new SeededRandom(seed);
  const sizes = layerSizes(spec);
  const params: Float32Array[] = [];
  const linear = spec.hidden.length === 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const kernel = new Float32Array(fanIn * fanOut);
    if (!linear) {
      const isOutput = l + 2 === sizes.length;
      const limit =
        !isOutput && spec.activation === 'relu' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-limit, limit);
    }
    params.push(kernel, new Float32Array(fanOut));
  }
  return params;
}

/** Copies parameters (each array cloned). */
export function cloneParameters(params: readonly Float32Array[]): Float32Array[] {
  return params.map((p) => p.slice());
}

/** Concatenates parameters into one float64 vector (the variable of full-batch solvers). */
export function flattenParameters(params: readonly ArrayLike<number>[]): Float64Array {
  const total = params.reduce((n, p) => n + p.length, 0);
  const flat = new Float64Array(total);
  let o = 0;
  for (const p of params) {
    for (let i = 0; i < p.length; i++) flat[o + i] = p[i];
    o += p.length;
  }
  return flat;
}

/** Splits a flat vector back into float32 parameters shaped like `spec`. */
export function unflattenParameters(spec: NetworkSpec, flat: ArrayLike<number>): Float32Array[] {
  const out: Float32Array[] = [];
  let o = 0;
  for (const s of parameterShapes(spec)) {
    const p = new Float32Array(s.size);
    for (let i = 0; i < s.size; i++) p[i] = flat[o + i];
    out.push(p);
    o += s.size;
  }
  return out;
}
