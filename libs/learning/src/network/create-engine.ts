import { ConfigurationError } from '../errors';
import type { EngineInit, NetworkEngine } from './engine';
import { JsNetwork } from './js-network';
import { parameterCount, type NetworkSpec } from './spec';

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
 * - `tfjs-node`: TensorFlow.js ops on the native `tensorflow` backend (libtensorflow through
 *   @tensorflow/tfjs-node, installed only by `tools/tfjs-node-install`), made the process's
 *   backend; BackendUnavailableError saying how to install it when it is not installed;
 * - `js`: the hand-written TypeScript engine (same formulas, float32 parameters);
 * - `auto` (default): chosen by this library's measurements (README, "Engines and backends"),
 *   see chooseAutoEngine.
 */
export type EngineChoice = 'auto' | 'js' | 'tfjs' | 'tfjs-node';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'js', 'tfjs', 'tfjs-node'];

/** Rows per call from which an MLP is faster on tfjs-wasm than on the TypeScript engine. */
export const MLP_TFJS_THRESHOLD = 256;

/**
 * The native backend (tfjs-node) against the TypeScript engine, one training step, from
 * `npm run bench -w @continuum/learning -- --crossover` (README, bench/RESULTS.md; CPU time per
 * call, the steadier figure on the shared machine): MLPs of at least MLP_NATIVE_MIN_PARAMETERS
 * parameters (20→256→1 and larger) train cheaper on native from MLP_NATIVE_THRESHOLD rows per
 * call; smaller ones (up to 20→64→32→1) only from MLP_NATIVE_SMALL_THRESHOLD rows, since
 * native pays ~0.25–0.3 ms per call whatever the size. Below, `js` wins everywhere.
 */
export const MLP_NATIVE_MIN_PARAMETERS = 5000;
export const MLP_NATIVE_THRESHOLD = 256;
export const MLP_NATIVE_SMALL_THRESHOLD = 1024;

/** What `engine: 'auto'` runs a network on. */
export type AutoEngine =
  | { readonly engine: 'js' }
  | { readonly engine: 'hybrid'; readonly backend: 'wasm' | 'tensorflow'; readonly threshold: number };

/**
 * `engine: 'auto'`, as a pure function of the network and the process's tfjs state:
 * - linear models: `js` (it beat every tfjs backend at every batch size, and on full-window
 *   objectives);
 * - MLP, wasm active: `js` below MLP_TFJS_THRESHOLD rows per call, tfjs from there;
 * - MLP, native backend active: `js` below MLP_NATIVE_THRESHOLD rows (MLPs of at least
 *   MLP_NATIVE_MIN_PARAMETERS parameters) or MLP_NATIVE_SMALL_THRESHOLD rows (smaller ones);
 * - MLP, no backend initialised yet: the native backend as above if the model is large enough
 *   for it to win and it is installed (`nativeInstalled` is asked only then: it loads it),
 *   else `js`;
 * - MLP, cpu active (or another backend): `js` (tfjs-cpu never won).
 * tfjs runs one backend per process, so a backend someone chose is kept.
 */
export function chooseAutoEngine(
  spec: NetworkSpec,
  activeBackend: string | null,
  nativeInstalled: () => boolean,
): AutoEngine {
  if (spec.hidden.length === 0) return { engine: 'js' };
  const large = parameterCount(spec) >= MLP_NATIVE_MIN_PARAMETERS;
  const native = {
    engine: 'hybrid',
    backend: 'tensorflow',
    threshold: large ? MLP_NATIVE_THRESHOLD : MLP_NATIVE_SMALL_THRESHOLD,
  } as const;
  if (activeBackend === 'wasm') return { engine: 'hybrid', backend: 'wasm', threshold: MLP_TFJS_THRESHOLD };
  if (activeBackend === 'tensorflow') return native;
  if (activeBackend === null && large && nativeInstalled()) return native;
  return { engine: 'js' };
}

export function createEngine(choice: EngineChoice, init: EngineInit): NetworkEngine {
  switch (choice) {
    case 'js':
      return new JsNetwork(init);
    case 'tfjs':
      return new (tfjsNetwork().TfjsNetwork)(init);
    case 'tfjs-node':
      tfjsBackend().activateNativeBackend();
      return new (tfjsNetwork().TfjsNetwork)(init);
    case 'auto': {
      if (init.spec.hidden.length === 0) return new JsNetwork(init);
      const backend = tfjsBackend();
      const choice = chooseAutoEngine(init.spec, backend.activeTfjsBackend(), backend.loadNativeBinding);
      if (choice.engine === 'js') return new JsNetwork(init);
      if (choice.backend === 'tensorflow') backend.activateNativeBackend();
      return new (hybridNetwork().HybridNetwork)(init, choice.threshold);
    }
    default:
      throw new ConfigurationError(
        'engine',
        `must be one of ${ENGINE_CHOICES.join(', ')}, got ${String(choice)}`,
      );
  }
}
