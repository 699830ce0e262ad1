import { type DynamicModule, Module } from '@nestjs/common';
import { type ArtifactStore } from '@continuum/artifact-store';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { PredictEndpoint } from './http/predict-endpoint';
import { PredictController } from './http/predict.controller';
import { ScoringRequestsHandler } from './kafka/scoring-requests.handler';
import { ScorerMetrics } from './metrics/scorer-metrics';
import { type ScorerConfig } from './scorer.config';
import { ServingRuntime } from './serving/serving-runtime';
import { ARTIFACT_STORE, SCORER_CONFIG } from './tokens';

/** Serving state: registry follower, model table, reconciler, scorer, publisher, shadow queue. */
@Module({})
export class ServingModule {
  static forRoot(config: ScorerConfig, store: ArtifactStore): DynamicModule {
    return {
      module: ServingModule,
      providers: [
        { provide: SCORER_CONFIG, useValue: config },
        { provide: ARTIFACT_STORE, useValue: store },
        ScorerMetrics,
        ServingRuntime,
      ],
      exports: [SCORER_CONFIG, ServingRuntime],
    };
  }
}

/** The HTTP model-as-service API. */
@Module({})
export class HttpApiModule {
  static forRoot(serving: DynamicModule): DynamicModule {
    return {
      module: HttpApiModule,
      imports: [serving],
      controllers: [PredictController],
      providers: [PredictEndpoint],
      exports: [PredictEndpoint],
    };
  }
}

/** The Kafka request/response mode (ct.scoring-requests → ct.scoring-responses). */
@Module({})
export class KafkaRequestsModule {
  static forRoot(serving: DynamicModule): DynamicModule {
    return { module: KafkaRequestsModule, imports: [serving], controllers: [ScoringRequestsHandler] };
  }
}

@Module({})
export class ScorerModule {
  static forRoot(config: ScorerConfig, store: ArtifactStore): DynamicModule {
    const serving = ServingModule.forRoot(config, store);
    return {
      module: ScorerModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'scorer' }),
        KafkaModule.forRoot({
          service: 'scorer',
          config: config.kafka,
          topics: ['predictions', 'modelVersions', 'scoringRequests', 'scoringResponses', 'deadLetter'],
          consumer: config.kafkaRequests ? { groupId: config.groupId, maxWaitTimeInMs: 20 } : undefined,
        }),
        serving,
        HttpApiModule.forRoot(serving),
        ...(config.kafkaRequests ? [KafkaRequestsModule.forRoot(serving)] : []),
      ],
    };
  }
}
