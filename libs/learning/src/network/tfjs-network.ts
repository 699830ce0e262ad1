import * as tf from '@tensorflow/tfjs-core';
import { ensureTfjsBackend } from '../backend/tfjs-backend';
import { checkOptimizerState, checkParameters } from './checks';
import type { EngineInit, FullBatchObjective, NetworkEngine, TrainBatch } from './engine';
import {
  emptyOptimizerState,
  learningRateAt,
  type OptimizerState,
  type ResolvedOptimizer,
} from './optimizer';
import { layerSizes, parameterShapes, type NetworkSpec } from './spec';

/** Relative error of a float32 reduction over a few thousand rows, used by L-BFGS's line search. */
const FLOAT32_NOISE = 1e-6;

/**
 * Dense network on TensorFlow.js: parameters and optimizer slots are tfjs variables on the
 * process's active backend; a training step is one `tf.variableGrads` (reverse-mode
 * autodiff of the loss) followed by the optimizer update written as tfjs ops, all inside
 * `tf.tidy` so no intermediate tensor outlives the call.
 */
export class TfjsNetwork implements NetworkEngine {
  readonly name: string;
  readonly spec: NetworkSpec;
  private readonly optimizer: ResolvedOptimizer;
  private readonly l2: number;
  private readonly shapes: number[][];
  private vars: tf.Variable[];
  private slots: tf.Variable[][];
  private step: number;
  private disposed = false;

  constructor(init: EngineInit) {
    this.name = `tfjs-${ensureTfjsBackend()}`;
    this.spec = init.spec;
    this.optimizer = init.optimizer;
    this.l2 = init.l2;
    this.shapes = parameterShapes(init.spec).map((s) => [...s.shape]);
    const params = checkParameters(init.spec, init.parameters);
    const sizes = params.map((p) => p.length);
    const state = init.optimizerState
      ? checkOptimizerState(init.optimizer, sizes, init.optimizerState)
      : emptyOptimizerState(init.optimizer, sizes);
    this.vars = params.map((p, i) => newVariable(p, this.shapes[i], true));
    this.slots = state.slots.map((slot) => slot.map((a, i) => newVariable(a, this.shapes[i], false)));
    this.step = state.step;
  }

  predict(x: Float32Array, rows: number): Float32Array {
    this.check();
    if (rows === 0) return new Float32Array(0);
    const out = tf.tidy(() => {
      const input = tf.tensor2d(x.subarray(0, rows * this.spec.inputSize), [rows, this.spec.inputSize]);
      const logits = forward(this.spec, this.vars, input);
      if (this.spec.head === 'logistic') return tf.sigmoid(logits);
      if (this.spec.head === 'softmax') return tf.softmax(logits);
      return logits;
    });
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }

  trainStep(batch: TrainBatch): void {
    this.check();
    if (batch.rows === 0) return;
    this.step += 1;
    const t = this.step;
    const opt = this.optimizer;
    tf.tidy(() => {
      const { x, y, w } = this.upload(batch);
      const { grads } = tf.variableGrads(() => this.objective(this.vars, x, y, w, batch.rows), this.vars);
      const lr = learningRateAt(opt, t);
      this.vars.forEach((v, p) => {
        const g = grads[v.name];
        if (opt.type === 'sgd') {
          if (opt.momentum > 0) {
            const vel = this.slots[0][p];
            vel.assign(tf.add(tf.mul(vel, opt.momentum), g));
            v.assign(tf.sub(v, tf.mul(vel, lr)));
          } else {
            v.assign(tf.sub(v, tf.mul(g, lr)));
          }
        } else {
          const m = this.slots[0][p];
          const s = this.slots[1][p];
          m.assign(tf.add(tf.mul(m, opt.beta1), tf.mul(g, 1 - opt.beta1)));
          s.assign(tf.add(tf.mul(s, opt.beta2), tf.mul(tf.square(g), 1 - opt.beta2)));
          const mHat = tf.div(m, 1 - Math.pow(opt.beta1, t));
          const sHat = tf.div(s, 1 - Math.pow(opt.beta2, t));
          v.assign(tf.sub(v, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(sHat), opt.epsilon))));
        }
      });
    });
  }

  loss(batch: TrainBatch): number {
    this.check();
    const value = tf.tidy(() => {
      const { x, y, w } = this.upload(batch);
      return this.objective(this.vars, x, y, w, batch.rows);
    });
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  }

  createObjective(batch: TrainBatch): FullBatchObjective {
    this.check();
    const data = this.upload(batch);
    const kept = [data.x, data.y, data.w].filter((t): t is tf.Tensor => t !== null);
    const sizes = this.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const size = sizes.reduce((a, b) => a + b, 0);
    const lossOf = (...params: tf.Tensor[]) => this.objective(params, data.x, data.y, data.w, batch.rows);
    const valueAndGrads = tf.valueAndGrads(lossOf);
    return {
      size,
      noise: FLOAT32_NOISE,
      evaluate: (flat, gradient) => {
        const { value, grads } = tf.tidy(() => {
          let o = 0;
          const params = this.shapes.map((shape, i) => {
            const t = tf.tensor(Float32Array.from(flat.subarray(o, o + sizes[i])), shape, 'float32');
            o += sizes[i];
            return t;
          });
          return valueAndGrads(params);
        });
        let o = 0;
        for (const g of grads) {
          const values = g.dataSync();
          for (let i = 0; i < values.length; i++) gradient[o + i] = values[i];
          o += values.length;
        }
        const v = value.dataSync()[0];
        tf.dispose([value, ...grads]);
        return v;
      },
      dispose: () => tf.dispose(kept),
    };
  }

  getParameters(): Float32Array[] {
    this.check();
    return this.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  setParameters(parameters: readonly Float32Array[]): void {
    this.check();
    checkParameters(this.spec, parameters);
    this.vars.forEach((v, i) => {
      tf.tidy(() => v.assign(tf.tensor(parameters[i], this.shapes[i], 'float32')));
    });
  }

  getOptimizerState(): OptimizerState {
    this.check();
    return {
      step: this.step,
      slots: this.slots.map((slot) => slot.map((v) => Float32Array.from(v.dataSync() as Float32Array))),
    };
  }

  setOptimizerState(state: OptimizerState): void {
    this.check();
    checkOptimizerState(
      this.optimizer,
      this.vars.map((v) => v.size),
      state,
    );
    this.slots.forEach((slot, k) =>
      slot.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(state.slots[k][i], this.shapes[i])))),
    );
    this.step = state.step;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.vars);
    this.slots.forEach((s) => tf.dispose(s));
    this.vars = [];
    this.slots = [];
  }

  private check(): void {
    if (this.disposed) throw new Error('TfjsNetwork: used after dispose()');
  }

  private upload(batch: TrainBatch): { x: tf.Tensor2D; y: tf.Tensor; w: tf.Tensor2D | null } {
    const { rows } = batch;
    const { inputSize, outputSize, head } = this.spec;
    const x = tf.tensor2d(batch.x.subarray(0, rows * inputSize), [rows, inputSize]);
    let y: tf.Tensor;
    if (head === 'softmax') {
      y = tf.tidy(() =>
        tf.oneHot(tf.tensor1d(Int32Array.from(batch.y.subarray(0, rows)), 'int32'), outputSize),
      );
    } else {
      y = tf.tensor2d(batch.y.subarray(0, rows * outputSize), [rows, outputSize]);
    }
    const w = batch.weights ? tf.tensor2d(batch.weights.subarray(0, rows), [rows, 1]) : null;
    return { x, y, w };
  }

  /** Mean weighted loss plus (l2/2) * sum of squared kernels, as a scalar. */
  private objective(params: tf.Tensor[], x: tf.Tensor2D, y: tf.Tensor, w: tf.Tensor2D | null, rows: number) {
    const logits = forward(this.spec, params, x);
    let perRow: tf.Tensor;
    if (this.spec.head === 'logistic') {
      perRow = tf.sub(tf.softplus(logits), tf.mul(y, logits));
    } else if (this.spec.head === 'softmax') {
      perRow = tf.sub(tf.logSumExp(logits, 1, true), tf.sum(tf.mul(logits, y), 1, true));
    } else {
      perRow = tf.mul(tf.sum(tf.square(tf.sub(logits, y)), 1, true), 0.5);
    }
    let loss: tf.Tensor = w ? tf.div(tf.sum(tf.mul(perRow, w)), rows) : tf.mean(perRow);
    if (this.l2 > 0) {
      let penalty: tf.Tensor = tf.scalar(0);
      for (let l = 0; l < params.length; l += 2) penalty = tf.add(penalty, tf.sum(tf.square(params[l])));
      loss = tf.add(loss, tf.mul(penalty, 0.5 * this.l2));
    }
    return loss as tf.Scalar;
  }
}

/** A variable holding a copy of `values` (the temporary tensor is released). */
function newVariable(values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
  const initial = tf.tensor(values, shape, 'float32');
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

function forward(spec: NetworkSpec, params: readonly tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D {
  const layers = layerSizes(spec).length - 1;
  let a: tf.Tensor2D = x;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(a, params[2 * l] as tf.Tensor2D), params[2 * l + 1]) as tf.Tensor2D;
    if (l + 1 === layers) return z;
    a = activation(spec.activation, z);
  }
  return a;
}

function activation(kind: NetworkSpec['activation'], z: tf.Tensor2D): tf.Tensor2D {
  switch (kind) {
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    default:
      return z;
  }
}
