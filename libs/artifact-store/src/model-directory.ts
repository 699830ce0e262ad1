/**
 * libs/learning's model artifact as a directory on a local disk (manifest.json + weights.bin), for tools and
 * users who keep models as files; services store the single-file encoding through an ArtifactStore instead.
 * It lives here, not in libs/learning, because libs/learning does no I/O.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ArtifactCorruptError,
  modelFromArtifactParts,
  modelToArtifactParts,
  type LoadOptions,
  type LoadedModel,
  type Model,
  type ModelVersionMetadata,
} from '@continuum/learning';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Writes a model version as a directory: `manifest.json` (readable JSON: topology,
 * pipeline, metadata, checksums) and `weights.bin` (float32 little-endian). Each file is
 * written to a temporary name and renamed, so a reader never sees half a file; the weights
 * are renamed first, so a complete manifest implies complete weights.
 */
export async function saveModelArtifact(
  directory: string,
  model: Model,
  metadata: ModelVersionMetadata = {},
): Promise<{ manifestPath: string; weightsPath: string }> {
  const { manifest, weights } = modelToArtifactParts(model, metadata);
  await mkdir(directory, { recursive: true });
  const manifestPath = join(directory, MANIFEST_FILE);
  const weightsPath = join(directory, WEIGHTS_FILE);
  await writeFile(`${weightsPath}.tmp`, weights);
  await rename(`${weightsPath}.tmp`, weightsPath);
  await writeFile(`${manifestPath}.tmp`, manifest, 'utf8');
  await rename(`${manifestPath}.tmp`, manifestPath);
  return { manifestPath, weightsPath };
}

/** Reads and verifies a directory artifact (see {@link saveModelArtifact}). */
export async function loadModelArtifact(directory: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const read = async (file: string) => {
    try {
      return await readFile(join(directory, file));
    } catch (error) {
      throw new ArtifactCorruptError(file, `cannot read ${join(directory, file)}`, { cause: error });
    }
  };
  const manifest = (await read(MANIFEST_FILE)).toString('utf8');
  const weights = new Uint8Array(await read(WEIGHTS_FILE));
  return modelFromArtifactParts({ manifest, weights }, options);
}
