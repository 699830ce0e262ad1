import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';

const ACCEPTED_BODY = 'continuum:accepted-body-media-types';

/**
 * The media types a route takes its body in, instead of JSON (e.g. an upload of raw bytes:
 * `@AcceptsBody('application/octet-stream')`).
 */
export const AcceptsBody = (...mediaTypes: string[]) => SetMetadata(ACCEPTED_BODY, mediaTypes);

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export interface BodyHeaders {
  readonly contentType?: string;
  readonly contentLength?: string;
  readonly transferEncoding?: string;
}

/**
 * Why a request's body would be dropped unread, or undefined when it is read: a body (a non-zero
 * Content-Length, or a chunked one) sent without a Content-Type, or with one the route does not
 * take. Express parses only the media types it was told to and hands the handler nothing for the
 * others — a `text/plain` retrain body used to be dropped and the request accepted as if empty.
 * A request without a body is the route's to judge.
 */
export function unreadableBodyReason(
  headers: BodyHeaders,
  accepted: readonly string[] = [],
): string | undefined {
  const hasBody =
    (headers.contentLength !== undefined && headers.contentLength.trim() !== '0') ||
    headers.transferEncoding !== undefined;
  if (!hasBody) return undefined;
  const expected = accepted.length > 0 ? accepted.join(' or ') : 'application/json';
  if (headers.contentType === undefined || headers.contentType.trim() === '') {
    return `the request has a body but no Content-Type: send it as ${expected}`;
  }
  const type = mediaType(headers.contentType);
  if (accepted.length > 0 ? accepted.includes(type) : isJson(type)) return undefined;
  return `Content-Type ${type} is not accepted here: send the body as ${expected}`;
}

/**
 * Every body-carrying request (POST, PUT, PATCH) of every service: a body the route cannot read
 * is answered 415 with the reason, never dropped. JSON that does not parse is answered 400 by the
 * JSON body parser before any route runs. runService installs it globally.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return true;
    const accepted =
      this.reflector.getAllAndOverride<string[] | undefined>(ACCEPTED_BODY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const reason = unreadableBodyReason(
      {
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        transferEncoding: req.headers['transfer-encoding'],
      },
      accepted,
    );
    if (reason !== undefined) throw new UnsupportedMediaTypeException(reason);
    return true;
  }
}
