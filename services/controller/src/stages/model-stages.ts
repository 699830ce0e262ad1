import { Inject, Injectable } from '@nestjs/common';
import { ModelRegistryDependencies, ModelRegistryService } from '@continuum/kafka/nest';
import { type ControllerConfig } from '../controller.config';
import { CONTROLLER_CONFIG } from '../tokens';

/**
 * The models' stages, for the engine's stage gate (engine/stage-gate.ts), through
 * `@continuum/kafka/nest`'s ModelRegistryService: caught up before the first report is consumed,
 * so a shadow's reports never count as the champion's.
 */
@Injectable()
export class ModelStages extends ModelRegistryService {
  constructor(@Inject(CONTROLLER_CONFIG) config: ControllerConfig, dependencies: ModelRegistryDependencies) {
    super(dependencies, {
      groupIdPrefix: `${config.groupId}-stages`,
      sessionTimeoutMs: config.sessionTimeoutMs,
      readinessCheck: 'model-stages',
    });
  }
}
