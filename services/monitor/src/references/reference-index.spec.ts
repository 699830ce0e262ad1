import { ReferenceProfile, ReferenceProfileBuilder } from '@continuum/drift';
import { type ModelVersionEvent } from '@continuum/events';
import { VERSION_EVENT_DEFAULTS } from '@continuum/registry';
import { featuresSubject, predictionsSubject } from '../streams/stream-identity';
import { ReferenceIndex } from './reference-index';

const profile = (shift: number) =>
  ReferenceProfile.fromColumns({
    numeric: { x: Array.from({ length: 100 }, (_, i) => i + shift) },
    prediction: Array.from({ length: 100 }, (_, i) => i / 100),
  });

let events = 0;

function event(
  version: string,
  change: ModelVersionEvent['change'],
  stage: ModelVersionEvent['stage'],
  p?: ReferenceProfile | string,
): ModelVersionEvent {
  return {
    ...VERSION_EVENT_DEFAULTS,
    eventId: `${version}-${change}-${stage}-${++events}`,
    modelId: 'm',
    version,
    parentVersion: null,
    change,
    stage,
    strategy: 'FULL',
    trainingWindow: null,
    metrics: {},
    artifactUri: null,
    contract: null,
    referenceProfile: p === undefined ? null : typeof p === 'string' ? p : JSON.stringify(p.toJSON()),
    occurredAt: 1,
    actor: 't',
  };
}

describe('ReferenceIndex', () => {
  it("measures a version's predictions against its own registered profile", () => {
    const c = new ReferenceIndex();
    c.applyVersionEvent(event('1', 'REGISTERED', 'CHAMPION', profile(0)));
    c.applyVersionEvent(event('2', 'REGISTERED', 'CANDIDATE', profile(5)));
    const r1 = c.referenceFor(predictionsSubject('m', '1'));
    const r2 = c.referenceFor(predictionsSubject('m', '2'));
    expect(r1?.kind).toBe('MODEL_VERSION');
    expect(r1?.profile.fingerprint).toBe(profile(0).fingerprint);
    expect(r2?.profile.fingerprint).toBe(profile(5).fingerprint);
    expect(c.referenceFor(predictionsSubject('m', '3'))).toBeUndefined();
    expect(c.byReferenceId(r1!.id)).toBe(r1);
  });

  it("measures feature observations against the inputs of the latest champion's profile, else the latest registered", () => {
    const c = new ReferenceIndex();
    c.applyVersionEvent(event('1', 'REGISTERED', 'CANDIDATE', profile(0)));
    c.applyVersionEvent(event('2', 'REGISTERED', 'CANDIDATE', profile(5)));
    expect(c.referenceFor(featuresSubject('m'))?.modelVersion).toBe('2');
    c.applyVersionEvent(event('1', 'STAGE_CHANGED', 'CHAMPION'));
    const f = c.referenceFor(featuresSubject('m'));
    expect(f?.modelVersion).toBe('1');
    expect(f?.profile.prediction).toBeNull();
    expect(f?.profile.features.map((x) => x.name)).toEqual(['x']);
    // A candidate replaces the champion through SHADOW; skipping it is refused and changes nothing.
    expect(c.applyVersionEvent(event('2', 'STAGE_CHANGED', 'CHAMPION')).refused?.refusal).toBe(
      'CHAMPION_EXISTS',
    );
    expect(c.referenceFor(featuresSubject('m'))?.modelVersion).toBe('1');
    c.applyVersionEvent(event('2', 'STAGE_CHANGED', 'SHADOW'));
    c.applyVersionEvent(event('2', 'STAGE_CHANGED', 'CHAMPION'));
    expect(c.referenceFor(featuresSubject('m'))?.modelVersion).toBe('2');
    expect(c.registry.stageOf('m', '1')).toBe('ARCHIVED');
  });

  it('reports an invalid profile instead of throwing, and falls back to a bootstrap profile', () => {
    const c = new ReferenceIndex();
    const update = c.applyVersionEvent(event('1', 'REGISTERED', 'CHAMPION', '{"format":"nope"}'));
    expect(update.invalidProfile).toMatchObject({ modelId: 'm', version: '1' });
    expect(c.referenceFor(predictionsSubject('m', '1'))).toBeUndefined();
    c.applyBootstrap({
      subject: predictionsSubject('m', '1'),
      referenceProfile: JSON.stringify(profile(1).toJSON()),
      effectiveFrom: 120_000,
      sampleCount: 100,
      builtAt: 1,
    });
    const r = c.referenceFor(predictionsSubject('m', '1'));
    expect(r).toMatchObject({ kind: 'BOOTSTRAP', effectiveFrom: 120_000 });
    // A registered profile (here: replaced by METRICS_UPDATED) takes over from the bootstrap one.
    c.applyVersionEvent(event('1', 'METRICS_UPDATED', 'CHAMPION', profile(2)));
    expect(c.referenceFor(predictionsSubject('m', '1'))?.kind).toBe('MODEL_VERSION');
  });

  it('reads a profile the event points at in the artifact store from the caller', () => {
    const c = new ReferenceIndex();
    const stored = JSON.stringify(profile(3).toJSON());
    const e: ModelVersionEvent = {
      ...event('1', 'REGISTERED', 'CHAMPION'),
      referenceProfileRef: { uri: 'file:///a/profile.json', sha256: '0'.repeat(64), size: stored.length },
    };
    expect(c.applyVersionEvent(e, stored)).toEqual({});
    expect(c.referenceFor(predictionsSubject('m', '1'))?.profile.fingerprint).toBe(profile(3).fingerprint);
    expect(c.counts()).toEqual({ registered: 1, bootstrap: 0 });
  });

  it('ignores a redelivered event and a refused one', () => {
    const c = new ReferenceIndex();
    const first = event('1', 'REGISTERED', 'CHAMPION', profile(0));
    c.applyVersionEvent(first);
    expect(c.applyVersionEvent(first).refused?.refusal).toBe('DUPLICATE_EVENT');
    expect(
      c.applyVersionEvent({ ...event('1', 'REGISTERED', 'CHAMPION', profile(9)), eventId: 'x' }).refused
        ?.refusal,
    ).toBe('VERSION_EXISTS');
    expect(c.referenceFor(predictionsSubject('m', '1'))?.profile.fingerprint).toBe(profile(0).fingerprint);
  });

  it("feature observations use the profile's inputs, segment references included (the prediction dropped there too)", () => {
    const builder = new ReferenceProfileBuilder({ segments: { keys: ['city'], maxValues: 2 } });
    for (let i = 0; i < 60; i++)
      builder.observe({ numeric: { x: i }, prediction: i / 60, segments: { city: ['a', 'b', 'c'][i % 3] } });
    const c = new ReferenceIndex();
    expect(c.applyVersionEvent(event('1', 'REGISTERED', 'CHAMPION', builder.build()))).toEqual({});
    const inputs = c.referenceFor(featuresSubject('m'))!.profile;
    expect(inputs.prediction).toBeNull();
    expect(inputs.segmentValues('city')).toEqual(['a', 'b']);
    expect(inputs.segmentReference('city=a')?.json.features.map((f) => f.name)).toEqual(['x']);
    expect(inputs.segmentReference('city=other')?.json.rows).toBe(20);
  });
});
