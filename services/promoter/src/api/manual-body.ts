import { BadRequestException } from '@nestjs/common';

export interface ManualBody {
  reason: string;
  actor: string;
  version?: string;
}

/** Validates a manual call's JSON body; 400 naming the field otherwise. */
export function parseManualBody(body: unknown, needsVersion: boolean): ManualBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException({
      error: 'INVALID_BODY',
      field: 'body',
      message: 'body must be a JSON object',
    });
  }
  const b = body as Record<string, unknown>;
  const known = new Set(['reason', 'actor', 'version']);
  for (const key of Object.keys(b)) {
    if (!known.has(key))
      throw new BadRequestException({ error: 'UNKNOWN_FIELD', field: key, message: `unknown field ${key}` });
  }
  if (typeof b.reason !== 'string' || b.reason.trim() === '') {
    throw new BadRequestException({
      error: 'INVALID_FIELD',
      field: 'reason',
      message: 'reason must be a non-empty string',
    });
  }
  if (b.actor !== undefined && (typeof b.actor !== 'string' || b.actor.trim() === '')) {
    throw new BadRequestException({
      error: 'INVALID_FIELD',
      field: 'actor',
      message: 'actor must be a non-empty string',
    });
  }
  if (b.version !== undefined && (typeof b.version !== 'string' || b.version === '')) {
    throw new BadRequestException({
      error: 'INVALID_FIELD',
      field: 'version',
      message: 'version must be a non-empty string',
    });
  }
  if (needsVersion && b.version !== undefined) {
    throw new BadRequestException({
      error: 'UNKNOWN_FIELD',
      field: 'version',
      message: 'the version is in the path',
    });
  }
  return {
    reason: b.reason.trim(),
    actor: typeof b.actor === 'string' ? b.actor.trim() : 'manual',
    version: b.version as string | undefined,
  };
}
