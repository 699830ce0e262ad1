import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { type Response } from 'express';
import { type ScorerConfig } from '../scorer.config';
import { ServingRuntime } from '../serving/serving-runtime';
import { SCORER_CONFIG } from '../tokens';
import { BadPredictRequest, parsePredictRequest } from './predict-request';
import { httpAnswer } from './predict-response';

/** The model-as-service API; the work is in ServingRuntime and the pure serving core. */
@Controller('models')
export class PredictController {
  constructor(
    private readonly runtime: ServingRuntime,
    @Inject(SCORER_CONFIG) private readonly config: ScorerConfig,
  ) {}

  @Post(':modelId/predict')
  @HttpCode(200)
  async predict(
    @Param('modelId') modelId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    let request;
    try {
      request = parsePredictRequest(body, this.config.maxBatch);
    } catch (error) {
      if (!(error instanceof BadPredictRequest)) throw error;
      res.status(400);
      return { error: error.message, field: error.field };
    }
    const answer = httpAnswer(await this.runtime.score(modelId, request.instances), request.batch);
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    return answer.body;
  }

  @Get()
  list() {
    return {
      models: this.runtime.servedModels().map((modelId) => ({ modelId, ...this.runtime.status(modelId) })),
    };
  }

  @Get(':modelId')
  get(@Param('modelId') modelId: string) {
    if (
      !this.runtime.inScope(modelId) ||
      (!this.runtime.registry.model(modelId) && !this.runtime.table.champion(modelId))
    )
      throw new NotFoundException(`unknown model ${modelId}`);
    return { modelId, ...this.runtime.status(modelId), versions: this.runtime.table.describe(modelId) };
  }
}
