import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Metrics } from '@continuum/observability';
import { type ControllerConfig } from '../controller.config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { BearerTokenGuard, tokensMatch } from './bearer-token.guard';
import { parseRetrainBody } from './retrain-body';

const TOKEN = 'correct-horse-battery-staple';

function context(authorization: string | undefined): {
  ctx: ExecutionContext;
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  const ctx = {
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }),
    }),
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

function guard(apiToken: string | undefined): BearerTokenGuard {
  return new BearerTokenGuard({ apiToken } as ControllerConfig, new ControllerMetrics(new Metrics('test')));
}

describe('bearer token guard', () => {
  it('lets the right token through', () => {
    expect(guard(TOKEN).canActivate(context(`Bearer ${TOKEN}`).ctx)).toBe(true);
    expect(guard(TOKEN).canActivate(context(`bearer  ${TOKEN} `).ctx)).toBe(true);
  });

  it.each([
    [undefined, 'missing bearer token: send Authorization: Bearer <CONTROLLER_API_TOKEN>'],
    ['Bearer wrong', 'wrong bearer token'],
    [`Bearer ${TOKEN}x`, 'wrong bearer token'],
    [`Basic ${TOKEN}`, 'wrong bearer token'],
    [TOKEN, 'wrong bearer token'],
  ])('answers 401 for %p', (authorization, message) => {
    const { ctx, headers } = context(authorization);
    expect(() => guard(TOKEN).canActivate(ctx)).toThrow(new UnauthorizedException(message));
    expect(headers['WWW-Authenticate']).toMatch(/^Bearer/);
  });

  it('answers 503 when no token is configured', () => {
    expect(() => guard(undefined).canActivate(context(`Bearer ${TOKEN}`).ctx)).toThrow(
      ServiceUnavailableException,
    );
  });

  it('compares whole tokens', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
  });
});

describe('retrain body', () => {
  it('accepts an empty or missing body', () => {
    expect(parseRetrainBody(undefined)).toEqual({ body: {} });
    expect(parseRetrainBody({})).toEqual({ body: {} });
  });

  it('reads reason, window and mode', () => {
    expect(
      parseRetrainBody({ reason: 'r', mode: 'ONLINE', window: { kind: 'FIXED_DURATION', durationMs: 1000 } }),
    ).toEqual({
      body: {
        reason: 'r',
        mode: 'ONLINE',
        window: {
          kind: 'FIXED_DURATION',
          durationMs: 1000,
          count: null,
          candidateCounts: [],
          holdoutCount: null,
        },
      },
    });
  });

  it.each([
    [[1], 'body must be a JSON object: { "reason"?, "window"?, "mode"? }'],
    [{ mode: 'fast' }, "mode must be one of ONLINE, WARM_START, FULL (got 'fast')"],
    [{ reason: '' }, 'reason must be a non-empty string of at most 1000 characters'],
    [{ window: { kind: 'FIXED_COUNT', count: -3 } }, 'window.count must be an integer >= 1 (got -3)'],
    [{ window: 'last week' }, "window must be a mapping of keys to values (got 'last week')"],
    [{ modee: 'FULL' }, "modee is not a known key (did you mean 'mode'? known keys: reason, window, mode)"],
  ])('names the field of a bad body %p', (body, message) => {
    const parsed = parseRetrainBody(body);
    expect('problems' in parsed && parsed.problems).toContain(message);
  });
});
