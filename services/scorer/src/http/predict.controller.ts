import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { type Response } from 'express';
import { ServingRuntime } from '../serving/serving-runtime';
import { PredictEndpoint } from './predict-endpoint';

/** The model-as-service API; the work is in ServingRuntime and the pure serving core. */
@Controller('models')
export class PredictController {
  constructor(
    private readonly runtime: ServingRuntime,
    private readonly endpoint: PredictEndpoint,
  ) {}

  @Post(':modelId/predict')
  @HttpCode(200)
  async predict(
    @Param('modelId') modelId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const answer = await this.endpoint.answer(modelId, body);
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
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
