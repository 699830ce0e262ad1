import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ArtifactStoreError,
  ArtifactStoreUnavailableError,
  artifactStoreFromEnv,
  S3ArtifactStore,
} from '@continuum/artifact-store';
import { describeArtifactStoreContract } from './artifact-store-contract';

/** The S3-compatible server `tools/infra up` (or `tools/infra up s3`) starts; any other by S3_ENDPOINT. */
const ENDPOINT = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const CREDENTIALS = { accessKeyId: 'continuum-test', secretAccessKey: 'continuum-test-secret' };
const CLIENT = { endpoint: ENDPOINT, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS };

const clients: S3Client[] = [];
function s3(): S3Client {
  const client = new S3Client(CLIENT);
  clients.push(client);
  return client;
}
afterAll(() => clients.forEach((c) => c.destroy()));

async function freshBucket(): Promise<string> {
  const bucket = `ct-test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  try {
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    throw new Error(
      `The S3 integration tests need an S3-compatible server at ${ENDPOINT} (start it with: tools/infra up s3): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return bucket;
}

describeArtifactStoreContract('S3 (path-style, with a prefix)', async () => {
  const bucket = await freshBucket();
  const prefix = 'continuum/test';
  const raw = s3();
  return {
    store: new S3ArtifactStore({ bucket, prefix, s3: s3() }),
    overwriteRaw: async (key, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}`, Body: bytes }));
    },
    foreignUris: [
      `s3://${bucket}-other/${prefix}/runs/model.bin`,
      `s3://other-bucket/${prefix}/runs/model.bin`,
      `s3://${bucket}/elsewhere/runs/model.bin`,
      // A sibling prefix that starts with the store's.
      `s3://${bucket}/${prefix}-other/runs/model.bin`,
      `s3://${bucket}//${prefix}/runs/model.bin`,
      `s3://${bucket.toUpperCase()}/${prefix}/runs/model.bin`,
      `s3:/${bucket}/${prefix}/runs/model.bin`,
      `S3://${bucket}/${prefix}/runs/model.bin`,
    ],
  };
});

describeArtifactStoreContract('S3 (no prefix)', async () => {
  const bucket = await freshBucket();
  const raw = s3();
  return {
    store: new S3ArtifactStore({ bucket, s3: s3() }),
    overwriteRaw: async (key, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    foreignUris: [`s3://${bucket}-other/runs/model.bin`, `s3://other-bucket/runs/model.bin`],
  };
});

describe('S3ArtifactStore against a real server', () => {
  it('is what artifactStoreFromEnv builds from ARTIFACT_STORE_URL=s3://… and S3_*', async () => {
    const bucket = await freshBucket();
    const store = artifactStoreFromEnv({
      ARTIFACT_STORE_URL: `s3://${bucket}/models-root`,
      S3_ENDPOINT: ENDPOINT,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    }) as S3ArtifactStore;
    try {
      const ref = await store.put('models/churn/1/model.json', new TextEncoder().encode('{"w":[1]}'));
      expect(ref.uri).toBe(`s3://${bucket}/models-root/models/churn/1/model.json`);
      expect((await store.get(ref)).toString()).toBe('{"w":[1]}');
    } finally {
      store.close();
    }
  });

  it('names a missing bucket', async () => {
    const store = new S3ArtifactStore({ bucket: 'ct-test-no-such-bucket', s3: s3() });
    const error = await store.put('a.bin', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactStoreError);
    expect((error as Error).message).toMatch(/bucket ct-test-no-such-bucket does not exist/);
  });

  it('reports an unreachable server as retriable', async () => {
    const port = await closedPort();
    const store = new S3ArtifactStore({
      bucket: 'any-bucket',
      client: { ...CLIENT, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 },
    });
    try {
      const error = await store.exists('a.bin').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArtifactStoreUnavailableError);
      expect((error as ArtifactStoreUnavailableError).retriable).toBe(true);
    } finally {
      store.close();
    }
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
