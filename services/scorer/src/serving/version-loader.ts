import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type ArtifactStore } from '@continuum/artifact-store';
import { ContractValidator, type EngineChoice, loadServingModel, warmUp } from '@continuum/learning';
import { type VersionSpec } from './desired-state';
import { type VersionLoader } from './model-reconciler';
import { ServedVersion } from './served-version';

export interface VersionLoaderOptions {
  readonly engine: EngineChoice;
  /** Warm-up predictions per batch size (1 and 100 rows). */
  readonly warmUpIterations: number;
  readonly clock?: () => number;
}

/** Why a registered version cannot be served (no artifact, no checksum to verify). */
export class UnservableVersionError extends Error {
  constructor(modelId: string, version: string, reason: string) {
    super(`model ${modelId} version ${version} cannot be served: ${reason}`);
    this.name = 'UnservableVersionError';
  }
}

/**
 * Loads a version for serving: fetches the artifact from the store (which checks its size and
 * SHA-256), decodes it with libs/learning's serving runtime (which checks the manifest and weight
 * checksums), warms it up in slices that yield to the event loop (requests keep being answered by
 * the current version meanwhile), and compiles its contract: the registry's, else the one the
 * model's pipeline implies.
 */
export function createVersionLoader(store: ArtifactStore, options: VersionLoaderOptions): VersionLoader {
  const clock = options.clock ?? Date.now;
  return async (modelId: string, spec: VersionSpec) => {
    const ref = spec.artifact;
    if (!ref) throw new UnservableVersionError(modelId, spec.version, 'it has no artifact');
    if (!/^[0-9a-f]{64}$/.test(ref.sha256))
      throw new UnservableVersionError(
        modelId,
        spec.version,
        `its artifact ${ref.uri} has no SHA-256 to verify`,
      );
    const bytes = await store.get(ref);
    const model = loadServingModel(bytes, { engine: options.engine, sha256: ref.sha256 });
    try {
      const slice = Math.max(1, Math.ceil(options.warmUpIterations / 10));
      for (let done = 0; done < options.warmUpIterations; done += slice) {
        warmUp(model, { iterations: Math.min(slice, options.warmUpIterations - done) });
        await yieldToEventLoop();
      }
      const contract = spec.contract ? { features: spec.contract.features } : model.pipelineContract;
      return new ServedVersion(modelId, spec.version, model, new ContractValidator(contract), clock());
    } catch (error) {
      model.dispose();
      throw error;
    }
  };
}
