import { ArtifactKeyError, ArtifactRefError } from './errors';
import { type ArtifactRef } from './artifact-store';

/** S3's limit; also keeps filesystem paths well under PATH_MAX. */
export const MAX_KEY_BYTES = 1024;
/** NAME_MAX of common filesystems. */
const MAX_SEGMENT_BYTES = 255;
/**
 * An allowlist rather than a denylist: every character that has a meaning to a path, a URL or a
 * shell (`/` inside a segment, `\`, `%`, `:`, `?`, `#`, NUL and other controls, spaces, non-ASCII
 * look-alikes) is outside it, so no decoding or normalisation can turn a key into another path.
 */
const SEGMENT = /^[A-Za-z0-9_~=+@,-][A-Za-z0-9._~=+@,-]*$/;

/**
 * Checks that a key names an object inside a store: `/`-separated segments of letters, digits
 * and `. _ ~ = + @ , -`, none empty, none starting with a dot (so no `.`, `..` or hidden names).
 * Returns the key unchanged; throws ArtifactKeyError naming the problem.
 */
export function validateKey(key: unknown): string {
  if (typeof key !== 'string') throw new ArtifactKeyError(String(key), 'must be a string');
  if (key.length === 0) throw new ArtifactKeyError(key, 'must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    throw new ArtifactKeyError(key, `must be at most ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) throw new ArtifactKeyError(key, 'must be relative (no leading /)');
  for (const segment of key.split('/')) {
    if (segment.length === 0) throw new ArtifactKeyError(key, 'has an empty segment (// or a trailing /)');
    if (segment === '.' || segment === '..') throw new ArtifactKeyError(key, `has a "${segment}" segment`);
    if (segment.startsWith('.')) throw new ArtifactKeyError(key, `segment "${segment}" starts with a dot`);
    if (segment.length > MAX_SEGMENT_BYTES)
      throw new ArtifactKeyError(key, `segment longer than ${MAX_SEGMENT_BYTES} characters`);
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find((c) => !/[A-Za-z0-9._~=+@,-]/.test(c)) ?? '';
      throw new ArtifactKeyError(
        key,
        `character ${JSON.stringify(bad)} is not allowed (letters, digits, . _ ~ = + @ , - and / only)`,
      );
    }
  }
  return key;
}

/**
 * The key `exists` looks at: a reference's URI, a URI (keys cannot contain ':', so a string with
 * one is a URI), or a key; URIs are resolved by the store, which refuses those outside it.
 */
export function keyOfTarget(target: ArtifactRef | string, keyOfUri: (uri: string) => string): string {
  if (typeof target !== 'string') return keyOfUri(validateRef(target).uri);
  return target.includes(':') ? keyOfUri(target) : validateKey(target);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks the shape of a reference (not the bytes it points at). */
export function validateRef(ref: unknown): ArtifactRef {
  if (typeof ref !== 'object' || ref === null) throw new ArtifactRefError('ref', 'must be an object');
  const { uri, sha256, size } = ref as Record<string, unknown>;
  if (typeof uri !== 'string' || uri.length === 0)
    throw new ArtifactRefError('uri', 'must be a non-empty string');
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))
    throw new ArtifactRefError('sha256', 'must be 64 lowercase hex digits');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new ArtifactRefError('size', 'must be a non-negative integer');
  return { uri, sha256, size };
}
