import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { PromotionApiGuard } from './api/bearer-token.guard';
import { PromotionsController } from './api/promotions.controller';
import { PromoterMetrics } from './metrics/promoter-metrics';
import { type PromoterConfig } from './promoter.config';
import { ExamplesHandler } from './runtime/examples.handler';
import { PromoterRuntime } from './runtime/promoter-runtime';
import { type PromoterPolicy } from './policy/promoter-policy';
import { PROMOTER_CONFIG, PROMOTER_POLICY } from './tokens';

@Module({})
export class PromoterModule {
  /** `policy`: the gate settings per model (the policy file over the environment's settings). */
  static forRoot(config: PromoterConfig, policy: PromoterPolicy): DynamicModule {
    return {
      module: PromoterModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'promoter' }),
        KafkaModule.forRoot({
          service: 'promoter',
          config: config.kafka,
          topics: ['examples', 'modelVersions', 'promotions', 'promoterState', 'deadLetter'],
          consumer: { groupId: config.groupId, maxWaitTimeInMs: 250 },
        }),
      ],
      controllers: [PromotionsController, ExamplesHandler],
      providers: [
        { provide: PROMOTER_CONFIG, useValue: config },
        { provide: PROMOTER_POLICY, useValue: policy },
        PromoterMetrics,
        PromoterRuntime,
        PromotionApiGuard,
      ],
    };
  }
}
