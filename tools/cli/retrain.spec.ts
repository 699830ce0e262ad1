import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './main';
import { parseRetrainArgs, parseWindowSpec, runRetrainCommand } from './retrain';

const env = { CONTROLLER_API_TOKEN: 'token-token-token-1', CONTINUUM_CACHE_DIR: '/nonexistent' };

function io(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const out: string[] = [];
  const err: string[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return {
    calls,
    out,
    err,
    io: { fetch: fake, out: (l: string) => out.push(l), err: (l: string) => err.push(l) },
  };
}

describe('continuum retrain', () => {
  it('posts the mode, window and reason with the bearer token and idempotency key', async () => {
    const t = io(202, { requestId: 'rr-1', modelId: 'churn', mode: 'FULL', window: { kind: 'FIXED_COUNT' } });
    const status = await runRetrainCommand(
      [
        'churn',
        '--mode',
        'full',
        '--window',
        'count:5000',
        '--reason',
        'holiday data',
        '--idempotency-key',
        'k1',
        '--url',
        'http://ctl:9000/',
      ],
      env,
      t.io,
    );
    expect(status).toBe(0);
    expect(t.calls).toHaveLength(1);
    const { url, init } = t.calls[0];
    expect(url).toBe('http://ctl:9000/models/churn/retrain');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({
      authorization: 'Bearer token-token-token-1',
      'Idempotency-Key': 'k1',
      'X-Requested-By': expect.stringMatching(/^cli:/),
    });
    expect(JSON.parse(init.body as string)).toEqual({
      mode: 'FULL',
      window: { kind: 'FIXED_COUNT', count: 5000 },
      reason: 'holiday data',
    });
    expect(t.out[0]).toMatch(/^MANUAL retrain request rr-1 for 'churn' accepted \(mode FULL/);
  });

  it('prints the controller message and exits 1 when refused', async () => {
    const t = io(401, { statusCode: 401, message: 'wrong bearer token' });
    expect(await runCli(['retrain', 'churn'], env, t.io)).toBe(1);
    expect(t.err).toEqual(['continuum retrain: the controller answered 401: wrong bearer token']);
  });

  it('exits 2 with a clear message on wrong usage, without calling the controller', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [[], env, 'retrain: <model> missing'],
      [['a', 'b'], env, "retrain: unexpected argument 'b'"],
      [['churn', '--mode', 'fast'], env, "--mode must be one of ONLINE, WARM_START, FULL (got 'fast')"],
      [
        ['churn', '--window', 'weeks:3'],
        env,
        "--window must start with count:, duration:, dynamic:, representative or '{' (got 'weeks:3')",
      ],
      [['churn', '--bogus'], env, "Unknown option '--bogus'"],
      [['churn', '--url', 'ftp://x'], env, "--url is not an http(s) URL: 'ftp://x'"],
    ];
    for (const [argv, e, message] of cases) {
      const t = io(202, {});
      expect(await runCli(['retrain', ...argv], e, t.io)).toBe(2);
      expect(t.err[0]).toContain(message);
      expect(t.err[0]).toContain('(see: continuum retrain --help)');
      expect(t.calls).toHaveLength(0);
    }
  });

  it('exits 1 naming the variable and the local token file when there is no token', async () => {
    const t = io(202, {});
    expect(await runCli(['retrain', 'churn'], { CONTINUUM_CACHE_DIR: '/nonexistent' }, t.io)).toBe(1);
    expect(t.err[0]).toContain('CONTROLLER_API_TOKEN is required for this command');
    expect(t.err[0]).toContain('/nonexistent/run/controller.token');
    expect(t.calls).toHaveLength(0);
  });

  it('takes the token tools/continuum up generated when the variable is unset', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-cache-'));
    mkdirSync(join(cache, 'run'));
    writeFileSync(join(cache, 'run', 'controller.token'), 'generated-local-token\n');
    const call = parseRetrainArgs(['churn'], { CONTINUUM_CACHE_DIR: cache });
    expect(call).toMatchObject({
      token: 'generated-local-token',
      url: 'http://127.0.0.1:9466/models/churn/retrain',
    });
  });

  it('prints the usage for --help', async () => {
    const t = io(202, {});
    expect(await runRetrainCommand(['--help'], {}, t.io)).toBe(0);
    expect(t.out[0]).toMatch(/^usage: continuum retrain <model>/);
  });

  it('reads the token from a file and the URL from CONTROLLER_URL', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'token');
    writeFileSync(file, 'from-a-file-token\n');
    const call = parseRetrainArgs(['m 1', '--token-file', file], { CONTROLLER_URL: 'http://h:1' });
    expect(call).toMatchObject({ token: 'from-a-file-token', url: 'http://h:1/models/m%201/retrain' });
  });

  it.each([
    ['count:100', { kind: 'FIXED_COUNT', count: 100 }],
    ['duration:30d', { kind: 'FIXED_DURATION', durationMs: 30 * 86_400_000 }],
    ['duration:3600000', { kind: 'FIXED_DURATION', durationMs: 3_600_000 }],
    ['dynamic:1000,5000/200', { kind: 'DYNAMIC', candidateCounts: [1000, 5000], holdoutCount: 200 }],
    ['representative', { kind: 'REPRESENTATIVE' }],
    ['representative:500', { kind: 'REPRESENTATIVE', count: 500 }],
    ['{"kind":"FIXED_COUNT","count":7}', { kind: 'FIXED_COUNT', count: 7 }],
  ])('window spec %s', (spec, window) => {
    expect(parseWindowSpec(spec)).toEqual(window);
  });

  it.each(['count:0', 'count:x', 'duration:soon', 'dynamic:100', '{bad'])(
    'rejects window spec %s',
    (spec) => {
      expect(() => parseWindowSpec(spec)).toThrow(/--window/);
    },
  );
});
