import { Inject, Injectable } from '@nestjs/common';
import { type DirectJsonRoute, type JsonAnswer } from '@continuum/observability';
import { type ScorerConfig } from '../scorer.config';
import { ServingRuntime } from '../serving/serving-runtime';
import { SCORER_CONFIG } from '../tokens';
import { BadPredictRequest, parsePredictRequest } from './predict-request';
import { httpAnswer } from './predict-response';

/** NestJS's default JSON body limit (100 kb), which the NestJS route applies: both paths take the same bodies. */
export const PREDICT_BODY_LIMIT_BYTES = 100 * 1024;

/**
 * `POST /models/{modelId}/predict`: the body read, scored and answered. Served by the NestJS
 * controller and, when SCORER_HTTP_DIRECT is on, by Node's HTTP server directly (directRoute).
 */
@Injectable()
export class PredictEndpoint {
  constructor(
    private readonly runtime: ServingRuntime,
    @Inject(SCORER_CONFIG) private readonly config: ScorerConfig,
  ) {}

  async answer(modelId: string, body: unknown): Promise<JsonAnswer> {
    let request;
    try {
      request = parsePredictRequest(body, this.config.maxBatch);
    } catch (error) {
      if (!(error instanceof BadPredictRequest)) throw error;
      return { status: 400, body: { error: error.message, field: error.field } };
    }
    return httpAnswer(await this.runtime.score(modelId, request.instances), request.batch);
  }

  directRoute(): DirectJsonRoute {
    return {
      path: /^\/models\/([^/]+)\/predict$/,
      limitBytes: PREDICT_BODY_LIMIT_BYTES,
      answer: ([modelId], body) => this.answer(modelId, body),
    };
  }
}
