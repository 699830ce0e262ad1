import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Metrics } from '@continuum/observability';
import { type ControllerConfig } from '../controller.config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { RetrainApiGuard } from './bearer-token.guard';
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

function guard(apiToken: string | undefined): RetrainApiGuard {
  return new RetrainApiGuard({ apiToken } as ControllerConfig, new ControllerMetrics(new Metrics('test')));
}

describe('retrain API guard (the shared BearerTokenGuard bound to the controller)', () => {
  it('lets CONTROLLER_API_TOKEN through and names it when refusing', () => {
    expect(guard(TOKEN).canActivate(context(`Bearer ${TOKEN}`).ctx)).toBe(true);
    const { ctx, headers } = context(undefined);
    expect(() => guard(TOKEN).canActivate(ctx)).toThrow(
      new UnauthorizedException('missing bearer token: send Authorization: Bearer <CONTROLLER_API_TOKEN>'),
    );
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="continuum-controller"');
  });

  it('answers 503 when no token is configured', () => {
    expect(() => guard(undefined).canActivate(context(`Bearer ${TOKEN}`).ctx)).toThrow(
      new ServiceUnavailableException('manual retraining is disabled: CONTROLLER_API_TOKEN is not set'),
    );
  });

  it('counts each refusal by status', async () => {
    const metrics = new ControllerMetrics(new Metrics('test'));
    const g = new RetrainApiGuard({ apiToken: TOKEN } as ControllerConfig, metrics);
    expect(() => g.canActivate(context('Bearer wrong').ctx)).toThrow(UnauthorizedException);
    const counted = (await metrics.manualCalls.get()).values.find((v) => v.labels.status === '401');
    expect(counted?.value).toBe(1);
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
