import { PerformanceEstimation, ReferenceProfileBuilder } from '@continuum/drift';
import { type Logger } from '@continuum/observability';
import { EstimationReferenceCache, type ProfileSource } from './estimation-references';

const scores = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);
const estimation = PerformanceEstimation.fitBinary(
  scores,
  scores.map((s, i) => (i % 7 < 7 * s ? 1 : 0)),
);
const profile = ReferenceProfileBuilder.fromEvents([{ numeric: { x: 1 } }]);
const withEstimation = JSON.stringify(profile.withPerformanceEstimation(estimation).toJSON());
const ref = { uri: 'file:///p.json', sha256: 'abc', size: withEstimation.length };

describe('EstimationReferenceCache', () => {
  it('reads the member from inline and stored profiles, once per profile; none without it, and a bad one is logged as none', async () => {
    const versions: Record<string, ReturnType<ProfileSource['version']>> = {
      'm/inline': { referenceProfile: withEstimation, referenceProfileRef: null },
      'm/stored': { referenceProfile: null, referenceProfileRef: ref },
      'm/plain': { referenceProfile: JSON.stringify(profile.toJSON()), referenceProfileRef: null },
      'm/broken': {
        referenceProfile: '{"performanceEstimation":{"method":"X","rows":1}}',
        referenceProfileRef: null,
      },
    };
    let reads = 0;
    const warnings: string[] = [];
    const cache = new EstimationReferenceCache(
      { version: (m, v) => versions[`${m}/${v}`] },
      { get: async () => (reads++, Buffer.from(withEstimation)) },
      { warn: ((_: object, message: string) => void warnings.push(message)) as Logger['warn'] },
    );
    const all = ['inline', 'stored', 'plain', 'broken', 'unregistered'].map((v) => ['m', v] as const);
    await cache.prepare(all);
    await cache.prepare(all);
    expect(reads).toBe(1);
    expect(cache.get('m', 'inline')?.method).toBe('CBPE');
    expect(cache.get('m', 'stored')?.method).toBe('CBPE');
    expect(cache.get('m', 'plain')).toBeNull();
    expect(cache.get('m', 'broken')).toBeNull();
    expect(cache.get('m', 'unregistered')).toBeNull();
    expect(warnings).toHaveLength(1);
    // Registered later, or its profile replaced: read again.
    versions['m/unregistered'] = versions['m/inline'];
    versions['m/plain'] = versions['m/inline'];
    await cache.prepare(all);
    expect(cache.get('m', 'unregistered')?.method).toBe('CBPE');
    expect(cache.get('m', 'plain')?.method).toBe('CBPE');
  });

  it('a profile the artifact store cannot deliver now is asked for again by the next batch', async () => {
    let fail = true;
    const cache = new EstimationReferenceCache(
      { version: () => ({ referenceProfile: null, referenceProfileRef: ref }) },
      {
        get: async () => {
          if (fail) throw new Error('store unreachable');
          return Buffer.from(withEstimation);
        },
      },
      { warn: (() => undefined) as Logger['warn'] },
    );
    await cache.prepare([['m', 'stored']]);
    expect(cache.get('m', 'stored')).toBeNull();
    fail = false;
    await cache.prepare([['m', 'stored']]);
    expect(cache.get('m', 'stored')?.method).toBe('CBPE');
  });
});
