import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `given` equals `expected`, in time independent of where they differ (and of their lengths). */
export function tokensMatch(given: string, expected: string): boolean {
  // Hashing first gives equal-length inputs, so timingSafeEqual also hides the expected length.
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Why an `Authorization` header does not carry `Bearer <expected>`, or undefined when it does.
 * The messages name the environment variable that holds the token, never the token.
 */
export function bearerRefusal(
  header: string | undefined,
  expected: string,
  variable: string,
): string | undefined {
  if (header === undefined) return `missing bearer token: send Authorization: Bearer <${variable}>`;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match && tokensMatch(match[1], expected) ? undefined : 'wrong bearer token';
}

/** How a service's HTTP API is protected by a bearer token. */
export interface BearerTokenPolicy {
  /** The token callers must send; undefined when unset, and then the guarded routes answer 503. */
  readonly token: string | undefined;
  /** The environment variable that sets the token (named in the 401 and 503 messages). */
  readonly variable: string;
  /** The realm of the `WWW-Authenticate` challenge sent with a 401, e.g. `continuum-controller`. */
  readonly realm: string;
  /** What the guarded routes do, for the 503 while the token is unset ("manual retraining"). */
  readonly feature: string;
  /** Methods that pass without a token (the registry's reads); none by default. */
  readonly openMethods?: readonly string[];
  /** Told of each refusal, before the exception is thrown (a service's counter of refused calls). */
  readonly onRefused?: (status: 401 | 503) => void;
}

/**
 * `Authorization: Bearer <token>` compared in constant time: anything else is 401 with a
 * `WWW-Authenticate` challenge before the handler runs; 503 while the service has no token set.
 * Each service binds its configuration in a subclass (its config is injected there), e.g.
 * `class RetrainApiGuard extends BearerTokenGuard { constructor(@Inject(CONFIG) c) { super({...}) } }`.
 */
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly policy: BearerTokenPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const { token, variable, realm, feature, openMethods = [], onRefused } = this.policy;
    if (openMethods.includes(request.method)) return true;
    if (token === undefined) {
      onRefused?.(503);
      throw new ServiceUnavailableException(`${feature} is disabled: ${variable} is not set`);
    }
    const refusal = bearerRefusal(request.headers.authorization, token, variable);
    if (refusal === undefined) return true;
    onRefused?.(401);
    http.getResponse<Response>().setHeader('WWW-Authenticate', `Bearer realm="${realm}"`);
    throw new UnauthorizedException(refusal);
  }
}
