import { ConfigurationError } from '../errors';
import type { EngineInit, NetworkEngine } from './engine';
import { JsNetwork } from './js-network';

// TensorFlow.js is loaded on first use: a model on the TypeScript engine (every linear model
// on `auto`, any model on `js`, e.g. the scorer's) never loads it.
/* eslint-disable @typescript-eslint/no-require-imports */
const tfjsBackend = (): typeof import('../backend/tfjs-backend') => require('../backend/tfjs-backend');
const tfjsNetwork = (): typeof import('./tfjs-network') => require('./tfjs-network');
const hybridNetwork = (): typeof import('./hybrid-network') => require('./hybrid-network');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Which engine computes a model:
 * - `tfjs`: TensorFlow.js ops on the process's tfjs backend;
 * - `js`: the hand-written TypeScript engine (same formulas, float32 parameters);
 * - `auto` (default): chosen by this library's measurements (README, "Backends"). Linear
 *   models: `js` (it beat every tfjs backend at every batch size, and on full-window
 *   objectives). MLP with the wasm (or native) tfjs backend active: per call, `js` below 256
 *   rows and tfjs from 256 rows; with the cpu backend, `js` (tfjs-cpu never won).
 */
export type EngineChoice = 'auto' | 'js' | 'tfjs';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'js', 'tfjs'];

/** Rows per call from which an MLP is faster on the wasm/native tfjs backends. */
export const MLP_TFJS_THRESHOLD = 256;

export function createEngine(choice: EngineChoice, init: EngineInit): NetworkEngine {
  switch (choice) {
    case 'js':
      return new JsNetwork(init);
    case 'tfjs':
      return new (tfjsNetwork().TfjsNetwork)(init);
    case 'auto': {
      if (init.spec.hidden.length === 0) return new JsNetwork(init);
      const backend = tfjsBackend().activeTfjsBackend();
      if (backend !== 'wasm' && backend !== 'tensorflow') return new JsNetwork(init);
      return new (hybridNetwork().HybridNetwork)(init, MLP_TFJS_THRESHOLD);
    }
    default:
      throw new ConfigurationError(
        'engine',
        `must be one of ${ENGINE_CHOICES.join(', ')}, got ${String(choice)}`,
      );
  }
}
