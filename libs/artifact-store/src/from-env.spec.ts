import { ConfigError } from '@continuum/config';
import {
  artifactStoreFromEnv,
  FilesystemArtifactStore,
  parseArtifactStoreUrl,
  S3ArtifactStore,
} from './index';

describe('artifactStoreFromEnv', () => {
  it('defaults to a filesystem store under .cache of the working directory', () => {
    const store = artifactStoreFromEnv({}, { cwd: '/srv/continuum' });
    expect(store).toBeInstanceOf(FilesystemArtifactStore);
    expect((store as FilesystemArtifactStore).root).toBe('/srv/continuum/.cache/artifacts');
  });

  it('takes a file:// root', () => {
    const store = artifactStoreFromEnv({ ARTIFACT_STORE_URL: 'file:///var/lib/continuum/artifacts/' });
    expect((store as FilesystemArtifactStore).root).toBe('/var/lib/continuum/artifacts');
  });

  it('takes an s3:// bucket and prefix', () => {
    const store = artifactStoreFromEnv({
      ARTIFACT_STORE_URL: 's3://ml-artifacts/continuum/prod/',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
    }) as S3ArtifactStore;
    expect(store).toBeInstanceOf(S3ArtifactStore);
    expect(store.bucket).toBe('ml-artifacts');
    expect(store.uriOf('models/m/1/model.json')).toBe(
      's3://ml-artifacts/continuum/prod/models/m/1/model.json',
    );
    store.close();
  });

  it('reports every problem at once, naming the variables', () => {
    const error = (() => {
      try {
        artifactStoreFromEnv({
          ARTIFACT_STORE_URL: 'ftp://host/x',
          S3_ENDPOINT: 'localhost:9000',
          S3_FORCE_PATH_STYLE: 'maybe',
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.split('=')[0])).toEqual([
      'ARTIFACT_STORE_URL',
      'S3_ENDPOINT',
      'S3_FORCE_PATH_STYLE',
    ]);
  });

  it('needs both halves of static S3 credentials', () => {
    expect(() =>
      artifactStoreFromEnv({ ARTIFACT_STORE_URL: 's3://bucket-a', AWS_ACCESS_KEY_ID: 'id' }),
    ).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together/);
  });
});

describe('parseArtifactStoreUrl', () => {
  it.each([
    ['relative/dir', /must be a URL/],
    ['file://host/dir', /three slashes/],
    ['file:///dir?x=1', /query/],
    ['s3://Upper/x', /bucket name/],
    ['s3://ab/x', /bucket name/],
    ['s3://bucket-a/../x', /prefix/],
    ['s3://bucket-a/a%2f..%2fb', /prefix/],
    ['s3://user:pw@bucket-a/x', /credentials/],
    ['http://bucket-a/x', /unsupported scheme/],
  ])('refuses %s', (raw, problem) => {
    const parsed = parseArtifactStoreUrl(raw);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});
