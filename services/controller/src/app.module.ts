import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { type ControllerConfig } from './controller.config';
import { RetrainApiGuard } from './manual/bearer-token.guard';
import { RetrainController } from './manual/retrain.controller';
import { ControllerMetrics } from './metrics/controller-metrics';
import { type ControllerPolicy } from './policy/policy';
import { ReportHandlers } from './reports/report-handlers';
import { ControllerRuntime } from './runtime/controller-runtime';
import { ModelStages } from './stages/model-stages';
import { CONTROLLER_CONFIG, RETRAIN_POLICY } from './tokens';

@Module({})
export class ControllerModule {
  static forRoot(config: ControllerConfig, policy: ControllerPolicy): DynamicModule {
    return {
      module: ControllerModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'controller' }),
        KafkaModule.forRoot({
          service: 'controller',
          config: config.kafka,
          topics: [
            'driftReports',
            'performance',
            'retrainRequests',
            'controllerState',
            'modelVersions',
            'deadLetter',
          ],
          consumer: {
            groupId: config.groupId,
            // Partition p of both report topics to one instance: it owns the models keyed to p.
            coPartitioned: true,
            sessionTimeoutMs: config.sessionTimeoutMs,
            maxWaitTimeInMs: 250,
          },
        }),
      ],
      controllers: [RetrainController, ReportHandlers],
      providers: [
        { provide: CONTROLLER_CONFIG, useValue: config },
        { provide: RETRAIN_POLICY, useValue: policy },
        ControllerMetrics,
        ModelStages,
        ControllerRuntime,
        RetrainApiGuard,
      ],
    };
  }
}
