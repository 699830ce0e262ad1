import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka';
import { ObservabilityModule } from '@continuum/observability';
import { type ControllerConfig } from './controller.config';
import { BearerTokenGuard } from './manual/bearer-token.guard';
import { RetrainController } from './manual/retrain.controller';
import { ControllerMetrics } from './metrics/controller-metrics';
import { type ControllerPolicy } from './policy/policy';
import { ReportHandlers } from './reports/report-handlers';
import { ControllerRuntime } from './runtime/controller-runtime';
import { PartitionAssignments } from './runtime/partition-assignments';
import { CONTROLLER_CONFIG, RETRAIN_POLICY } from './tokens';

@Module({})
export class ControllerModule {
  static forRoot(config: ControllerConfig, policy: ControllerPolicy): DynamicModule {
    const assignments = new PartitionAssignments();
    return {
      module: ControllerModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'controller' }),
        KafkaModule.forRoot({
          service: 'controller',
          config: config.kafka,
          topics: ['driftReports', 'performance', 'retrainRequests', 'deadLetter'],
          consumer: {
            groupId: config.groupId,
            // Partition p of both report topics to one instance: it owns the models keyed to p.
            coPartitioned: true,
            sessionTimeoutMs: config.sessionTimeoutMs,
            maxWaitTimeInMs: 250,
            onAssignment: (assignment) => assignments.update(assignment),
          },
        }),
      ],
      controllers: [RetrainController],
      providers: [
        { provide: CONTROLLER_CONFIG, useValue: config },
        { provide: RETRAIN_POLICY, useValue: policy },
        { provide: PartitionAssignments, useValue: assignments },
        ControllerMetrics,
        ControllerRuntime,
        ReportHandlers,
        BearerTokenGuard,
      ],
    };
  }
}
