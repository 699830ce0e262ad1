import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { type Response } from 'express';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { ControllerRuntime } from '../runtime/controller-runtime';
import { RetrainApiGuard } from './bearer-token.guard';
import { parseRetrainBody } from './retrain-body';

const MAX_HEADER = 200;

function header(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  if (value.length > MAX_HEADER)
    throw new BadRequestException(`${name} must be at most ${MAX_HEADER} characters`);
  return value;
}

/**
 * On-demand retraining: `POST /models/{id}/retrain` with `Authorization: Bearer <token>` and an
 * optional body `{ reason?, window?, mode? }`. Optional headers: `Idempotency-Key` (a retried call
 * with the same key returns the first request instead of emitting another) and `X-Requested-By`
 * (recorded as requestedBy; default "http").
 */
@Controller('models')
@UseGuards(RetrainApiGuard)
export class RetrainController {
  constructor(
    private readonly runtime: ControllerRuntime,
    private readonly metrics: ControllerMetrics,
  ) {}

  @Post(':modelId/retrain')
  async retrain(
    @Param('modelId') modelId: string,
    @Body() rawBody: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-requested-by') requestedBy: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    try {
      const parsed = parseRetrainBody(rawBody);
      if ('problems' in parsed) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: parsed.problems.join('; '),
          problems: parsed.problems,
        });
      }
      const result = await this.runtime.manual(modelId, {
        note: parsed.body.reason,
        window: parsed.body.window,
        mode: parsed.body.mode,
        requestedBy: header(requestedBy, 'X-Requested-By') ?? 'http',
        idempotencyKey: header(idempotencyKey, 'Idempotency-Key'),
      });
      switch (result.kind) {
        case 'unknown-model':
          throw new NotFoundException(
            `unknown model '${modelId}': not in the retrain policy (known: ${[...this.runtime.policy.models.keys()].join(', ')})`,
          );
        case 'not-owner':
          throw new ServiceUnavailableException(result.detail);
        case 'budget-exhausted':
          res.setHeader('Retry-After', String(Math.max(1, Math.ceil((result.until - Date.now()) / 1000))));
          throw new HttpException(
            {
              statusCode: 429,
              error: 'Too Many Requests',
              message:
                `the daily retrain budget of '${modelId}' is spent (${result.used} of ${result.budget} in the last 24 h); ` +
                `the next request is possible at ${new Date(result.until).toISOString()}`,
            },
            HttpStatus.TOO_MANY_REQUESTS,
          );
        case 'duplicate':
          this.metrics.manualCalls.inc({ status: 'duplicate' });
          res.status(HttpStatus.OK);
          return {
            requestId: result.requestId,
            modelId,
            duplicate: true,
            message: 'already emitted for this Idempotency-Key',
          };
        case 'request': {
          this.metrics.manualCalls.inc({ status: 'accepted' });
          res.status(HttpStatus.ACCEPTED);
          const { request } = result;
          return {
            requestId: request.requestId,
            modelId: request.modelId,
            modelVersion: request.modelVersion,
            reason: request.reason,
            requestedAt: new Date(request.requestedAt).toISOString(),
            requestedBy: request.requestedBy,
            window: request.window,
            mode: request.mode,
            evidence: request.evidence,
            absorbedPendingRequest: result.absorbedPending,
          };
        }
      }
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 500;
      this.metrics.manualCalls.inc({ status: String(status) });
      throw error;
    }
  }
}
