import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  HttpException,
  NotFoundException,
  Param,
  Post,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { type PromotionDecision } from '@continuum/events';
import { PromoterMetrics } from '../metrics/promoter-metrics';
import { ManualActionError, PromoterRuntime, type TestView } from '../runtime/promoter-runtime';
import { PromotionApiGuard } from './bearer-token.guard';
import { parseManualBody } from './manual-body';

/**
 * The running tests and the manual decisions:
 * - `GET /tests`, `GET /models/{modelId}/tests`
 * - `POST /models/{modelId}/versions/{version}/promote` {reason, actor?}
 * - `POST /models/{modelId}/versions/{version}/reject` {reason, actor?}
 * - `POST /models/{modelId}/rollback` {reason, actor?, version?}
 */
@Controller()
export class PromotionsController {
  constructor(
    private readonly runtime: PromoterRuntime,
    private readonly metrics: PromoterMetrics,
  ) {}

  @Get('tests')
  tests(): TestView[] {
    return this.runtime.listTests();
  }

  @Get('models/:modelId/tests')
  modelTests(@Param('modelId') modelId: string): TestView[] {
    return this.runtime.listTests(modelId);
  }

  @Post('models/:modelId/versions/:version/promote')
  @HttpCode(200)
  @UseGuards(PromotionApiGuard)
  promote(
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<PromotionDecision> {
    const b = parseManualBody(body, true);
    return this.call('promote', () => this.runtime.manual('promote', modelId, version, b.reason, b.actor));
  }

  @Post('models/:modelId/versions/:version/reject')
  @HttpCode(200)
  @UseGuards(PromotionApiGuard)
  reject(
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<PromotionDecision> {
    const b = parseManualBody(body, true);
    return this.call('reject', () => this.runtime.manual('reject', modelId, version, b.reason, b.actor));
  }

  @Post('models/:modelId/rollback')
  @HttpCode(200)
  @UseGuards(PromotionApiGuard)
  rollback(@Param('modelId') modelId: string, @Body() body: unknown): Promise<PromotionDecision> {
    const b = parseManualBody(body, false);
    return this.call('rollback', () =>
      this.runtime.manual('rollback', modelId, b.version, b.reason, b.actor),
    );
  }

  private async call(action: string, run: () => Promise<PromotionDecision>): Promise<PromotionDecision> {
    try {
      const decision = await run();
      this.metrics.manualCalls.inc({ action, status: '200' });
      return decision;
    } catch (error) {
      const mapped = mapError(error);
      this.metrics.manualCalls.inc({
        action,
        status: String(mapped instanceof HttpException ? mapped.getStatus() : 500),
      });
      throw mapped;
    }
  }
}

function mapError(error: unknown): unknown {
  if (!(error instanceof ManualActionError)) return error;
  if (error.status === 404) return new NotFoundException(error.message);
  if (error.status === 409) return new ConflictException(error.message);
  return new UnprocessableEntityException(error.message);
}
