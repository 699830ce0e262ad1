import type { Sequential } from '@tensorflow/tfjs-layers';
import type { Model } from '../models/model';

// The main entry point loads TensorFlow.js only when one of these is called (or a model picks
// a tfjs engine): a service that imports metrics, windows or linear models never loads it.
/* eslint-disable @typescript-eslint/no-require-imports */
const backend = (): typeof import('./tfjs-backend') => require('./tfjs-backend');
const layersExport = (): typeof import('../models/layers-export') => require('../models/layers-export');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * tfjs backends this library can run on:
 * - `cpu`: pure JavaScript kernels, always available, synchronous initialisation;
 * - `wasm`: XNNPACK kernels compiled to WebAssembly (SIMD; single-threaded under Node,
 *   where tfjs disables WASM threads), shipped inside the npm package, asynchronous init;
 * - `tensorflow`: the native libtensorflow binding of `@tensorflow/tfjs-node`. Never a
 *   dependency (its install downloads a native library from the internet); used only if
 *   it happens to be installed.
 */
export type TfjsBackendName = 'cpu' | 'wasm' | 'tensorflow';

/** Preference order when nothing is requested: native binding, then wasm, then cpu (README, "Backends"). */
export const DEFAULT_BACKEND_PREFERENCE: readonly TfjsBackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Tries, once, to load `@tensorflow/tfjs-node`; whether it is loaded. Never throws. */
export const loadNativeBinding = (): boolean => backend().loadNativeBinding();
/** Registered tfjs backends this library supports, native binding included if installed. */
export const availableTfjsBackends = (): TfjsBackendName[] => backend().availableTfjsBackends();
/** Name of the active tfjs backend, or null if none is initialised yet (loads TensorFlow.js). */
export const activeTfjsBackend = (): string | null => backend().activeTfjsBackend();
/** Makes `name` the process's tfjs backend (one per process: it affects every tfjs model). */
export const useTfjsBackend = (name: TfjsBackendName): Promise<void> => backend().useTfjsBackend(name);
/** Selects the first available backend of `preference` and returns its name; call once at start-up. */
export const initTfjsBackend = (preference?: readonly TfjsBackendName[]): Promise<TfjsBackendName> =>
  backend().initTfjsBackend(preference);
/** Ensures some backend is active before a tfjs op runs, synchronously; returns its name. */
export const ensureTfjsBackend = (): string => backend().ensureTfjsBackend();
/** The model's network as a tfjs-layers `Sequential` model (see models/layers-export). */
export const toLayersModel = (model: Model): Sequential => layersExport().toLayersModel(model);
