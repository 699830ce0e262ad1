import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { ensureTfjsBackend } from '../backend/tfjs-backend';
import type { Model } from './model';

/**
 * The model's network as a standard tfjs-layers `Sequential` model (dense layers with the
 * same weights and activations, sigmoid/softmax/linear output), for serving or inspection
 * with the usual TensorFlow.js tooling (`model.save(...)`, `tf.loadLayersModel`). It takes
 * rows already encoded by `model.pipeline` — the pipeline itself is not a Keras layer.
 * The caller owns (and disposes) the returned model.
 */
export function toLayersModel(model: Model): tfl.Sequential {
  ensureTfjsBackend();
  const { network } = model.config;
  const params = model.getParameters();
  const sizes = [network.inputSize, ...network.hidden, network.outputSize];
  const head = network.head === 'logistic' ? 'sigmoid' : network.head === 'softmax' ? 'softmax' : 'linear';
  const seq = tfl.sequential();
  for (let l = 0; l + 1 < sizes.length; l++) {
    const last = l + 2 === sizes.length;
    seq.add(
      tfl.layers.dense({
        units: sizes[l + 1],
        activation: last ? head : network.activation,
        useBias: true,
        ...(l === 0 ? { inputShape: [sizes[0]] } : {}),
        name: `dense_${l}`,
      }),
    );
  }
  const tensors = params.map((p, i) => {
    const shape = i % 2 === 0 ? [sizes[i / 2], sizes[i / 2 + 1]] : [sizes[(i - 1) / 2 + 1]];
    return tf.tensor(p, shape, 'float32');
  });
  seq.setWeights(tensors);
  tf.dispose(tensors);
  return seq;
}
