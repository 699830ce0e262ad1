import { Inject, Injectable } from '@nestjs/common';
import { ModelRegistryDependencies, ModelRegistryService } from '@continuum/kafka/nest';
import { type EvaluatorConfig } from '../evaluator.config';
import { EVALUATOR_CONFIG } from '../tokens';

/**
 * The registered models, for their tasks (`@continuum/kafka/nest`'s ModelRegistryService): caught
 * up before the first pair is joined, so a registered model's task comes from its contract, not
 * from a guess on its first pair.
 */
@Injectable()
export class RegisteredModels extends ModelRegistryService {
  constructor(@Inject(EVALUATOR_CONFIG) config: EvaluatorConfig, dependencies: ModelRegistryDependencies) {
    super(dependencies, { groupIdPrefix: `${config.groupId}-models`, readinessCheck: 'registered-models' });
  }
}
