import 'reflect-metadata';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { EvaluatorModule } from './app.module';
import { loadEvaluatorConfig } from './evaluator.config';

startOrExit('evaluator', async () => {
  const config = loadEvaluatorConfig();
  const app = await runService(EvaluatorModule.forRoot(config), {
    service: 'evaluator',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  // The @EventPattern batch handlers consume through the Kafka batch transport.
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
  await app.startAllMicroservices();
});
