import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { DriftMetrics } from './combining/drift-metrics';
import { ModelCombiner } from './combining/model-combiner';
import { SourceBatches } from './kafka/source-batches.controller';
import { MonitorRuntime } from './monitor-runtime';
import { type MonitorConfig } from './monitor.config';
import { PredictionCounter } from './prediction-counts/prediction-counter';
import { ReferenceCatalog } from './references/reference-catalog';
import { MONITOR_CONFIG } from './tokens';
import { PartitionWindowing } from './windowing/partition-windowing.service';

@Module({})
export class MonitorModule {
  static forRoot(config: MonitorConfig): DynamicModule {
    return {
      module: MonitorModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'monitor' }),
        // Provisions the whole catalog (the monitor's compacted topics with their configs included)
        // before the stages start; stage 1's group assignments reach PartitionWindowing through
        // ConsumerAssignments.
        KafkaModule.forRoot({
          service: 'monitor',
          config: config.kafka,
          consumer: {
            groupId: config.groupId,
            sessionTimeoutMs: config.sessionTimeoutMs,
            maxBytesPerPartition: config.maxBytesPerPartition,
          },
        }),
      ],
      controllers: [SourceBatches],
      providers: [
        { provide: MONITOR_CONFIG, useValue: config },
        PredictionCounter,
        ReferenceCatalog,
        DriftMetrics,
        ModelCombiner,
        PartitionWindowing,
        MonitorRuntime,
      ],
    };
  }
}
