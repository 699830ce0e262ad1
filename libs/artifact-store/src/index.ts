/**
 * @continuum/artifact-store — where model artifacts and large registry payloads live: one
 * interface, a local-filesystem store (the default) and an S3-compatible one (for several hosts).
 * References carry the SHA-256 and size that every read checks; keys cannot leave the store.
 */
export * from './errors';

// The interface every store implements
export type { ArtifactRef, ArtifactStore, PutOptions } from './artifact-store';

// Stores
export { FilesystemArtifactStore } from './filesystem-artifact-store';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store';

// Configuration
export {
  artifactStoreFromEnv,
  artifactStoreConfigSpec,
  parseArtifactStoreUrl,
  type ArtifactStoreLocation,
} from './from-env';

// Keys, references and checksums
export { validateKey, validateRef, MAX_KEY_BYTES } from './key';
export { sha256Hex } from './checksum';
export { saveModelArtifact, loadModelArtifact, MANIFEST_FILE, WEIGHTS_FILE } from './model-directory';
