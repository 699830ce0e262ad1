import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's CommonJS bundle registers no gradients; tfjs-layers' bundle registers all of
// core's gradient functions (in tfjs's global registry) when it is loaded.
import '@tensorflow/tfjs-layers';
import { BackendUnavailableError } from '../errors';

// The backend names and the default preference live in the tfjs-free loader, which the main
// entry point exports without loading TensorFlow.js.
import { DEFAULT_BACKEND_PREFERENCE, type TfjsBackendName } from './tfjs-loader';
export { DEFAULT_BACKEND_PREFERENCE, type TfjsBackendName };

let nativeBinding: { loaded: boolean; error?: unknown } | null = null;

/**
 * Tries, once, to load `@tensorflow/tfjs-node`, which registers the `tensorflow` backend.
 * Returns whether it is loaded. Never throws: a missing package is the normal case.
 */
export function loadNativeBinding(): boolean {
  if (nativeBinding === null) {
    try {
      // A runtime-optional package: resolved only if installed, hence require, not import.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
      nativeBinding = { loaded: tf.engine().registryFactory['tensorflow'] !== undefined };
    } catch (error) {
      nativeBinding = { loaded: false, error };
    }
  }
  return nativeBinding.loaded;
}

/** Registered tfjs backends this library supports, native binding included if installed. */
export function availableTfjsBackends(): TfjsBackendName[] {
  loadNativeBinding();
  const registered = new Set(Object.keys(tf.engine().registryFactory));
  return (['cpu', 'wasm', 'tensorflow'] as const).filter((b) => registered.has(b));
}

/** Name of the active tfjs backend, or null if none is initialised yet. */
export function activeTfjsBackend(): string | null {
  return (tf.engine() as unknown as { backendInstance: unknown }).backendInstance ? tf.getBackend() : null;
}

/**
 * Makes `name` the process's tfjs backend. tfjs has one active backend per process, so
 * this affects every tfjs model in it; tensors of the previous backend are moved lazily.
 */
export async function useTfjsBackend(name: TfjsBackendName): Promise<void> {
  if (name === 'tensorflow') loadNativeBinding();
  if (!availableTfjsBackends().includes(name)) {
    const hint = name === 'tensorflow' ? ' (install @tensorflow/tfjs-node to enable it; it is optional)' : '';
    throw new BackendUnavailableError(name, `not registered${hint}`, {
      cause: name === 'tensorflow' ? nativeBinding?.error : undefined,
    });
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new BackendUnavailableError(name, 'initialisation failed', { cause: error });
  }
  if (!ok) throw new BackendUnavailableError(name, 'initialisation failed');
  quietCpuBanner();
}

/**
 * Selects the first available backend of `preference` (default: native binding, then
 * wasm, then cpu) and returns its name. Call once at start-up before creating tfjs models;
 * without it the engine falls back to `cpu` (or the native binding) synchronously.
 */
export async function initTfjsBackend(
  preference: readonly TfjsBackendName[] = DEFAULT_BACKEND_PREFERENCE,
): Promise<TfjsBackendName> {
  const available = availableTfjsBackends();
  const errors: unknown[] = [];
  for (const name of preference) {
    if (!available.includes(name)) continue;
    try {
      await useTfjsBackend(name);
      return name;
    } catch (error) {
      errors.push(error);
    }
  }
  throw new BackendUnavailableError(
    preference.join('|'),
    'none of the preferred backends could be initialised',
    {
      cause: errors[0],
    },
  );
}

/**
 * Ensures some backend is active before a tfjs op runs, synchronously: the native binding
 * if installed, otherwise `cpu` (wasm needs an asynchronous start, see initTfjsBackend).
 * Returns the active backend's name.
 */
export function ensureTfjsBackend(): string {
  const active = activeTfjsBackend();
  if (active !== null) return active;
  const pending = tf.getBackend();
  if (pending) {
    // setBackend(...) was called and is still initialising asynchronously.
    throw new BackendUnavailableError(pending, 'still initialising: await initTfjsBackend() before training');
  }
  const name = loadNativeBinding() ? 'tensorflow' : 'cpu';
  void tf.setBackend(name); // synchronous for these two backends
  if (activeTfjsBackend() !== name)
    throw new BackendUnavailableError(name, 'synchronous initialisation failed');
  quietCpuBanner();
  return name;
}

/**
 * The cpu backend prints a "install tfjs-node" banner on first use under Node. The advice
 * does not apply here (see the README), so it is turned off for our backend instance only.
 */
function quietCpuBanner(): void {
  if (tf.getBackend() === 'cpu') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}
