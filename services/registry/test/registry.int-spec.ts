import { type Kafka } from 'kafkajs';
import { ReferenceProfile } from '@continuum/drift';
import { RegistryHttpError } from '@continuum/registry';
import { testKafka } from '@continuum/testing';
import { FEATURES, type RegistryUnderTest, prepareRegistry, startRegistry } from './registry-harness';

/** A libs/drift profile of `features` numeric columns (500 features: several hundred kB of JSON). */
function wideProfile(features: number): ReferenceProfile {
  const numeric: Record<string, number[]> = {};
  for (let f = 0; f < features; f++)
    numeric[`x${f}`] = Array.from({ length: 200 }, (_, i) => Math.sin(i * (f + 1)) * 10 + f);
  return ReferenceProfile.fromColumns({
    numeric,
    prediction: Array.from({ length: 200 }, (_, i) => (i % 100) / 100),
  });
}

describe('registry on the real broker', () => {
  let kafka: Kafka;
  let registry: RegistryUnderTest | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await registry?.process.stop();
    registry = undefined;
  });

  it('registers, promotes and audits; a restarted registry serves the same state', async () => {
    registry = await startRegistry(await prepareRegistry(kafka, 'reg-restart'));
    const { client } = registry;
    const model = await client.createModel({
      modelId: 'churn',
      task: 'BINARY_CLASSIFICATION',
      contract: { features: FEATURES },
      owner: 'team-growth',
      policyRef: 'churn',
    });
    expect(model).toMatchObject({
      modelId: 'churn',
      revision: 1,
      championVersion: null,
      owner: 'team-growth',
    });
    const v1 = await client.registerVersion('churn', {
      strategy: 'EXTERNAL',
      stage: 'CHAMPION',
      metrics: { accuracy: 0.9 },
      actor: 'team-growth',
    });
    expect(v1).toMatchObject({ created: true, version: { version: '1', stage: 'CHAMPION' } });
    const v2 = await client.registerVersion('churn', {
      strategy: 'WARM_START',
      parentVersion: '1',
      lineage: {
        examples: [{ topic: 'ct.examples', partition: 0, fromOffset: 10, toOffset: 1010 }],
        seed: 7,
        codeVersion: 'abc',
        hyperParameters: { lr: 0.1 },
      },
      idempotencyKey: 'retrain-req-1',
      actor: 'trainer',
    });
    expect(v2).toMatchObject({ created: true, version: { version: '2', stage: 'CANDIDATE' } });
    // The same idempotency key: the same version, not a new one.
    const again = await client.registerVersion('churn', {
      strategy: 'WARM_START',
      idempotencyKey: 'retrain-req-1',
    });
    expect(again).toMatchObject({ created: false, version: { version: '2' } });
    const bytes = new Uint8Array(Buffer.from('model weights'));
    const artifact = await client.uploadArtifact('churn', '2', bytes);
    expect(artifact).toMatchObject({ size: bytes.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await client.changeStage('churn', '2', { stage: 'SHADOW', reason: 'shadow test', actor: 'promoter' });
    const promoted = await client.changeStage('churn', '2', {
      stage: 'CHAMPION',
      reason: 'beats champion',
      actor: 'promoter',
      evidence: { pValue: 0.001 },
    });
    expect(promoted).toMatchObject({ archived: '1', version: { stage: 'CHAMPION' } });

    const snapshot = async () => ({
      models: await registry!.client.listModels(),
      versions: await registry!.client.listVersions('churn'),
      history: await registry!.client.history('churn', '2'),
      lineage: await registry!.client.lineage('churn', '2'),
    });
    const before = await snapshot();
    expect(before.history.transitions.map((t) => [t.from, t.to, t.actor, t.reason])).toEqual([
      [null, 'CANDIDATE', 'trainer', null],
      ['CANDIDATE', 'SHADOW', 'promoter', 'shadow test'],
      ['SHADOW', 'CHAMPION', 'promoter', 'beats champion'],
    ]);
    expect(before.lineage).toMatchObject({
      ancestors: ['1'],
      lineage: { seed: 7, hyperParameters: { lr: 0.1 } },
    });
    expect(before.versions.map((v) => [v.version, v.stage])).toEqual([
      ['1', 'ARCHIVED'],
      ['2', 'CHAMPION'],
    ]);
    expect(before.versions[1]!.artifact).toEqual(artifact);

    const prepared = { names: registry.names, env: registry.env };
    expect(await registry.process.stop()).toBe(0);
    registry = await startRegistry(prepared);
    expect(await snapshot()).toEqual(before);
  });

  it('lets exactly one of two concurrent stage changes on the same revision win: one 200, one 409', async () => {
    registry = await startRegistry(await prepareRegistry(kafka, 'reg-race'));
    const { client } = registry;
    await client.createModel({
      modelId: 'fraud',
      task: 'REGRESSION',
      contract: { features: FEATURES },
      owner: 'risk',
    });
    await client.registerVersion('fraud', { strategy: 'FULL', stage: 'CHAMPION' });
    await client.registerVersion('fraud', { strategy: 'FULL', stage: 'SHADOW' });
    await client.registerVersion('fraud', { strategy: 'FULL', stage: 'SHADOW' });
    const { revision } = await client.getModel('fraud');
    const attempts = await Promise.allSettled(
      ['2', '3'].map((version) =>
        client.changeStage('fraud', version, {
          stage: 'CHAMPION',
          expectedRevision: revision,
          reason: `promote ${version}`,
          actor: 'promoter',
        }),
      ),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(RegistryHttpError);
    expect(lost[0]!.reason).toMatchObject({ status: 409, code: 'STALE_REVISION' });
    const champions = await client.listVersions('fraud', 'CHAMPION');
    expect(champions).toHaveLength(1);
    expect((await client.getModel('fraud')).revision).toBe(revision + 1);
  });

  it('registers a 500-feature model: its profile goes to the artifact store, the event carries the reference', async () => {
    registry = await startRegistry(await prepareRegistry(kafka, 'reg-wide'));
    const { client } = registry;
    const features = Array.from({ length: 500 }, (_, f) => ({ name: `x${f}`, type: 'NUMERIC' as const }));
    await client.createModel({
      modelId: 'wide',
      task: 'BINARY_CLASSIFICATION',
      contract: { features },
      owner: 'ml',
    });
    const profile = wideProfile(500);
    const json = profile.toJSON();
    const size = Buffer.byteLength(JSON.stringify(json));
    expect(size).toBeGreaterThan(1024 * 1024); // more than a record of the topic may hold
    // A metrics table (importance per feature and bin) too large to travel inline either.
    const metrics = Object.fromEntries(
      features.flatMap((f, i) =>
        Array.from({ length: 10 }, (_, b) => [`importance.${f.name}.bin${b}`, i / 500 + b]),
      ),
    );
    const { version } = await client.registerVersion('wide', {
      strategy: 'EXTERNAL',
      stage: 'CHAMPION',
      referenceProfile: json,
      metrics,
    });
    expect(version.hasReferenceProfile).toBe(true);
    expect(version.referenceProfileRef).toMatchObject({ size, uri: expect.stringMatching(/^file:\/\//) });
    expect(version.metricsRef).toMatchObject({ uri: expect.stringMatching(/metrics\.json$/) });
    // Read back whole, through the store's checksum check.
    expect(await client.referenceProfile('wide', version.version)).toEqual(json);
    expect((await client.getModel('wide')).contract?.features).toHaveLength(500);
  });
});
