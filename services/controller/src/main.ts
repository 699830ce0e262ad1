import 'reflect-metadata';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { ControllerModule } from './app.module';
import { loadControllerConfig } from './controller.config';
import { loadPolicyFile } from './policy/policy-file';

startOrExit('controller', async () => {
  const config = loadControllerConfig();
  // A bad policy stops the start with every problem named; no trigger runs half-configured.
  const policy = loadPolicyFile(config.policyFile);
  const app = await runService(ControllerModule.forRoot(config, policy), {
    service: 'controller',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  // The report handlers (@EventPattern) consume through the Kafka batch transport.
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
  await app.startAllMicroservices();
});
