import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type ArtifactStore } from '@continuum/artifact-store';
import { KafkaModule } from '@continuum/kafka/nest';
import { ObservabilityModule } from '@continuum/observability';
import { RegistryWriteGuard } from './api/bearer-token.guard';
import { RegistryErrorFilter } from './api/error.filter';
import { ModelsController } from './api/models.controller';
import { RegistryQueries } from './api/registry-queries';
import { RegistryCommands } from './commands/registry-commands';
import { type RegistryConfig } from './registry.config';
import { PartitionOwnership } from './state/partition-ownership';
import { RegistryState } from './state/registry-state';
import { ARTIFACT_STORE, REGISTRY_CONFIG } from './tokens';

/** The registry: its fold of ct.model-versions (state), the writer assignment, commands, queries and the REST API. */
@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig, store: ArtifactStore): DynamicModule {
    return {
      module: RegistryModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'registry' }),
        KafkaModule.forRoot({
          service: 'registry',
          config: config.kafka,
          topics: ['modelVersions', 'deadLetter'],
        }),
      ],
      controllers: [ModelsController],
      providers: [
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: ARTIFACT_STORE, useValue: store },
        { provide: APP_FILTER, useClass: RegistryErrorFilter },
        RegistryState,
        PartitionOwnership,
        RegistryCommands,
        RegistryQueries,
        RegistryWriteGuard,
      ],
    };
  }
}
