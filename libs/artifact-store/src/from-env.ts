import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigField, flag, loadConfig, optional, text } from '@continuum/config';
import { type ArtifactStore } from './artifact-store';
import { FilesystemArtifactStore } from './filesystem-artifact-store';
import { S3ArtifactStore } from './s3-artifact-store';
import { validateKey } from './key';

/** Where ARTIFACT_STORE_URL points. */
export type ArtifactStoreLocation =
  { kind: 'file'; root: string } | { kind: 's3'; bucket: string; prefix: string };

/** Parses `file:///absolute/dir` or `s3://bucket[/prefix]`; a problem message otherwise. */
export function parseArtifactStoreUrl(raw: string): { value: ArtifactStoreLocation } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be a URL: file:///absolute/directory or s3://bucket/prefix' };
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    return {
      problem: 'must not carry a query, fragment or credentials (S3 credentials come from AWS_* variables)',
    };
  if (url.protocol === 'file:') {
    if (url.host !== '') return { problem: 'must be file:///absolute/directory (three slashes, no host)' };
    return { value: { kind: 'file', root: fileURLToPath(url) } };
  }
  if (url.protocol === 's3:') {
    // Read from the raw text: the URL parser would resolve "..", which must be refused, not followed.
    const [bucket, ...path] = raw.slice('s3://'.length).split('/');
    const prefix = path.join('/').replace(/\/+$/, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..'))
      return {
        problem: `has an invalid bucket name ${JSON.stringify(bucket)} (3-63 lowercase letters, digits, dots, hyphens)`,
      };
    if (prefix !== '') {
      try {
        validateKey(prefix);
      } catch (error) {
        return { problem: `has an invalid prefix: ${(error as Error).message}` };
      }
    }
    return { value: { kind: 's3', bucket, prefix } };
  }
  return { problem: `has an unsupported scheme ${url.protocol} (use file:// or s3://)` };
}

function storeUrl(defaultRoot: string): ConfigField<ArtifactStoreLocation> {
  return {
    env: 'ARTIFACT_STORE_URL',
    description:
      'where model artifacts and large registry payloads are stored: file:///absolute/directory or s3://bucket/prefix (S3-compatible; see S3_*)',
    defaultText: 'file://<working directory>/.cache/artifacts',
    defaultValue: { kind: 'file', root: defaultRoot },
    optional: false,
    parse: parseArtifactStoreUrl,
  };
}

/** The variables artifactStoreFromEnv reads (for services' configuration tables). */
export function artifactStoreConfigSpec(cwd: string = process.cwd()) {
  return {
    location: storeUrl(resolve(cwd, '.cache', 'artifacts')),
    endpoint: optional(
      text({
        env: 'S3_ENDPOINT',
        description: 'S3-compatible endpoint (MinIO, moto, Ceph…); unset = AWS S3',
        pattern: /^https?:\/\/[^\s]+$/,
        example: 'http://127.0.0.1:9000',
      }),
    ),
    region: text({ env: 'S3_REGION', description: 'S3 region', default: 'us-east-1' }),
    forcePathStyle: optional(
      flag({
        env: 'S3_FORCE_PATH_STYLE',
        description: 'path-style addressing (http://host/bucket/key); unset = on when S3_ENDPOINT is set',
      }),
    ),
    accessKeyId: optional(
      text({
        env: 'AWS_ACCESS_KEY_ID',
        description: "S3 access key; unset = the AWS SDK's default credential chain",
      }),
    ),
    secretAccessKey: optional(
      text({ env: 'AWS_SECRET_ACCESS_KEY', description: 'S3 secret key (with AWS_ACCESS_KEY_ID)' }),
    ),
    sessionToken: optional(
      text({ env: 'AWS_SESSION_TOKEN', description: 'S3 session token (temporary credentials)' }),
    ),
  };
}

/**
 * The store a deployment configured: ARTIFACT_STORE_URL (default: a directory under `.cache` of
 * the working directory), and for s3:// the S3_* and AWS_* variables. Every problem is reported
 * at once as a ConfigError.
 */
export function artifactStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { service?: string; cwd?: string } = {},
): ArtifactStore {
  const spec = artifactStoreConfigSpec(options.cwd);
  const service = options.service ?? 'artifact store';
  const config = loadConfig(service, spec, env);
  if (config.location.kind === 'file') return new FilesystemArtifactStore(config.location.root);
  if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined))
    throw new ConfigError(service, ['AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together']);
  return new S3ArtifactStore({
    bucket: config.location.bucket,
    prefix: config.location.prefix,
    client: {
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
      credentials:
        config.accessKeyId !== undefined && config.secretAccessKey !== undefined
          ? {
              accessKeyId: config.accessKeyId,
              secretAccessKey: config.secretAccessKey,
              sessionToken: config.sessionToken,
            }
          : undefined,
    },
  });
}
