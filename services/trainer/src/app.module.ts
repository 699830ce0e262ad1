import { type DynamicModule, Module } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { TrainerMetrics } from './metrics/trainer-metrics';
import { OnlineLearners } from './online/online-learners.service';
import { type TrainerPolicy } from './policy/trainer-policy';
import { type TrainerRegistry } from './registry/trainer-registry';
import { RetrainIntake } from './runs/retrain-intake.service';
import { RetrainRequestsController } from './runs/retrain-requests.controller';
import { RunExecutor } from './runs/run-executor.service';
import { RunLedgerService } from './runs/run-ledger.service';
import { type TrainerConfig } from './trainer.config';
import { ARTIFACT_STORE, TRAINER_CONFIG, TRAINER_POLICY, TRAINER_REGISTRY } from './tokens';

@Module({})
export class TrainerModule {
  static forRoot(
    config: TrainerConfig,
    policy: TrainerPolicy,
    store: ArtifactStore,
    registry: TrainerRegistry,
  ): DynamicModule {
    return {
      module: TrainerModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'trainer' }),
        KafkaModule.forRoot({
          service: 'trainer',
          config: config.kafka,
          topics: ['retrainRequests', 'examples', 'trainingRuns', 'trainerCheckpoints', 'deadLetter'],
          consumer: {
            groupId: config.groupId,
            sessionTimeoutMs: config.sessionTimeoutMs,
            maxWaitTimeInMs: 250,
          },
        }),
      ],
      controllers: [RetrainRequestsController],
      providers: [
        { provide: TRAINER_CONFIG, useValue: config },
        { provide: TRAINER_POLICY, useValue: policy },
        { provide: ARTIFACT_STORE, useValue: store },
        { provide: TRAINER_REGISTRY, useValue: registry },
        TrainerMetrics,
        RunLedgerService,
        RunExecutor,
        RetrainIntake,
        OnlineLearners,
      ],
    };
  }
}
