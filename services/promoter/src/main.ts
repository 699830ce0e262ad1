import 'reflect-metadata';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { PromoterModule } from './app.module';
import { loadPromoterPolicy } from './policy/policy-file';
import { uniformPolicy } from './policy/promoter-policy';
import { envGatePolicy, loadPromoterConfig } from './promoter.config';

startOrExit('promoter', async () => {
  const config = loadPromoterConfig();
  // A bad policy file stops the start with every problem named.
  const policy = config.policyFile
    ? loadPromoterPolicy(config.policyFile, envGatePolicy(config))
    : uniformPolicy(envGatePolicy(config));
  const app = await runService(PromoterModule.forRoot(config, policy), {
    service: 'promoter',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  // ct.examples (@EventPattern) through the Kafka batch transport, after the tests are resumed.
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
  await app.startAllMicroservices();
});
