import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { type Response } from 'express';
import { LOGGER, type Logger } from '@continuum/observability';
import { type ErrorDto } from '@continuum/registry';
import { CommandError } from '../commands/command-error';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** The error body for anything a handler or the body parser threw (ErrorDto of @continuum/registry). */
export function errorBody(error: unknown): ErrorDto & { problems?: string[] } {
  if (error instanceof CommandError) {
    return {
      statusCode: error.status,
      error: error.code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
      ...(error.problems !== undefined && { problems: error.problems }),
    };
  }
  const parser = error as BodyParserError;
  if (parser?.type === 'entity.parse.failed') {
    return {
      statusCode: 400,
      error: 'VALIDATION',
      message: `the body is not valid JSON: ${parser.message}`,
      field: 'body',
    };
  }
  if (parser?.type === 'entity.too.large') {
    return {
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      message: 'the request body is larger than this registry accepts',
      field: 'body',
    };
  }
  if (parser?.type !== undefined && typeof parser.status === 'number' && parser.status < 500) {
    return {
      statusCode: parser.status,
      error: 'BAD_REQUEST',
      message: parser.message ?? 'bad request',
      field: 'body',
    };
  }
  if (error instanceof HttpException) {
    // Nest maps the body parser's errors (malformed JSON, too large) to these before the filters.
    const status = error.getStatus();
    if (status === 400)
      return {
        statusCode: 400,
        error: 'VALIDATION',
        message: `the body is not valid: ${error.message}`,
        field: 'body',
      };
    if (status === 413)
      return { statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: error.message, field: 'body' };
    // The shared BearerTokenGuard (RegistryWriteGuard): a mutating call without the right token.
    if (status === 401) return { statusCode: 401, error: 'UNAUTHORIZED', message: error.message };
    // The shared JsonBodyGuard: a body of a media type the route does not read.
    if (status === 415)
      return { statusCode: 415, error: 'UNSUPPORTED_MEDIA_TYPE', message: error.message, field: 'body' };
    return {
      statusCode: status,
      error: status === 404 ? 'NOT_FOUND' : `HTTP_${status}`,
      message: error.message,
    };
  }
  return { statusCode: 500, error: 'INTERNAL', message: 'internal error' };
}

/** Every error in one JSON shape; 5xx only for what is not the caller's fault (and logged). */
@Catch()
export class RegistryErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const body = errorBody(error);
    if (body.statusCode >= 500) this.logger.error({ err: error }, 'request failed');
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json(body);
  }
}
