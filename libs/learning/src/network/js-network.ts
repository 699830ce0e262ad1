import type { EngineInit, FullBatchObjective, NetworkEngine, TrainBatch } from './engine';
import {
  emptyOptimizerState,
  learningRateAt,
  slotCount,
  type OptimizerState,
  type ResolvedOptimizer,
} from './optimizer';
import { layerSizes, parameterShapes, type Activation, type NetworkSpec } from './spec';
import { checkParameters, checkOptimizerState } from './checks';

type Params = readonly (Float32Array | Float64Array)[];

/**
 * Dense network in plain TypeScript: forward pass, back-propagation and optimizer updates
 * as loops over typed arrays, in float64 arithmetic with float32 parameter storage (the
 * same storage as tfjs, so artifacts and the two engines are interchangeable).
 *
 * Why it exists: for models of this size (tens of features, a few small layers) a tfjs
 * call costs far more than its arithmetic, so a logistic-regression update on one example
 * takes microseconds in tfjs and tens of nanoseconds here. See the README's measurements.
 */
export class JsNetwork implements NetworkEngine {
  readonly name = 'js';
  readonly spec: NetworkSpec;
  private readonly sizes: number[];
  private readonly optimizer: ResolvedOptimizer;
  private readonly l2: number;
  private params: Float32Array[];
  private state: OptimizerState;
  private readonly grads: Float64Array[];
  // Per-layer buffers: acts[0] is unused (the input), acts[l] holds layer l's
  // post-activation output (hidden layers) or pre-activation logits (output layer).
  private acts: Float64Array[] = [];
  private deltas: Float64Array[] = [];
  private capacity = 0;
  /** One row's logits, for the linear fast path. */
  private readonly logits: Float64Array;

  constructor(init: EngineInit) {
    this.spec = init.spec;
    this.sizes = layerSizes(init.spec);
    this.optimizer = init.optimizer;
    this.l2 = init.l2;
    this.params = checkParameters(init.spec, init.parameters).map((p) => p.slice());
    const sizes = parameterShapes(init.spec).map((s) => s.size);
    this.state = init.optimizerState
      ? cloneState(checkOptimizerState(init.optimizer, sizes, init.optimizerState))
      : emptyOptimizerState(init.optimizer, sizes);
    this.grads = sizes.map((n) => new Float64Array(n));
    this.logits = new Float64Array(init.spec.outputSize);
  }

  predict(x: Float32Array, rows: number): Float32Array {
    this.ensureCapacity(rows);
    forward(this.spec, this.sizes, this.params, x, rows, this.acts);
    const o = this.spec.outputSize;
    const out = new Float32Array(rows * o);
    applyHead(this.spec.head, this.acts[this.sizes.length - 1], rows, o, out);
    return out;
  }

  trainStep(batch: TrainBatch): void {
    if (batch.rows === 0) return;
    this.lossAndGradient(this.params, batch, this.grads, false);
    this.applyUpdate();
  }

  loss(batch: TrainBatch): number {
    return this.lossAndGradient(this.params, batch, null, true);
  }

  createObjective(batch: TrainBatch): FullBatchObjective {
    const shapes = parameterShapes(this.spec);
    const size = shapes.reduce((n, s) => n + s.size, 0);
    const grads = shapes.map((s) => new Float64Array(s.size));
    return {
      size,
      noise: 0,
      evaluate: (flat, gradient) => {
        const views: Float64Array[] = [];
        let o = 0;
        for (const s of shapes) {
          views.push(flat.subarray(o, o + s.size));
          o += s.size;
        }
        const value = this.lossAndGradient(views, batch, grads, true);
        o = 0;
        for (const g of grads) {
          gradient.set(g, o);
          o += g.length;
        }
        return value;
      },
      dispose: () => undefined,
    };
  }

  getParameters(): Float32Array[] {
    return this.params.map((p) => p.slice());
  }

  setParameters(parameters: readonly Float32Array[]): void {
    this.params = checkParameters(this.spec, parameters).map((p) => p.slice());
  }

  getOptimizerState(): OptimizerState {
    return cloneState(this.state);
  }

  setOptimizerState(state: OptimizerState): void {
    const sizes = this.params.map((p) => p.length);
    this.state = cloneState(checkOptimizerState(this.optimizer, sizes, state));
  }

  dispose(): void {
    this.acts = [];
    this.deltas = [];
    this.capacity = 0;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const cap = Math.max(rows, this.capacity * 2, 1);
    this.acts = this.sizes.map((n, l) => new Float64Array(l === 0 ? 0 : cap * n));
    this.deltas = this.sizes.map((n, l) => new Float64Array(l === 0 ? 0 : cap * n));
    this.capacity = cap;
  }

  /**
   * Objective (if `wantLoss`) and, if `grads` is given, its gradient at `params`.
   * Returns NaN when the loss is not requested.
   */
  private lossAndGradient(
    params: Params,
    batch: TrainBatch,
    grads: Float64Array[] | null,
    wantLoss: boolean,
  ): number {
    const { spec, sizes } = this;
    if (sizes.length === 2)
      return linearObjective(spec, params, batch, grads, this.l2, this.logits, wantLoss);
    const rows = batch.rows;
    this.ensureCapacity(rows);
    const acts = this.acts;
    const deltas = this.deltas;
    forward(spec, sizes, params, batch.x, rows, acts);
    const L = sizes.length - 1;
    const o = spec.outputSize;
    const logits = acts[L];
    const dOut = deltas[L];
    const y = batch.y;
    const w = batch.weights ?? null;
    const invN = 1 / rows;
    let loss = 0;
    // Output delta = (head output - target) * w_r / n: the canonical-link gradient.
    for (let r = 0; r < rows; r++) {
      const wr = w === null ? 1 : w[r];
      const base = r * o;
      if (spec.head === 'logistic') {
        const z = logits[r];
        const t = y[r];
        const p = sigmoid(z);
        dOut[r] = (p - t) * wr * invN;
        if (wantLoss) loss += wr * (softplus(z) - t * z);
      } else if (spec.head === 'softmax') {
        let max = -Infinity;
        for (let j = 0; j < o; j++) if (logits[base + j] > max) max = logits[base + j];
        let sum = 0;
        for (let j = 0; j < o; j++) sum += Math.exp(logits[base + j] - max);
        const lse = max + Math.log(sum);
        const cls = y[r];
        for (let j = 0; j < o; j++) {
          const p = Math.exp(logits[base + j] - lse);
          dOut[base + j] = (p - (j === cls ? 1 : 0)) * wr * invN;
        }
        if (wantLoss) loss += wr * (lse - logits[base + cls]);
      } else {
        for (let j = 0; j < o; j++) {
          const e = logits[base + j] - y[base + j];
          dOut[base + j] = e * wr * invN;
          if (wantLoss) loss += 0.5 * wr * e * e;
        }
      }
    }
    loss *= invN;
    if (this.l2 > 0 && wantLoss) {
      let sq = 0;
      for (let l = 0; l < L; l++) {
        const k = params[2 * l];
        for (let i = 0; i < k.length; i++) sq += k[i] * k[i];
      }
      loss += 0.5 * this.l2 * sq;
    }
    if (grads !== null) backward(spec, sizes, params, batch.x, rows, acts, deltas, grads, this.l2);
    return wantLoss ? loss : NaN;
  }

  private applyUpdate(): void {
    const opt = this.optimizer;
    const state = this.state;
    state.step += 1;
    const t = state.step;
    const lr = learningRateAt(opt, t);
    const params = this.params;
    const grads = this.grads;
    if (opt.type === 'sgd') {
      if (slotCount(opt) === 0) {
        for (let p = 0; p < params.length; p++) {
          const w = params[p];
          const g = grads[p];
          for (let i = 0; i < w.length; i++) w[i] = w[i] - lr * g[i];
        }
      } else {
        const mu = opt.momentum;
        for (let p = 0; p < params.length; p++) {
          const w = params[p];
          const g = grads[p];
          const v = state.slots[0][p];
          for (let i = 0; i < w.length; i++) {
            const vi = (v[i] = mu * v[i] + g[i]);
            w[i] = w[i] - lr * vi;
          }
        }
      }
      return;
    }
    const { beta1, beta2, epsilon } = opt;
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let p = 0; p < params.length; p++) {
      const w = params[p];
      const g = grads[p];
      const m = state.slots[0][p];
      const v = state.slots[1][p];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
        w[i] = w[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
    }
  }
}

/**
 * Objective and gradient for a network without hidden layers, in one pass over the rows (the
 * online-learning hot path: no per-layer buffers). Same arithmetic as the general
 * forward/backward pair; the engine tests check both against finite differences and tfjs.
 * Returns the objective if `wantLoss`, else NaN.
 */
function linearObjective(
  spec: NetworkSpec,
  params: Params,
  batch: TrainBatch,
  grads: Float64Array[] | null,
  l2: number,
  z: Float64Array,
  wantLoss: boolean,
): number {
  const { inputSize: d, outputSize: o, head } = spec;
  const W = params[0];
  const b = params[1];
  const gW = grads === null ? null : grads[0];
  const gb = grads === null ? null : grads[1];
  const { x, y, rows } = batch;
  const w = batch.weights ?? null;
  const invN = 1 / rows;
  let loss = 0;
  if (gW !== null && gb !== null) {
    // Plain loops: for the small arrays of online updates they beat TypedArray#fill's call cost.
    for (let i = 0; i < gW.length; i++) gW[i] = 0;
    for (let j = 0; j < gb.length; j++) gb[j] = 0;
  }
  for (let r = 0; r < rows; r++) {
    const xb = r * d;
    const wr = w === null ? 1 : w[r];
    const scale = wr * invN;
    if (o === 1) {
      let s = b[0];
      for (let i = 0; i < d; i++) s += x[xb + i] * W[i];
      const t = y[r];
      if (wantLoss) loss += wr * (head === 'logistic' ? softplus(s) - t * s : 0.5 * (s - t) * (s - t));
      if (gW === null || gb === null) continue;
      const delta = ((head === 'logistic' ? sigmoid(s) : s) - t) * scale;
      gb[0] += delta;
      for (let i = 0; i < d; i++) gW[i] += x[xb + i] * delta;
      continue;
    }
    for (let j = 0; j < o; j++) z[j] = b[j];
    for (let i = 0; i < d; i++) {
      const a = x[xb + i];
      if (a === 0) continue;
      const wb = i * o;
      for (let j = 0; j < o; j++) z[j] += a * W[wb + j];
    }
    if (head === 'softmax') {
      let max = -Infinity;
      for (let j = 0; j < o; j++) if (z[j] > max) max = z[j];
      let sum = 0;
      for (let j = 0; j < o; j++) sum += Math.exp(z[j] - max);
      const lse = max + Math.log(sum);
      const cls = y[r];
      if (wantLoss) loss += wr * (lse - z[cls]);
      for (let j = 0; j < o; j++) z[j] = (Math.exp(z[j] - lse) - (j === cls ? 1 : 0)) * scale;
    } else {
      for (let j = 0; j < o; j++) {
        const e = z[j] - y[r * o + j];
        if (wantLoss) loss += 0.5 * wr * e * e;
        z[j] = e * scale;
      }
    }
    if (gW === null || gb === null) continue;
    for (let j = 0; j < o; j++) gb[j] += z[j];
    for (let i = 0; i < d; i++) {
      const a = x[xb + i];
      if (a === 0) continue;
      const wb = i * o;
      for (let j = 0; j < o; j++) gW[wb + j] += a * z[j];
    }
  }
  if (l2 > 0 && gW !== null) for (let i = 0; i < gW.length; i++) gW[i] += l2 * W[i];
  if (!wantLoss) return NaN;
  loss *= invN;
  if (l2 > 0) {
    let sq = 0;
    for (let i = 0; i < W.length; i++) sq += W[i] * W[i];
    loss += 0.5 * l2 * sq;
  }
  return loss;
}

function cloneState(s: OptimizerState): OptimizerState {
  return { step: s.step, slots: s.slots.map((k) => k.map((a) => a.slice())) };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function activate(kind: Activation, z: number): number {
  switch (kind) {
    case 'relu':
      return z > 0 ? z : 0;
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return sigmoid(z);
    default:
      return z;
  }
}

/** Derivative of the activation, written in terms of its output `a`. */
function activationSlope(kind: Activation, a: number): number {
  switch (kind) {
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'tanh':
      return 1 - a * a;
    case 'sigmoid':
      return a * (1 - a);
    default:
      return 1;
  }
}

function forward(
  spec: NetworkSpec,
  sizes: readonly number[],
  params: Params,
  x: Float32Array,
  rows: number,
  acts: Float64Array[],
): void {
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const W = params[2 * l];
    const b = params[2 * l + 1];
    const out = acts[l + 1];
    const input: Float32Array | Float64Array = l === 0 ? x : acts[l];
    for (let r = 0; r < rows; r++) {
      const ob = r * nOut;
      const ib = r * nIn;
      for (let j = 0; j < nOut; j++) out[ob + j] = b[j];
      for (let i = 0; i < nIn; i++) {
        const a = input[ib + i];
        if (a === 0) continue;
        const wb = i * nOut;
        for (let j = 0; j < nOut; j++) out[ob + j] += a * W[wb + j];
      }
      if (l + 1 < L) {
        for (let j = 0; j < nOut; j++) out[ob + j] = activate(spec.activation, out[ob + j]);
      }
    }
  }
}

function backward(
  spec: NetworkSpec,
  sizes: readonly number[],
  params: Params,
  x: Float32Array,
  rows: number,
  acts: Float64Array[],
  deltas: Float64Array[],
  grads: Float64Array[],
  l2: number,
): void {
  const L = sizes.length - 1;
  for (let l = L - 1; l >= 0; l--) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const W = params[2 * l];
    const gW = grads[2 * l];
    const gb = grads[2 * l + 1];
    const delta = deltas[l + 1];
    const input: Float32Array | Float64Array = l === 0 ? x : acts[l];
    gW.fill(0);
    gb.fill(0);
    for (let r = 0; r < rows; r++) {
      const db = r * nOut;
      const ib = r * nIn;
      for (let j = 0; j < nOut; j++) gb[j] += delta[db + j];
      for (let i = 0; i < nIn; i++) {
        const a = input[ib + i];
        if (a === 0) continue;
        const wb = i * nOut;
        for (let j = 0; j < nOut; j++) gW[wb + j] += a * delta[db + j];
      }
    }
    if (l2 > 0) for (let i = 0; i < gW.length; i++) gW[i] += l2 * W[i];
    if (l > 0) {
      const prev = deltas[l];
      const act = acts[l];
      for (let r = 0; r < rows; r++) {
        const db = r * nOut;
        const pb = r * nIn;
        for (let i = 0; i < nIn; i++) {
          const wb = i * nOut;
          let s = 0;
          for (let j = 0; j < nOut; j++) s += delta[db + j] * W[wb + j];
          prev[pb + i] = s * activationSlope(spec.activation, act[pb + i]);
        }
      }
    }
  }
}

/** Writes head outputs (sigmoid / softmax / identity) of `logits` into `out`. */
export function applyHead(
  head: NetworkSpec['head'],
  logits: ArrayLike<number>,
  rows: number,
  o: number,
  out: Float32Array,
): void {
  if (head === 'logistic') {
    for (let r = 0; r < rows; r++) out[r] = sigmoid(logits[r]);
  } else if (head === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const base = r * o;
      let max = -Infinity;
      for (let j = 0; j < o; j++) if (logits[base + j] > max) max = logits[base + j];
      let sum = 0;
      for (let j = 0; j < o; j++) sum += Math.exp(logits[base + j] - max);
      for (let j = 0; j < o; j++) out[base + j] = Math.exp(logits[base + j] - max) / sum;
    }
  } else {
    for (let i = 0; i < rows * o; i++) out[i] = logits[i];
  }
}
