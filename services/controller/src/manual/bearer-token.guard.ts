import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type ControllerConfig } from '../controller.config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { CONTROLLER_CONFIG } from '../tokens';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `given` equals `expected`, in time independent of where they differ (and of their lengths). */
export function tokensMatch(given: string, expected: string): boolean {
  // Hashing first gives equal-length inputs, so timingSafeEqual also hides the expected length.
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <CONTROLLER_API_TOKEN>`; anything else is 401 before the handler runs. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    private readonly metrics: ControllerMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const expected = this.config.apiToken;
    if (expected === undefined) {
      this.metrics.manualCalls.inc({ status: '503' });
      throw new ServiceUnavailableException('manual retraining is disabled: CONTROLLER_API_TOKEN is not set');
    }
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match && tokensMatch(match[1], expected)) return true;
    this.metrics.manualCalls.inc({ status: '401' });
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="continuum-controller"');
    throw new UnauthorizedException(
      header === undefined
        ? 'missing bearer token: send Authorization: Bearer <CONTROLLER_API_TOKEN>'
        : 'wrong bearer token',
    );
  }
}
