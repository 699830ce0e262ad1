import 'reflect-metadata';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { PromoterModule } from './app.module';
import { loadPromoterConfig } from './promoter.config';

startOrExit('promoter', async () => {
  const config = loadPromoterConfig();
  const app = await runService(PromoterModule.forRoot(config), {
    service: 'promoter',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  // ct.examples (@EventPattern) through the Kafka batch transport, after the tests are resumed.
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
  await app.startAllMicroservices();
});
