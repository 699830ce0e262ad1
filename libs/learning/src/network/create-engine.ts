import { activeTfjsBackend } from '../backend/tfjs-backend';
import { ConfigurationError } from '../errors';
import type { EngineInit, NetworkEngine } from './engine';
import { HybridNetwork } from './hybrid-network';
import { JsNetwork } from './js-network';
import { TfjsNetwork } from './tfjs-network';

/**
 * Which engine computes a model:
 * - `tfjs`: TensorFlow.js ops on the process's tfjs backend;
 * - `js`: the hand-written TypeScript engine (same formulas, float32 parameters);
 * - `auto` (default): chosen per call by this library's measurements (README, "Backends").
 *   With the wasm (or native) tfjs backend active: `js` below a batch-size threshold and
 *   tfjs at or above it — 256 rows for an MLP, 4096 rows for the linear models (so online
 *   updates run in TypeScript and full-window fits on tfjs). With the cpu backend, `js`
 *   always: tfjs-cpu never beat the TypeScript engine.
 */
export type EngineChoice = 'auto' | 'js' | 'tfjs';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'js', 'tfjs'];

/** Rows per call from which an MLP is faster on the wasm/native tfjs backends. */
export const MLP_TFJS_THRESHOLD = 256;
/** Rows per call from which a linear model is faster on the wasm/native tfjs backends. */
export const LINEAR_TFJS_THRESHOLD = 4096;

export function createEngine(choice: EngineChoice, init: EngineInit): NetworkEngine {
  switch (choice) {
    case 'js':
      return new JsNetwork(init);
    case 'tfjs':
      return new TfjsNetwork(init);
    case 'auto': {
      const backend = activeTfjsBackend();
      if (backend !== 'wasm' && backend !== 'tensorflow') return new JsNetwork(init);
      const threshold = init.spec.hidden.length === 0 ? LINEAR_TFJS_THRESHOLD : MLP_TFJS_THRESHOLD;
      return new HybridNetwork(init, threshold);
    }
    default:
      throw new ConfigurationError(
        'engine',
        `must be one of ${ENGINE_CHOICES.join(', ')}, got ${String(choice)}`,
      );
  }
}
