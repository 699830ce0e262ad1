import { mkdtemp, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeArtifactStoreContract } from '../test/artifact-store-contract';
import {
  ArtifactKeyError,
  ArtifactNotFoundError,
  ArtifactStoreError,
  FilesystemArtifactStore,
} from './index';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function freshRoot(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'artifact-store-'));
  roots.push(parent);
  return join(parent, 'store');
}

describeArtifactStoreContract('filesystem', async () => {
  const root = await freshRoot();
  const store = new FilesystemArtifactStore(root);
  return {
    store,
    overwriteRaw: async (key, bytes) => writeFile(join(root, ...key.split('/')), bytes),
    foreignUris: [
      pathToFileURL(join(dirname(root), 'elsewhere', 'model.bin')).href,
      // A sibling directory whose name starts with the root's name.
      pathToFileURL(`${root}-other/runs/x/model.bin`).href,
      pathToFileURL('/etc/passwd').href,
      `file://localhost${pathToFileURL(join(root, 'runs', 'model.bin')).pathname}`,
      `file://127.0.0.1${pathToFileURL(join(root, 'runs', 'model.bin')).pathname}`,
    ],
  };
});

describe('FilesystemArtifactStore', () => {
  it('writes under its root with file:// URIs and leaves no temporary file behind', async () => {
    const root = await freshRoot();
    const store = new FilesystemArtifactStore(root);
    const ref = await store.put('models/churn/3/model.json', new TextEncoder().encode('{}'));
    expect(ref.uri).toBe(pathToFileURL(join(root, 'models', 'churn', '3', 'model.json')).href);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('does not follow a symbolic link planted in place of an artifact', async () => {
    const root = await freshRoot();
    const store = new FilesystemArtifactStore(root);
    const ref = await store.put('models/m/1/model.bin', new TextEncoder().encode('secret'));
    const outside = join(dirname(root), 'outside.bin');
    await writeFile(outside, 'secret');
    await rm(join(root, 'models', 'm', '1', 'model.bin'));
    await symlink(outside, join(root, 'models', 'm', '1', 'model.bin'));
    await expect(store.get(ref)).rejects.toThrow(ArtifactStoreError);
  });

  it('treats a directory at the reference as no artifact', async () => {
    const root = await freshRoot();
    const store = new FilesystemArtifactStore(root);
    const ref = await store.put('models/m/1/model.bin', new TextEncoder().encode('x'));
    await mkdir(join(root, 'models', 'm', '2'), { recursive: true });
    await expect(store.get({ ...ref, uri: store.uriOf('models/m/2') })).rejects.toThrow(
      ArtifactNotFoundError,
    );
  });

  it('keeps URIs of roots with spaces and non-ASCII names canonical', async () => {
    const root = join(await freshRoot(), 'mod èles & co');
    const store = new FilesystemArtifactStore(root);
    const ref = await store.put('a/b.bin', new Uint8Array([1, 2, 3]));
    expect(ref.uri).toBe(pathToFileURL(join(root, 'a', 'b.bin')).href);
    expect([...(await store.get(ref))]).toEqual([1, 2, 3]);
    expect(() => store.keyOfUri(ref.uri.replace('%C3%A8', 'è'))).toThrow(ArtifactKeyError);
  });

  it('needs an absolute root', () => {
    expect(() => new FilesystemArtifactStore('relative/dir')).toThrow(ArtifactStoreError);
  });
});
