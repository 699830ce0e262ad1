import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka';
import { ObservabilityModule } from '@continuum/observability';
import { type MonitorConfig } from './monitor.config';
import { PredictionCounter } from './prediction-counts/prediction-counter';
import { MONITOR_CONFIG } from './tokens';

@Module({})
export class MonitorModule {
  static forRoot(config: MonitorConfig): DynamicModule {
    return {
      module: MonitorModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'monitor' }),
        KafkaModule.forRoot({
          service: 'monitor',
          config: config.kafka,
          consumer: { groupId: config.groupId },
        }),
      ],
      providers: [{ provide: MONITOR_CONFIG, useValue: config }, PredictionCounter],
    };
  }
}
