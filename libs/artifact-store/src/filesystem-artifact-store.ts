import { constants } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ArtifactRef, type ArtifactStore } from './artifact-store';
import { sha256Hex, verifyBytes } from './checksum';
import {
  ArtifactIntegrityError,
  ArtifactKeyError,
  ArtifactNotFoundError,
  ArtifactStoreError,
} from './errors';
import { keyOfTarget, validateKey, validateRef } from './key';

/** Temporary files live here, inside the root so that rename stays on one filesystem; keys cannot start with a dot. */
const TEMP_DIR = '.tmp';

/**
 * Artifacts as files under one root directory. Writes go to a temporary file that is fsynced and
 * renamed over the target, so a reader or a crash sees the old file or the new one, never half.
 */
export class FilesystemArtifactStore implements ArtifactStore {
  readonly root: string;
  private readonly rootUri: string;

  constructor(root: string) {
    if (!isAbsolute(root))
      throw new ArtifactStoreError(`the store's root must be an absolute path, got ${JSON.stringify(root)}`);
    this.root = resolve(root);
    this.rootUri = pathToFileURL(this.root + sep).href;
  }

  async put(key: string, bytes: Uint8Array): Promise<ArtifactRef> {
    const path = this.pathOf(validateKey(key));
    const temp = join(this.root, TEMP_DIR, `${randomBytes(12).toString('hex')}.partial`);
    await mkdir(dirname(temp), { recursive: true });
    await mkdir(dirname(path), { recursive: true });
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dirname(path));
    return { uri: this.uriOf(key), sha256: sha256Hex(bytes), size: bytes.length };
  }

  async get(ref: ArtifactRef): Promise<Buffer> {
    const checked = validateRef(ref);
    const path = this.pathOf(this.keyOfUri(checked.uri));
    let handle;
    try {
      // O_NOFOLLOW: the store writes regular files only; a symlink planted under the root is not followed.
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isMissing(error)) throw new ArtifactNotFoundError(checked.uri, { cause: error });
      if ((error as { code?: string }).code === 'ELOOP')
        throw new ArtifactStoreError(`${checked.uri} is a symbolic link, not an artifact this store wrote`, {
          cause: error,
        });
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ArtifactNotFoundError(checked.uri);
      const size = info.size;
      // A file of the wrong size is refused before it is read (it may be much larger than expected).
      if (size !== checked.size) throw new ArtifactIntegrityError(checked.uri, checked, { size });
      const bytes = await handle.readFile();
      verifyBytes(checked, bytes);
      return bytes;
    } finally {
      await handle.close();
    }
  }

  async exists(refOrKey: ArtifactRef | string): Promise<boolean> {
    const key = keyOfTarget(refOrKey, (uri) => this.keyOfUri(uri));
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** The `file://` URI of a key (the key is validated). */
  uriOf(key: string): string {
    return this.rootUri + validateKey(key);
  }

  /** The key a `file://` URI of this store names; ArtifactKeyError when it names anything else. */
  keyOfUri(uri: string): string {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new ArtifactKeyError(uri, 'is not a URI');
    }
    if (url.protocol !== 'file:')
      throw new ArtifactKeyError(uri, `is not a file:// URI of this store (${this.rootUri})`);
    if (url.host !== '' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
      throw new ArtifactKeyError(uri, 'must not carry a host, query, fragment or credentials');
    // The raw text must already be the canonical form: the URL parser resolves "..", "." and
    // percent-encoding, and a URI that needed any of that is a trick, not a reference this store made.
    if (url.href !== uri)
      throw new ArtifactKeyError(uri, 'is not in canonical form (dot segments or encoding)');
    if (!uri.startsWith(this.rootUri))
      throw new ArtifactKeyError(uri, `is outside the store's root ${this.rootUri}`);
    const key = uri.slice(this.rootUri.length);
    validateKey(key);
    if (fileURLToPath(url) !== this.pathOf(key))
      throw new ArtifactKeyError(uri, 'does not resolve inside the store');
    return key;
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, ...key.split('/'));
    // validateKey makes this impossible; checked again because escaping the root is the one thing that must never happen.
    if (!path.startsWith(this.root + sep))
      throw new ArtifactKeyError(key, "resolves outside the store's root");
    return path;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Makes the rename durable; directories cannot be fsynced on every platform, hence best effort. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (e.g. some network filesystems); the rename itself is still atomic.
  }
}
