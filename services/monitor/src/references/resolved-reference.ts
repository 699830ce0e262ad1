import { createHash } from 'node:crypto';
import { type ReferenceProfile } from '@continuum/drift';

/** A reference profile windows are binned against, with where it comes from. */
export interface ResolvedReference {
  /** Stable id carried by window partials and checkpoints: kind, model, version, profile fingerprint. */
  readonly id: string;
  readonly profile: ReferenceProfile;
  readonly kind: 'MODEL_VERSION' | 'BOOTSTRAP';
  readonly modelId: string;
  /** The registered version the profile belongs to ('' for a bootstrap profile of feature observations). */
  readonly modelVersion: string;
  /** Event time from which events are windowed against it (-Infinity for registered profiles). */
  readonly effectiveFrom: number;
}

export function referenceId(
  kind: ResolvedReference['kind'],
  modelId: string,
  version: string,
  profile: ReferenceProfile,
): string {
  return `${kind === 'MODEL_VERSION' ? 'M' : 'B'}:${JSON.stringify([modelId, version])}:${profile.fingerprint}`;
}

/** Short stable tag of a reference id, for report ids. */
export function referenceTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}
