import { createHash, randomBytes } from 'node:crypto';
import {
  ArtifactIntegrityError,
  ArtifactKeyError,
  ArtifactNotFoundError,
  ArtifactRefError,
  type ArtifactRef,
  type ArtifactStore,
} from '@continuum/artifact-store';

/** One store under test, with the back doors the contract needs to damage what it stored. */
export interface StoreUnderTest {
  store: ArtifactStore;
  /** Replaces the stored bytes of a key behind the store's back (damage, or another writer). */
  overwriteRaw(key: string, bytes: Uint8Array): Promise<void>;
  /** URIs that look like this store's but name something outside it (other root, bucket, prefix). */
  foreignUris: string[];
}

/** Keys that must never be accepted, whatever the store. */
export const ESCAPING_KEYS: ReadonlyArray<[string, string]> = [
  ['..', 'parent directory'],
  ['../secret', 'leading ..'],
  ['models/../../etc/passwd', 'inner ..'],
  ['models/a/..', 'trailing ..'],
  ['./models/a', 'a . segment'],
  ['/etc/passwd', 'absolute path'],
  ['//server/share', 'UNC-like path'],
  ['models\\..\\..\\x', 'backslashes'],
  ['C:\\Windows\\x', 'drive letter'],
  ['models/%2e%2e/%2e%2e/x', 'percent-encoded ..'],
  ['models%2f..%2fx', 'percent-encoded slash'],
  ['models/a\u0000.json', 'NUL'],
  ['models/a\n.json', 'newline'],
  ['file:///etc/passwd', 'file URL'],
  ['s3://other-bucket/x', 's3 URL'],
  ['http://169.254.169.254/latest', 'http URL'],
  ['models/a?x=1', 'query'],
  ['models/a#frag', 'fragment'],
  ['models//a', 'empty segment'],
  ['models/a/', 'trailing slash'],
  ['', 'empty'],
  ['models/．．/x', 'full-width dots'],
  ['models/a b', 'space'],
  ['.tmp/x', 'hidden (temporary) directory'],
  ['a'.repeat(1025), 'too long'],
];

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

/**
 * The behaviour every ArtifactStore must have. Runs the same cases against the filesystem store
 * (unit) and the S3 store (integration, against a real S3-compatible server).
 */
export function describeArtifactStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    let run: string;
    beforeAll(async () => {
      t = await open();
    });
    beforeEach(() => {
      run = `runs/${randomBytes(6).toString('hex')}`;
    });

    it('returns a reference with the SHA-256 and size of the bytes, and reads them back', async () => {
      const bytes = text('{"weights":[0.5,-1.25]}');
      const ref = await t.store.put(`${run}/model.json`, bytes, { contentType: 'application/json' });
      expect(ref.sha256).toBe(sha(bytes));
      expect(ref.size).toBe(bytes.length);
      expect(ref.uri.endsWith(`${run}/model.json`)).toBe(true);
      expect(Buffer.compare(await t.store.get(ref), Buffer.from(bytes))).toBe(0);
    });

    it('stores empty and multi-megabyte artifacts byte for byte', async () => {
      const empty = await t.store.put(`${run}/empty.bin`, new Uint8Array(0));
      expect(empty.size).toBe(0);
      expect((await t.store.get(empty)).length).toBe(0);
      const big = randomBytes(6 * 1024 * 1024 + 7);
      const ref = await t.store.put(`${run}/big.bin`, big);
      expect(ref.size).toBe(big.length);
      expect((await t.store.get(ref)).equals(big)).toBe(true);
    });

    it('keeps keys apart: one key per object, nested keys included', async () => {
      const a = await t.store.put(`${run}/m/1/model.json`, text('a'));
      const b = await t.store.put(`${run}/m/10/model.json`, text('b'));
      const c = await t.store.put(`${run}/m/1/model.json.sha256`, text('c'));
      expect((await t.store.get(a)).toString()).toBe('a');
      expect((await t.store.get(b)).toString()).toBe('b');
      expect((await t.store.get(c)).toString()).toBe('c');
      expect(new Set([a.uri, b.uri, c.uri]).size).toBe(3);
    });

    it('answers exists for a reference, a key and a URI, and false for what is not there', async () => {
      const ref = await t.store.put(`${run}/present.bin`, text('x'));
      expect(await t.store.exists(ref)).toBe(true);
      expect(await t.store.exists(`${run}/present.bin`)).toBe(true);
      expect(await t.store.exists(ref.uri)).toBe(true);
      expect(await t.store.exists(`${run}/absent.bin`)).toBe(false);
      expect(await t.store.exists({ ...ref, uri: ref.uri.replace('present', 'absent') })).toBe(false);
      // A key that is only a directory-like prefix of another is not an artifact.
      expect(await t.store.exists(run)).toBe(false);
    });

    it('throws ArtifactNotFoundError for a reference to nothing', async () => {
      const ref = await t.store.put(`${run}/present.bin`, text('x'));
      await expect(t.store.get({ ...ref, uri: ref.uri.replace('present', 'absent') })).rejects.toThrow(
        ArtifactNotFoundError,
      );
      // A key under an existing object, as if it were a directory.
      await expect(t.store.get({ ...ref, uri: `${ref.uri}/y` })).rejects.toThrow(ArtifactNotFoundError);
    });

    it('refuses bytes damaged behind its back, same size or not (ArtifactIntegrityError)', async () => {
      const key = `${run}/model.bin`;
      const ref = await t.store.put(key, text('0123456789'));
      await t.overwriteRaw(key, text('0123456788'));
      const sameSize = await t.store.get(ref).catch((e: unknown) => e);
      expect(sameSize).toBeInstanceOf(ArtifactIntegrityError);
      expect((sameSize as ArtifactIntegrityError).actual.sha256).toBe(sha(text('0123456788')));
      await t.overwriteRaw(key, text('01234567890'));
      const otherSize = await t.store.get(ref).catch((e: unknown) => e);
      expect(otherSize).toBeInstanceOf(ArtifactIntegrityError);
      expect((otherSize as ArtifactIntegrityError).actual.size).toBe(11);
    });

    it('refuses a reference whose checksum or size is not that of the stored bytes', async () => {
      const ref = await t.store.put(`${run}/model.bin`, text('payload'));
      await expect(t.store.get({ ...ref, sha256: sha(text('other')) })).rejects.toThrow(
        ArtifactIntegrityError,
      );
      await expect(t.store.get({ ...ref, size: ref.size + 1 })).rejects.toThrow(ArtifactIntegrityError);
      await expect(t.store.get({ ...ref, size: 0 })).rejects.toThrow(ArtifactIntegrityError);
    });

    it('replaces an object on a second put; the old reference then fails its check instead of returning other bytes', async () => {
      const key = `${run}/model.json`;
      const first = await t.store.put(key, text('version one'));
      const second = await t.store.put(key, text('version two, longer'));
      expect(second.uri).toBe(first.uri);
      expect((await t.store.get(second)).toString()).toBe('version two, longer');
      await expect(t.store.get(first)).rejects.toThrow(ArtifactIntegrityError);
    });

    it('keeps concurrent writers of one key whole: the object is exactly one of them', async () => {
      const key = `${run}/contended.bin`;
      const payloads = Array.from({ length: 8 }, (_, i) => randomBytes(64 * 1024 + i));
      const refs = await Promise.all(payloads.map((p) => t.store.put(key, p)));
      const readable = await Promise.all(
        refs.map((r) =>
          t.store.get(r).then(
            () => true,
            () => false,
          ),
        ),
      );
      expect(readable.filter(Boolean)).toHaveLength(1);
    });

    it.each(ESCAPING_KEYS)('refuses the key %j (%s) with ArtifactKeyError', async (key) => {
      await expect(t.store.put(key, text('x'))).rejects.toThrow(ArtifactKeyError);
      await expect(t.store.exists(key)).rejects.toThrow(ArtifactKeyError);
    });

    it('refuses URIs outside the store for get and exists', async () => {
      const ref = await t.store.put(`${run}/model.bin`, text('x'));
      const tricks = [
        ...t.foreignUris,
        ref.uri.replace(`${run}/model.bin`, `${run}/../../../etc/passwd`),
        ref.uri.replace(`${run}/model.bin`, `${run}/%2e%2e/%2e%2e/model.bin`),
        ref.uri.replace(`${run}/model.bin`, `${run}/model.bin?versionId=1`),
        ref.uri.replace(`${run}/model.bin`, `${run}/model.bin#x`),
        ref.uri.replace(`${run}/model.bin`, `${run}%2fmodel.bin`),
        ref.uri.replace(`${run}/model.bin`, `${run}\\model.bin`),
        `http://127.0.0.1/${run}/model.bin`,
        `${run}/model.bin`.replace(/^/, 'ftp://host/'),
      ];
      for (const uri of tricks) {
        await expect(t.store.get({ ...ref, uri })).rejects.toThrow(ArtifactKeyError);
        await expect(t.store.exists(uri)).rejects.toThrow(ArtifactKeyError);
      }
    });

    it('refuses malformed references with ArtifactRefError naming the field', async () => {
      const ref = await t.store.put(`${run}/model.bin`, text('x'));
      const bad: Array<[unknown, string]> = [
        [null, 'ref'],
        [{ ...ref, uri: '' }, 'uri'],
        [{ ...ref, sha256: ref.sha256.toUpperCase() }, 'sha256'],
        [{ ...ref, sha256: 'abc' }, 'sha256'],
        [{ ...ref, size: -1 }, 'size'],
        [{ ...ref, size: 1.5 }, 'size'],
        [{ ...ref, size: '1' }, 'size'],
      ];
      for (const [candidate, field] of bad) {
        const error = await t.store.get(candidate as ArtifactRef).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ArtifactRefError);
        expect((error as ArtifactRefError).field).toBe(field);
      }
    });
  });
}
