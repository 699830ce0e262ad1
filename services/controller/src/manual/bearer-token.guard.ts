import { Inject, Injectable } from '@nestjs/common';
import { BearerTokenGuard } from '@continuum/observability';
import { type ControllerConfig } from '../controller.config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { CONTROLLER_CONFIG } from '../tokens';

/** The manual retrain API: `Authorization: Bearer <CONTROLLER_API_TOKEN>`; refusals counted by status. */
@Injectable()
export class RetrainApiGuard extends BearerTokenGuard {
  constructor(@Inject(CONTROLLER_CONFIG) config: ControllerConfig, metrics: ControllerMetrics) {
    super({
      token: config.apiToken,
      variable: 'CONTROLLER_API_TOKEN',
      realm: 'continuum-controller',
      feature: 'manual retraining',
      onRefused: (status) => metrics.manualCalls.inc({ status: String(status) }),
    });
  }
}
