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
import { type PromoterConfig } from '../promoter.config';
import { PROMOTER_CONFIG } from '../tokens';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <PROMOTER_API_TOKEN>`, compared in constant time; else 401 (503 when unset). */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(PROMOTER_CONFIG) private readonly config: PromoterConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const expected = this.config.apiToken;
    if (expected === undefined) {
      throw new ServiceUnavailableException('manual decisions are disabled: PROMOTER_API_TOKEN is not set');
    }
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]), digest(expected))) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="continuum-promoter"');
    throw new UnauthorizedException(
      header === undefined
        ? 'missing bearer token: send Authorization: Bearer <PROMOTER_API_TOKEN>'
        : 'wrong bearer token',
    );
  }
}
