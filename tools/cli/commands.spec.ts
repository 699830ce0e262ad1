/**
 * The registry and promoter commands against a recorded fetch: the HTTP call each command line
 * stands for (method, URL, token, body), what it prints, and its exit code for usage mistakes (2),
 * refusals and bad configuration (1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './main';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeServices(answers: Record<string, [number, unknown]>) {
  const calls: Call[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(call);
    const [status, body] = answers[`${call.method} ${new URL(url).pathname}`] ?? [
      404,
      { message: 'no route' },
    ];
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof globalThis.fetch;
  return { calls, out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), fetch } };
}

const env = {
  REGISTRY_URL: 'http://reg:1',
  PROMOTER_URL: 'http://prom:2',
  PROMOTER_API_TOKEN: 'promoter-token-0123456789',
  REGISTRY_API_TOKEN: 'registry-token-0123456789',
  CONTINUUM_CACHE_DIR: '/nonexistent',
};

const MODEL = {
  modelId: 'houses',
  task: 'REGRESSION',
  owner: 'pricing',
  policyRef: 'houses',
  contract: { task: 'REGRESSION', features: [] },
  championVersion: '2',
  versionCount: 3,
  revision: 7,
  createdAt: 0,
  createdBy: 'api',
};

const VERSION = {
  modelId: 'houses',
  version: '3',
  parentVersion: '2',
  stage: 'SHADOW',
  strategy: 'WARM_START',
  registeredAt: Date.UTC(2026, 10, 29, 4, 0, 0),
  registeredBy: 'trainer',
  contract: null,
  lineage: null,
  trainingWindow: { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 10, 28), exampleCount: 5000 },
  metrics: { holdout_mae: 12.25, train_examples: 5000 },
  metricsRef: null,
  referenceProfileRef: null,
  artifact: { uri: 'file:///a/artifact.bin', sha256: 'x', size: 2048 },
  idempotencyKey: null,
  updatedRevision: 7,
  hasReferenceProfile: true,
};

describe('continuum models / versions', () => {
  it('lists models as a table', async () => {
    const t = fakeServices({ 'GET /models': [200, [MODEL]] });
    expect(await runCli(['models', 'list'], env, t.io)).toBe(0);
    expect(t.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET http://reg:1/models']);
    expect(t.out).toEqual([
      'MODEL   TASK        OWNER    CHAMPION  VERSIONS  POLICY',
      'houses  REGRESSION  pricing  2         3         houses',
    ]);
  });

  it('lists versions of a stage, and shows one with its audit trail', async () => {
    const t = fakeServices({
      'GET /models/houses/versions': [200, [VERSION]],
      'GET /models/houses/versions/3': [200, VERSION],
      'GET /models/houses/versions/3/history': [
        200,
        {
          transitions: [
            { from: null, to: 'CANDIDATE', actor: 'trainer', at: VERSION.registeredAt, reason: null },
            {
              from: 'CANDIDATE',
              to: 'SHADOW',
              actor: 'promoter',
              at: VERSION.registeredAt + 1000,
              reason: 'shadow test',
            },
          ],
        },
      ],
    });
    expect(await runCli(['versions', 'list', 'houses', '--stage', 'shadow'], env, t.io)).toBe(0);
    expect(t.calls[0].url).toBe('http://reg:1/models/houses/versions?stage=SHADOW');
    expect(t.out[1]).toBe('3        SHADOW  WARM_START  2       2026-11-29T04:00:00.000Z  trainer  yes');
    t.out.length = 0;
    expect(await runCli(['versions', 'show', 'houses', '3'], env, t.io)).toBe(0);
    expect(t.out).toEqual([
      'houses version 3: SHADOW',
      '  strategy        WARM_START (parent 2)',
      '  registered      2026-11-29T04:00:00.000Z by trainer',
      '  training window 2026-11-01T00:00:00.000Z .. 2026-11-28T00:00:00.000Z, 5000 examples',
      '  metrics         holdout_mae=12.25 train_examples=5000',
      '  artifact        file:///a/artifact.bin (2048 bytes)',
      '  profile         inline',
      '  history',
      '    2026-11-29T04:00:00.000Z  registered -> CANDIDATE  by trainer',
      '    2026-11-29T04:00:01.000Z  CANDIDATE -> SHADOW  by promoter: shadow test',
    ]);
  });

  it('reports what the registry answered, exit 1', async () => {
    const t = fakeServices({
      'GET /models/nope/versions': [404, { error: 'NOT_FOUND', message: "unknown model 'nope'" }],
    });
    expect(await runCli(['versions', 'list', 'nope'], env, t.io)).toBe(1);
    expect(t.err).toEqual(["continuum versions: the registry answered 404 NOT_FOUND: unknown model 'nope'"]);
  });

  it.each([
    [['models'], 'usage: continuum models list'],
    [['models', 'list', 'extra'], "models list: unexpected argument 'extra'"],
    [['versions', 'list'], 'versions list: <model> missing'],
    [['versions', 'show', 'houses'], 'versions show: <version> missing'],
    [
      ['versions', 'list', 'houses', '--stage', 'LIVE'],
      '--stage must be one of CANDIDATE, SHADOW, CHAMPION, ARCHIVED, REJECTED',
    ],
    [['nope'], "continuum: unknown command 'nope'"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const t = fakeServices({});
    expect(await runCli(args, env, t.io)).toBe(2);
    expect([...t.out, ...t.err].join('\n')).toContain(message);
    expect(t.calls).toEqual([]);
  });

  it('validates the service URLs before calling anything (exit 1, every problem at once)', async () => {
    const t = fakeServices({});
    expect(await runCli(['models', 'list'], { REGISTRY_URL: 'reg:1', PROMOTER_URL: 'x' }, t.io)).toBe(1);
    expect(t.err[0]).toContain(`REGISTRY_URL="reg:1" item 'reg:1' must be an http(s) URL`);
    expect(t.err[0]).toContain('PROMOTER_URL="x" must be a URL');
    expect(t.calls).toEqual([]);
  });
});

describe('continuum register', () => {
  it('registers the model, then its EXTERNAL champion with the profile, with the registry token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'register-'));
    writeFileSync(
      join(dir, 'c.json'),
      JSON.stringify({ features: [{ name: 'area', type: 'NUMERIC', min: 0 }] }),
    );
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ format: 'continuum.drift/reference-profile' }));
    const t = fakeServices({
      'POST /models': [201, { ...MODEL, policyRef: null }],
      'POST /models/houses/versions': [
        201,
        { ...VERSION, version: '1', stage: 'CHAMPION', strategy: 'EXTERNAL' },
      ],
    });
    const args = [
      'register',
      'houses',
      '--contract',
      join(dir, 'c.json'),
      '--task',
      'regression',
      '--owner',
      'pricing',
    ];
    expect(await runCli([...args, '--profile', join(dir, 'p.json')], env, t.io)).toBe(0);
    expect(t.calls[0]).toMatchObject({
      url: 'http://reg:1/models',
      method: 'POST',
      headers: { authorization: 'Bearer registry-token-0123456789' },
      body: {
        modelId: 'houses',
        task: 'REGRESSION',
        owner: 'pricing',
        contract: { features: [{ name: 'area', type: 'NUMERIC', min: 0 }] },
      },
    });
    expect(t.calls[1]).toMatchObject({
      url: 'http://reg:1/models/houses/versions',
      body: {
        strategy: 'EXTERNAL',
        stage: 'CHAMPION',
        referenceProfile: { format: 'continuum.drift/reference-profile' },
      },
    });
    expect(t.out).toEqual([
      'registered model houses (REGRESSION, 1 features, owner pricing)',
      'registered version 1 of houses (EXTERNAL, CHAMPION) with its reference profile',
    ]);
  });

  it('needs --contract, a task and an owner (exit 2)', async () => {
    const t = fakeServices({});
    expect(await runCli(['register', 'houses'], env, t.io)).toBe(2);
    expect(t.err[0]).toContain('--contract <file> is required');
  });
});

describe('continuum promote / reject / rollback', () => {
  const decision = {
    decisionId: 'd-1',
    modelId: 'houses',
    decision: 'PROMOTE',
    championVersion: '2',
    challengerVersion: '3',
    previousChampionVersion: '2',
    actor: 'cli:ops',
    reason: 'looks good',
  };

  it('posts the decision with the promoter token and prints the outcome', async () => {
    const t = fakeServices({ 'POST /models/houses/versions/3/promote': [200, decision] });
    expect(
      await runCli(['promote', 'houses', '3', '--reason', 'looks good', '--actor', 'cli:ops'], env, t.io),
    ).toBe(0);
    expect(t.calls[0]).toMatchObject({
      url: 'http://prom:2/models/houses/versions/3/promote',
      headers: { authorization: 'Bearer promoter-token-0123456789' },
      body: { reason: 'looks good', actor: 'cli:ops' },
    });
    expect(t.out).toEqual([
      'PROMOTE houses: champion is 3 (2 archived); decision d-1 by cli:ops: looks good',
    ]);
  });

  it('rolls back to a named version', async () => {
    const t = fakeServices({
      'POST /models/houses/rollback': [
        200,
        {
          ...decision,
          decision: 'ROLLBACK',
          championVersion: '3',
          previousChampionVersion: '1',
          reason: 'bad',
        },
      ],
    });
    expect(await runCli(['rollback', 'houses', '--to', '1', '--reason', 'bad'], env, t.io)).toBe(0);
    expect(t.calls[0].body).toMatchObject({ reason: 'bad', version: '1' });
    expect(t.out[0]).toBe(
      'ROLLBACK houses: champion is 1 again (3 rolled back); decision d-1 by cli:ops: bad',
    );
  });

  it('prints the promoter refusal, exit 1; a missing reason is a usage error', async () => {
    const t = fakeServices({
      'POST /models/houses/versions/9/reject': [404, { statusCode: 404, message: 'unknown version 9' }],
    });
    expect(await runCli(['reject', 'houses', '9', '--reason', 'x'], env, t.io)).toBe(1);
    expect(t.err).toEqual(['continuum reject: the promoter answered 404: unknown version 9']);
    expect(await runCli(['promote', 'houses', '3'], env, t.io)).toBe(2);
    expect(t.err[1]).toContain('promote: --reason <text> is required');
  });

  it('without a token names the variable and the local token file (exit 1)', async () => {
    const t = fakeServices({});
    const noToken: Record<string, string> = { ...env };
    delete noToken.PROMOTER_API_TOKEN;
    expect(await runCli(['reject', 'houses', '3', '--reason', 'x'], noToken, t.io)).toBe(1);
    expect(t.err[0]).toContain('PROMOTER_API_TOKEN is required for this command');
    expect(t.calls).toEqual([]);
  });
});

describe('continuum tail (arguments)', () => {
  it.each([
    [['tail', 'everything'], "tail: unknown topic 'everything'"],
    [['tail', 'reports', '--since', 'soon'], "--since must be like 30m, 6h or 7d (got 'soon')"],
    [
      ['tail', 'reports', '--since', '1h', '--from-beginning'],
      '--since and --from-beginning exclude each other',
    ],
    [['tail', 'reports', '--limit', '0'], '--limit must be a positive integer'],
  ])('%j is a usage error', async (args, message) => {
    const t = fakeServices({});
    expect(await runCli(args, env, t.io)).toBe(2);
    expect(t.err[0]).toContain(message);
  });
});
