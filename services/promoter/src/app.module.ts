import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { BearerTokenGuard } from './api/bearer-token.guard';
import { PromotionsController } from './api/promotions.controller';
import { PromoterMetrics } from './metrics/promoter-metrics';
import { type PromoterConfig } from './promoter.config';
import { ExamplesHandler } from './runtime/examples.handler';
import { PromoterRuntime } from './runtime/promoter-runtime';
import { PROMOTER_CONFIG } from './tokens';

@Module({})
export class PromoterModule {
  static forRoot(config: PromoterConfig): DynamicModule {
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
        PromoterMetrics,
        PromoterRuntime,
        BearerTokenGuard,
      ],
    };
  }
}
