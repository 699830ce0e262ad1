import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CommandError } from '../commands/command-error';
import { type RegistryConfig } from '../registry.config';
import { REGISTRY_CONFIG } from '../tokens';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <REGISTRY_API_TOKEN>` on mutating calls; anything else is 401 before the handler runs. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (request.method === 'GET' || request.method === 'HEAD') return true;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Hashing first gives equal-length inputs, so the comparison also hides the token's length.
    if (match && timingSafeEqual(digest(match[1]), digest(this.config.apiToken))) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="continuum-registry"');
    throw new CommandError(
      401,
      'UNAUTHORIZED',
      header === undefined
        ? 'missing bearer token: send Authorization: Bearer <REGISTRY_API_TOKEN>'
        : 'wrong bearer token',
    );
  }
}
