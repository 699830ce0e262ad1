import { createHash } from 'node:crypto';
import { ArtifactIntegrityError } from './errors';
import { type ArtifactRef } from './artifact-store';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws ArtifactIntegrityError unless the bytes have the reference's size and SHA-256. */
export function verifyBytes(ref: ArtifactRef, bytes: Uint8Array): void {
  if (bytes.length !== ref.size) throw new ArtifactIntegrityError(ref.uri, ref, { size: bytes.length });
  const sha256 = sha256Hex(bytes);
  if (sha256 !== ref.sha256) throw new ArtifactIntegrityError(ref.uri, ref, { sha256, size: bytes.length });
}
