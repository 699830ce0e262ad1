import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's CommonJS bundle registers no gradients; tfjs-layers' bundle registers all of
// core's gradient functions (in tfjs's global registry) when it is loaded.
import '@tensorflow/tfjs-layers';
import { join, resolve } from 'node:path';
import { BackendUnavailableError } from '../errors';

// The backend names and the default preference live in the tfjs-free loader, which the main
// entry point exports without loading TensorFlow.js.
import { DEFAULT_BACKEND_PREFERENCE, type TfjsBackendName } from './tfjs-loader';
export { DEFAULT_BACKEND_PREFERENCE, type TfjsBackendName };

/** What happened when this process tried to load `@tensorflow/tfjs-node`. */
export interface NativeBindingStatus {
  readonly loaded: boolean;
  /** The module that was loaded, or the places that were looked in. */
  readonly from: string;
  /** Why it is not loaded: not installed, or installed but failing (the cause). */
  readonly reason?: string;
  readonly error?: unknown;
}

let nativeBinding: NativeBindingStatus | null = null;

/**
 * Where `tools/tfjs-node-install` puts tfjs-node: `CONTINUUM_TFJS_NODE_DIR`, else
 * `tfjs-node` in `CONTINUUM_CACHE_DIR`, else `.cache/tfjs-node` in this checkout (the same
 * rule as the script). It is never a dependency of the project (its own install downloads
 * libtensorflow from outside the package registries), hence an opt-in directory.
 */
export function tfjsNodeInstallDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONTINUUM_TFJS_NODE_DIR) return resolve(env.CONTINUUM_TFJS_NODE_DIR);
  // src/backend or dist/backend of libs/learning: four levels below the checkout's root.
  const cache = env.CONTINUUM_CACHE_DIR ?? join(__dirname, '..', '..', '..', '..', '.cache');
  return resolve(cache, 'tfjs-node');
}

const isMissing = (error: unknown, request: string): boolean =>
  (error as { code?: string }).code === 'MODULE_NOT_FOUND' &&
  String((error as Error).message).includes(`'${request}'`);

/**
 * Tries, once, to load `@tensorflow/tfjs-node`, which registers the `tensorflow` backend:
 * first as an ordinary dependency, then from the opt-in directory (tfjsNodeInstallDir).
 * Returns whether it is loaded. Never throws: a missing package is the normal case.
 */
export function loadNativeBinding(): boolean {
  return nativeBindingStatus().loaded;
}

/** loadNativeBinding's outcome, with the reason when the native backend is unavailable. */
export function nativeBindingStatus(): NativeBindingStatus {
  if (nativeBinding !== null) return nativeBinding;
  // TensorFlow's C++ logging writes INFO lines (oneDNN, CPU features) to stderr, which would
  // interleave with a service's JSON logs; warnings and errors still show.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const optIn = join(tfjsNodeInstallDir(), 'node_modules', '@tensorflow', 'tfjs-node');
  // tfjs-node makes itself the active backend when it loads; loading it only to list the
  // available backends must not switch a process that already runs on another one.
  const previous = activeTfjsBackend();
  for (const request of ['@tensorflow/tfjs-node', optIn]) {
    try {
      // A runtime-optional package: resolved only if installed, hence require, not import.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(request);
      if (previous !== null && activeTfjsBackend() !== previous) void tf.setBackend(previous); // initialised: synchronous
      const loaded = tf.engine().registryFactory['tensorflow'] !== undefined;
      nativeBinding = loaded
        ? { loaded, from: request }
        : { loaded, from: request, reason: `${request} loaded but registered no tensorflow backend` };
      return nativeBinding;
    } catch (error) {
      if (isMissing(error, request)) continue;
      nativeBinding = {
        loaded: false,
        from: request,
        reason: `${request} is installed but failed to load (${(error as Error).message.split('\n')[0]}); re-run tools/tfjs-node-install --force`,
        error,
      };
      return nativeBinding;
    }
  }
  nativeBinding = {
    loaded: false,
    from: `@tensorflow/tfjs-node, ${optIn}`,
    reason: `@tensorflow/tfjs-node is not installed (looked for it as a dependency and in ${optIn}): run tools/tfjs-node-install`,
  };
  return nativeBinding;
}

/**
 * Makes the native `tensorflow` backend the process's tfjs backend (synchronously: its
 * initialisation is), for `engine: 'tfjs-node'`. Every tfjs model of the process then runs
 * on it (tfjs has one active backend per process). Throws BackendUnavailableError saying how
 * to install it when it is not installed.
 */
export function activateNativeBackend(): void {
  const status = nativeBindingStatus();
  if (!status.loaded)
    throw new BackendUnavailableError('tensorflow', status.reason ?? 'not loaded', { cause: status.error });
  if (activeTfjsBackend() === 'tensorflow') return;
  void tf.setBackend('tensorflow'); // synchronous for a registered native backend
  if (activeTfjsBackend() !== 'tensorflow')
    throw new BackendUnavailableError('tensorflow', 'synchronous initialisation failed');
}

/** Registered tfjs backends this library supports, native binding included if installed. */
export function availableTfjsBackends(): TfjsBackendName[] {
  return registeredBackends(true);
}

/** The supported backends registered now; loads the native binding first only if asked. */
function registeredBackends(tryNative: boolean): TfjsBackendName[] {
  if (tryNative) loadNativeBinding();
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
  if (name === 'tensorflow') {
    const status = nativeBindingStatus();
    if (!status.loaded)
      throw new BackendUnavailableError(name, status.reason ?? 'not loaded', { cause: status.error });
  }
  if (!availableTfjsBackends().includes(name)) throw new BackendUnavailableError(name, 'not registered');
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
  // Loading libtensorflow takes a second and ~150 MB: only when the caller may want it.
  const available = registeredBackends(preference.includes('tensorflow'));
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
