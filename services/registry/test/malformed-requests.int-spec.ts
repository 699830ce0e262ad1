import { type Kafka } from 'kafkajs';
import { testKafka } from '@continuum/testing';
import {
  API_TOKEN,
  FEATURES,
  type RegistryUnderTest,
  prepareRegistry,
  startRegistry,
} from './registry-harness';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
  token?: string | null;
  status: number;
  field?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const stage = (body: unknown): Omit<Case, 'name' | 'status' | 'field'> => ({
  method: 'POST',
  path: '/models/m/versions/1/stage',
  body: json(body),
});

const CASES: Case[] = [
  { name: 'no token', method: 'POST', path: '/models', body: json({}), token: null, status: 401 },
  { name: 'wrong token', method: 'POST', path: '/models', body: json({}), token: 'nope', status: 401 },
  { name: 'not JSON', method: 'POST', path: '/models', body: '{"modelId":', status: 400, field: 'body' },
  { name: 'JSON array', method: 'POST', path: '/models', body: '[1,2]', status: 400, field: 'body' },
  {
    name: 'model as text/plain',
    method: 'POST',
    path: '/models',
    body: '{"modelId":"m"}',
    contentType: 'text/plain',
    status: 415,
    field: 'body',
  },
  {
    name: 'model as XML',
    method: 'POST',
    path: '/models',
    body: '<model id="m"/>',
    contentType: 'application/xml',
    status: 415,
    field: 'body',
  },
  { name: 'JSON string', method: 'POST', path: '/models', body: '"x"', status: 400, field: 'body' },
  // An empty JSON body reads as {}: the first missing field is named.
  { name: 'empty body', method: 'POST', path: '/models', body: '', status: 400, field: 'modelId' },
  {
    name: 'bad modelId',
    method: 'POST',
    path: '/models',
    body: json({ modelId: '../etc', task: 'REGRESSION', contract: { features: [] }, owner: 'a' }),
    status: 400,
    field: 'modelId',
  },
  {
    name: 'unknown task',
    method: 'POST',
    path: '/models',
    body: json({ modelId: 'x', task: 'CLUSTERING', contract: { features: [] }, owner: 'a' }),
    status: 400,
    field: 'task',
  },
  {
    name: 'feature without type',
    method: 'POST',
    path: '/models',
    body: json({ modelId: 'x', task: 'REGRESSION', contract: { features: [{ name: 'a' }] }, owner: 'a' }),
    status: 400,
    field: 'contract.features[0].type',
  },
  {
    name: 'misspelt key',
    method: 'POST',
    path: '/models',
    body: json({ modelId: 'x', task: 'REGRESSION', contract: { features: [] }, owner: 'a', polcyRef: 'p' }),
    status: 400,
    field: 'polcyRef',
  },
  {
    name: 'profile sample without rows',
    method: 'POST',
    path: '/models/m/reference-profile',
    body: json({ exclude: ['id'] }),
    status: 400,
    field: 'rows',
  },
  {
    name: 'profile sample row that is not an object',
    method: 'POST',
    path: '/models/m/reference-profile',
    body: json({ rows: [{ age: 1 }, 7] }),
    status: 400,
    field: 'rows[1]',
  },
  {
    name: 'profile sample of an unknown model',
    method: 'POST',
    path: '/models/nobody/reference-profile',
    body: json({ rows: [{ age: 1 }] }),
    status: 404,
  },
  {
    name: 'profile sample without any feature of the model',
    method: 'POST',
    path: '/models/m/reference-profile',
    body: json({ rows: [{ shoeSize: 44 }] }),
    status: 422,
  },
  {
    name: 'model exists',
    method: 'POST',
    path: '/models',
    body: json({ modelId: 'm', task: 'REGRESSION', contract: { features: [] }, owner: 'a' }),
    status: 409,
  },
  { name: 'unknown model', method: 'GET', path: '/models/nope', status: 404 },
  { name: 'unknown version', method: 'GET', path: '/models/m/versions/99', status: 404 },
  { name: 'bad version id', method: 'GET', path: '/models/m/versions/a%20b', status: 400, field: 'version' },
  {
    name: 'bad stage filter',
    method: 'GET',
    path: '/models/m/versions?stage=BEST',
    status: 400,
    field: 'stage',
  },
  { name: 'unknown route', method: 'GET', path: '/nothing-here', status: 404 },
  {
    name: 'version of unknown model',
    method: 'POST',
    path: '/models/nope/versions',
    body: json({ strategy: 'FULL' }),
    status: 404,
  },
  {
    name: 'no strategy',
    method: 'POST',
    path: '/models/m/versions',
    body: json({}),
    status: 400,
    field: 'strategy',
  },
  {
    name: 'metrics not numbers',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', metrics: { accuracy: 'high' } }),
    status: 400,
    field: 'metrics.accuracy',
  },
  {
    name: 'bad sha256',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', artifact: { uri: 'file:///a', sha256: 'xyz', size: 1 } }),
    status: 400,
    field: 'artifact.sha256',
  },
  {
    name: 'offset range backwards',
    method: 'POST',
    path: '/models/m/versions',
    body: json({
      strategy: 'FULL',
      lineage: { examples: [{ topic: 't', partition: 0, fromOffset: 9, toOffset: 3 }] },
    }),
    status: 400,
    field: 'lineage.examples[0].toOffset',
  },
  {
    name: 'not a profile',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', referenceProfile: { format: 'nope' } }),
    status: 400,
    field: 'referenceProfile',
  },
  {
    name: 'unknown parent',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', parentVersion: '42' }),
    status: 400,
    field: 'parentVersion',
  },
  {
    name: 'second champion at registration',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', stage: 'CHAMPION' }),
    status: 422,
    field: 'stage',
  },
  {
    name: 'registered as ARCHIVED',
    method: 'POST',
    path: '/models/m/versions',
    body: json({ strategy: 'FULL', stage: 'ARCHIVED' }),
    status: 400,
    field: 'stage',
  },
  { name: 'stage missing', ...stage({ reason: 'r', actor: 'a' }), status: 400, field: 'stage' },
  { name: 'reason missing', ...stage({ stage: 'SHADOW', actor: 'a' }), status: 400, field: 'reason' },
  {
    name: 'negative revision',
    ...stage({ stage: 'SHADOW', reason: 'r', actor: 'a', expectedRevision: -1 }),
    status: 400,
    field: 'expectedRevision',
  },
  {
    name: 'revision as text',
    ...stage({ stage: 'SHADOW', reason: 'r', actor: 'a', expectedRevision: '2' }),
    status: 400,
    field: 'expectedRevision',
  },
  {
    name: 'stale revision',
    ...stage({ stage: 'ARCHIVED', reason: 'r', actor: 'a', expectedRevision: 1 }),
    status: 409,
  },
  {
    name: 'champion leaving alone',
    ...stage({ stage: 'ARCHIVED', reason: 'r', actor: 'a' }),
    status: 422,
    field: 'stage',
  },
  {
    name: 'champion to itself',
    ...stage({ stage: 'CHAMPION', reason: 'r', actor: 'a' }),
    status: 422,
    field: 'stage',
  },
  {
    name: 'artifact as JSON',
    method: 'PUT',
    path: '/models/m/versions/1/artifact',
    body: json({ a: 1 }),
    status: 415,
    field: 'body',
  },
  {
    name: 'empty artifact',
    method: 'PUT',
    path: '/models/m/versions/1/artifact',
    body: Buffer.alloc(0),
    contentType: 'application/octet-stream',
    status: 400,
    field: 'body',
  },
  {
    name: 'artifact of unknown version',
    method: 'PUT',
    path: '/models/m/versions/7/artifact',
    body: Buffer.from([1, 2]),
    contentType: 'application/octet-stream',
    status: 404,
  },
];

describe('registry: malformed requests', () => {
  let kafka: Kafka;
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    kafka = testKafka();
    registry = await startRegistry(await prepareRegistry(kafka, 'reg-bad'));
    await registry.client.createModel({
      modelId: 'm',
      task: 'REGRESSION',
      contract: { features: FEATURES },
      owner: 'a',
    });
    await registry.client.registerVersion('m', { strategy: 'EXTERNAL', stage: 'CHAMPION' });
  });

  afterAll(async () => {
    await registry?.process.stop();
  });

  it.each(CASES)('$name → $status', async (c) => {
    const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json' };
    if (c.token !== null) headers.authorization = `Bearer ${c.token ?? API_TOKEN}`;
    const res = await fetch(registry.process.baseUrl! + c.path, { method: c.method, headers, body: c.body });
    const body = (await res.json()) as { statusCode: number; error: string; message: string; field?: string };
    expect({ status: res.status, field: body.field }).toEqual({ status: c.status, field: c.field });
    expect(body.statusCode).toBe(c.status);
    expect(body.message.length).toBeGreaterThan(0);
  });

  it('left the model as it was, serves its OpenAPI document, health and metrics', async () => {
    expect(await registry.client.getModel('m')).toMatchObject({
      revision: 2,
      championVersion: '1',
      versionCount: 1,
    });
    const openapi = (await (await fetch(`${registry.process.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(
      Object.keys(openapi.paths)
        .filter((p) => p.startsWith('/models'))
        .sort(),
    ).toEqual([
      '/models',
      '/models/{modelId}',
      '/models/{modelId}/reference-profile',
      '/models/{modelId}/versions',
      '/models/{modelId}/versions/{version}',
      '/models/{modelId}/versions/{version}/artifact',
      '/models/{modelId}/versions/{version}/history',
      '/models/{modelId}/versions/{version}/lineage',
      '/models/{modelId}/versions/{version}/reference-profile',
      '/models/{modelId}/versions/{version}/stage',
    ]);
    expect((await fetch(`${registry.process.baseUrl}/docs`)).status).toBe(200);
    expect((await fetch(`${registry.process.baseUrl}/health/ready`)).status).toBe(200);
    expect(
      await registry.process.metric('continuum_registry_commands_total', { outcome: 'STALE_REVISION' }),
    ).toBe(1);
    expect(await registry.process.metric('continuum_registry_versions', { stage: 'CHAMPION' })).toBe(1);
  });
});
