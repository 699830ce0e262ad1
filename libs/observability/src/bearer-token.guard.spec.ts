import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { BearerTokenGuard, type BearerTokenPolicy, tokensMatch } from './bearer-token.guard';

const TOKEN = 'correct-horse-battery-staple';

function context(
  authorization: string | undefined,
  method = 'POST',
): { ctx: ExecutionContext; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const ctx = {
    switchToHttp: () => ({
      getRequest: () => ({ method, headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }),
    }),
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

function guard(token: string | undefined, more: Partial<BearerTokenPolicy> = {}): BearerTokenGuard {
  return new BearerTokenGuard({
    token,
    variable: 'X_API_TOKEN',
    realm: 'continuum-x',
    feature: 'the X API',
    ...more,
  });
}

describe('BearerTokenGuard', () => {
  it('lets the right token through, whatever the scheme case and surrounding spaces', () => {
    expect(guard(TOKEN).canActivate(context(`Bearer ${TOKEN}`).ctx)).toBe(true);
    expect(guard(TOKEN).canActivate(context(`bearer  ${TOKEN} `).ctx)).toBe(true);
  });

  it.each([
    [undefined, 'missing bearer token: send Authorization: Bearer <X_API_TOKEN>'],
    ['Bearer wrong', 'wrong bearer token'],
    [`Bearer ${TOKEN}x`, 'wrong bearer token'],
    [`Basic ${TOKEN}`, 'wrong bearer token'],
    [TOKEN, 'wrong bearer token'],
  ])('answers 401 with a challenge for %p, and reports the refusal', (authorization, message) => {
    const refused: number[] = [];
    const { ctx, headers } = context(authorization);
    expect(() => guard(TOKEN, { onRefused: (s) => refused.push(s) }).canActivate(ctx)).toThrow(
      new UnauthorizedException(message),
    );
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="continuum-x"');
    expect(refused).toEqual([401]);
  });

  it('answers 503 naming the variable while no token is set', () => {
    const refused: number[] = [];
    expect(() =>
      guard(undefined, { onRefused: (s) => refused.push(s) }).canActivate(context(`Bearer ${TOKEN}`).ctx),
    ).toThrow(new ServiceUnavailableException('the X API is disabled: X_API_TOKEN is not set'));
    expect(refused).toEqual([503]);
  });

  it('lets the open methods through without a token, and only those', () => {
    const reads = guard(TOKEN, { openMethods: ['GET', 'HEAD'] });
    expect(reads.canActivate(context(undefined, 'GET').ctx)).toBe(true);
    expect(reads.canActivate(context(undefined, 'HEAD').ctx)).toBe(true);
    expect(() => reads.canActivate(context(undefined, 'DELETE').ctx)).toThrow(UnauthorizedException);
  });

  it('compares whole tokens', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
  });
});
