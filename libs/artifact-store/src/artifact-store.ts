/** Where an artifact is and what it must be: the store verifies both on every read. */
export interface ArtifactRef {
  /** `file:///<root>/<key>` or `s3://<bucket>/<prefix><key>`. */
  readonly uri: string;
  /** SHA-256 of the bytes, 64 lowercase hex digits. */
  readonly sha256: string;
  /** Length of the bytes. */
  readonly size: number;
}

export interface PutOptions {
  /** MIME type, kept by stores that have object metadata (S3); the filesystem store ignores it. */
  contentType?: string;
}

/**
 * Immutable-by-reference blob storage for model artifacts and large registry payloads.
 * A key names an object inside the store (e.g. `models/<id>/<version>/model.json`); a put
 * replaces the object atomically, and a reference taken before the replacement then fails its
 * integrity check instead of returning other bytes.
 */
export interface ArtifactStore {
  /** Stores the bytes under the key (atomically: readers see the old object or the new one). */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<ArtifactRef>;
  /** The bytes, after checking them against the reference's size and SHA-256. */
  get(ref: ArtifactRef): Promise<Buffer>;
  /** Whether an object exists at the reference's URI, or at a key or URI of this store (no checksum check). */
  exists(ref: ArtifactRef | string): Promise<boolean>;
}
