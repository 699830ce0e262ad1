import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka';
import { ObservabilityModule } from '@continuum/observability';
import { DriftMetrics } from './combining/drift-metrics';
import { ModelCombiner } from './combining/model-combiner';
import { MonitorRuntime } from './monitor-runtime';
import { type MonitorConfig } from './monitor.config';
import { PredictionCounter } from './prediction-counts/prediction-counter';
import { ReferenceCatalog } from './references/reference-catalog';
import { ASSIGNMENT_RELAY, MONITOR_CONFIG } from './tokens';
import { AssignmentRelay } from './windowing/assignment-relay';
import { PartitionWindowing } from './windowing/partition-windowing.service';

@Module({})
export class MonitorModule {
  static forRoot(config: MonitorConfig): DynamicModule {
    const relay = new AssignmentRelay();
    return {
      module: MonitorModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'monitor' }),
        KafkaModule.forRoot({
          service: 'monitor',
          config: config.kafka,
          consumer: {
            groupId: config.groupId,
            sessionTimeoutMs: config.sessionTimeoutMs,
            maxBytesPerPartition: config.maxBytesPerPartition,
            onAssignment: relay.onAssignment,
          },
        }),
      ],
      providers: [
        { provide: MONITOR_CONFIG, useValue: config },
        { provide: ASSIGNMENT_RELAY, useValue: relay },
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
