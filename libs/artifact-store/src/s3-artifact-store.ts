import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { type Readable } from 'node:stream';
import { type ArtifactRef, type ArtifactStore, type PutOptions } from './artifact-store';
import { sha256Hex, verifyBytes } from './checksum';
import {
  ArtifactIntegrityError,
  ArtifactKeyError,
  ArtifactNotFoundError,
  ArtifactStoreError,
  ArtifactStoreUnavailableError,
} from './errors';
import { keyOfTarget, validateKey, validateRef } from './key';

/** S3's bucket naming rules (lowercase letters, digits, dots and hyphens; 3–63 characters). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Objects are stored under this key prefix, e.g. `continuum/prod`; validated like a key. */
  prefix?: string;
  /** An S3Client of the caller's (tests, shared clients); otherwise one is made from `client`. */
  s3?: S3Client;
  /** Endpoint, region, path-style addressing and credentials of the client the store creates. */
  client?: S3ClientConfig;
}

/**
 * Artifacts as objects in one bucket under one prefix of an S3-compatible store, for deployments
 * where a scorer on another host must read what a trainer wrote. A PUT is atomic in S3; the
 * SHA-256 is sent with it (the server checks the upload) and checked again on every read.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly s3: S3Client;
  private readonly ownsClient: boolean;

  constructor(options: S3ArtifactStoreOptions) {
    if (!BUCKET.test(options.bucket) || options.bucket.includes('..'))
      throw new ArtifactStoreError(`invalid S3 bucket name ${JSON.stringify(options.bucket)}`);
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/\/+$/, '');
    this.prefix = prefix === '' ? '' : `${validateKey(prefix)}/`;
    this.ownsClient = options.s3 === undefined;
    this.s3 = options.s3 ?? new S3Client(options.client ?? {});
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ArtifactRef> {
    validateKey(key);
    const sha256 = sha256Hex(bytes);
    await this.send(
      () =>
        this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: options.contentType ?? 'application/octet-stream',
            ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
            Metadata: { sha256 },
          }),
        ),
      this.uriOf(key),
    );
    return { uri: this.uriOf(key), sha256, size: bytes.length };
  }

  async get(ref: ArtifactRef): Promise<Buffer> {
    const checked = validateRef(ref);
    const key = this.keyOfUri(checked.uri);
    const answer = await this.send(
      () => this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })),
      checked.uri,
    );
    const body = answer.Body;
    if (body === undefined) throw new ArtifactNotFoundError(checked.uri);
    // An object of the wrong size is refused before its body is read (it may be much larger).
    if (answer.ContentLength !== undefined && answer.ContentLength !== checked.size) {
      (body as Readable).destroy?.();
      throw new ArtifactIntegrityError(checked.uri, checked, { size: answer.ContentLength });
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await body.transformToByteArray());
    } catch (error) {
      throw new ArtifactStoreUnavailableError(`reading ${checked.uri} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    verifyBytes(checked, bytes);
    return bytes;
  }

  async exists(refOrKey: ArtifactRef | string): Promise<boolean> {
    const key = keyOfTarget(refOrKey, (uri) => this.keyOfUri(uri));
    try {
      await this.send(
        () => this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })),
        this.uriOf(key),
      );
      return true;
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return false;
      throw error;
    }
  }

  /** The `s3://bucket/prefix/key` URI of a key (the key is validated). */
  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${validateKey(key)}`;
  }

  /** The key an `s3://` URI of this bucket and prefix names; ArtifactKeyError when it names anything else. */
  keyOfUri(uri: string): string {
    const base = `s3://${this.bucket}/${this.prefix}`;
    if (!uri.startsWith('s3://'))
      throw new ArtifactKeyError(uri, `is not an s3:// URI of this store (${base})`);
    if (!uri.startsWith(base))
      throw new ArtifactKeyError(uri, `is outside the store (bucket and prefix ${base})`);
    // Keys cannot contain %, ?, # or ':', so the rest is the key as written: nothing to decode.
    return validateKey(uri.slice(base.length));
  }

  /** Closes the client's sockets when the store created the client. */
  close(): void {
    if (this.ownsClient) this.s3.destroy();
  }

  private async send<T>(request: () => Promise<T>, uri: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw translate(error, uri, this.bucket);
    }
  }
}

/** S3 SDK errors → the store's typed errors. */
function translate(error: unknown, uri: string, bucket: string): Error {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    if (error.name === 'NoSuchBucket')
      return new ArtifactStoreError(
        `S3 bucket ${bucket} does not exist (create it, or fix ARTIFACT_STORE_URL)`,
        {
          cause: error,
        },
      );
    if (error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404)
      return new ArtifactNotFoundError(uri, { cause: error });
    if (error.name === 'BadDigest' || error.name === 'InvalidDigest')
      return new ArtifactStoreUnavailableError(
        `the S3 server received other bytes than were sent for ${uri}`,
        {
          cause: error,
        },
      );
    if (status >= 500 || status === 429 || error.$retryable !== undefined)
      return new ArtifactStoreUnavailableError(`S3 answered ${status} ${error.name} for ${uri}`, {
        cause: error,
      });
    return new ArtifactStoreError(`S3 answered ${status} ${error.name} for ${uri}: ${error.message}`, {
      cause: error,
    });
  }
  const message = (error as Error)?.message ?? String(error);
  return new ArtifactStoreUnavailableError(`S3 request for ${uri} failed: ${message}`, { cause: error });
}
