import { RegistryClient, RegistryHttpError } from './registry-client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeFetch(answers: Array<{ status: number; body?: unknown } | Error>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body,
    });
    const answer = answers.shift()!;
    if (answer instanceof Error) throw answer;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('RegistryClient', () => {
  it('sends the bearer token with mutating calls only, and tells 201 from an idempotent 200', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 201, body: { version: '1' } },
      { status: 200, body: { version: '1' } },
      { status: 200, body: [] },
    ]);
    const client = new RegistryClient({ baseUrl: 'http://r/', token: 't0k', fetch });
    const body = { strategy: 'FULL' as const, idempotencyKey: 'k' };
    expect(await client.registerVersion('m/1', body)).toMatchObject({ created: true });
    expect(await client.registerVersion('m/1', body)).toMatchObject({ created: false });
    expect(await client.champion('m/1')).toBeUndefined();
    expect(calls[0]).toMatchObject({ url: 'http://r/models/m%2F1/versions', method: 'POST' });
    expect(calls[0]!.headers.authorization).toBe('Bearer t0k');
    expect(JSON.parse(calls[0]!.body as string)).toEqual(body);
    expect(calls[2]).toMatchObject({ url: 'http://r/models/m%2F1/versions?stage=CHAMPION', method: 'GET' });
    expect(calls[2]!.headers.authorization).toBeUndefined();
  });

  it('throws typed errors carrying the status, code and field', async () => {
    const { fetch } = fakeFetch([
      {
        status: 409,
        body: { statusCode: 409, error: 'STALE_REVISION', message: 'revision is 5, expected 4' },
      },
      {
        status: 400,
        body: { statusCode: 400, error: 'VALIDATION', message: 'stage must be ...', field: 'stage' },
      },
    ]);
    const client = new RegistryClient({ baseUrl: 'http://r', token: 't', fetch });
    const stale = await client
      .changeStage('m', '2', { stage: 'CHAMPION', expectedRevision: 4, reason: 'r', actor: 'a' })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(RegistryHttpError);
    expect(stale).toMatchObject({ status: 409, code: 'STALE_REVISION', conflict: true });
    const bad = await client.getVersion('m', '2').catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, field: 'stage' });
  });

  it('tries the next instance on 421 (not the owner) or no answer, not on other errors', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 421, body: { error: 'NOT_OWNER', message: 'owned elsewhere' } },
      new Error('ECONNREFUSED'),
      { status: 200, body: { modelId: 'm' } },
      { status: 404, body: { error: 'NOT_FOUND', message: 'no model x' } },
    ]);
    const client = new RegistryClient({ baseUrl: ['http://a', 'http://b', 'http://c'], fetch });
    expect(await client.getModel('m')).toEqual({ modelId: 'm' });
    expect(calls.map((c) => c.url)).toEqual(['http://a/models/m', 'http://b/models/m', 'http://c/models/m']);
    await expect(client.getModel('x')).rejects.toMatchObject({ status: 404, notFound: true });
    expect(calls).toHaveLength(4);
  });

  it('uploads raw bytes as octet-stream', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { uri: 'file:///x', sha256: 'a', size: 3 } }]);
    const client = new RegistryClient({ baseUrl: 'http://r', token: 't', fetch });
    await client.uploadArtifact('m', '1', new Uint8Array([1, 2, 3]));
    expect(calls[0]).toMatchObject({ method: 'PUT', url: 'http://r/models/m/versions/1/artifact' });
    expect(calls[0]!.headers['content-type']).toBe('application/octet-stream');
    expect([...(calls[0]!.body as Uint8Array)]).toEqual([1, 2, 3]);
  });
});
