import { Inject, Injectable } from '@nestjs/common';
import { BearerTokenGuard } from '@continuum/observability';
import { type PromoterConfig } from '../promoter.config';
import { PROMOTER_CONFIG } from '../tokens';

/** The manual decision API: `Authorization: Bearer <PROMOTER_API_TOKEN>` (503 while it is unset). */
@Injectable()
export class PromotionApiGuard extends BearerTokenGuard {
  constructor(@Inject(PROMOTER_CONFIG) config: PromoterConfig) {
    super({
      token: config.apiToken,
      variable: 'PROMOTER_API_TOKEN',
      realm: 'continuum-promoter',
      feature: 'manual decisions',
    });
  }
}
