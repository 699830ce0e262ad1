import { Inject, Injectable } from '@nestjs/common';
import { BearerTokenGuard } from '@continuum/observability';
import { type RegistryConfig } from '../registry.config';
import { REGISTRY_CONFIG } from '../tokens';

/** Mutating calls need `Authorization: Bearer <REGISTRY_API_TOKEN>`; reads (GET, HEAD) are open. */
@Injectable()
export class RegistryWriteGuard extends BearerTokenGuard {
  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    super({
      token: config.apiToken,
      variable: 'REGISTRY_API_TOKEN',
      realm: 'continuum-registry',
      feature: 'the registry API',
      openMethods: ['GET', 'HEAD'],
    });
  }
}
