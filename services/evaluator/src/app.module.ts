import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { PerformanceReporter } from './combine/performance-reporter.controller';
import { type EvaluatorConfig } from './evaluator.config';
import { PredictionLabelJoin } from './join/prediction-label-join';
import { SourcePartitions } from './kafka/source-partitions';
import { EvaluatorMetrics } from './observability/evaluator-metrics';
import { EstimationReferences } from './registry/estimation-references';
import { RegisteredModels } from './registry/registered-models';
import { StateStore } from './state/state-store';
import { EVALUATOR_CONFIG } from './tokens';

@Module({})
export class EvaluatorModule {
  static forRoot(config: EvaluatorConfig): DynamicModule {
    return {
      module: EvaluatorModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'evaluator' }),
        KafkaModule.forRoot({
          service: 'evaluator',
          config: config.kafka,
          consumer: {
            groupId: config.groupId,
            // Partition p of ct.predictions, ct.labels (and the combiner's single partition 0) to one
            // member, chosen by instance id so a restarted instance finds its partitions' state on disk.
            coPartitioned: { instanceId: config.instanceId },
            partitionsConsumedConcurrently: config.partitionConcurrency,
            maxBytesPerPartition: config.maxBatchBytes,
          },
        }),
      ],
      providers: [
        { provide: EVALUATOR_CONFIG, useValue: config },
        StateStore,
        SourcePartitions,
        EvaluatorMetrics,
        RegisteredModels,
        EstimationReferences,
      ],
      controllers: [PredictionLabelJoin, PerformanceReporter],
    };
  }
}
