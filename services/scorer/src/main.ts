import 'reflect-metadata';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { ScorerModule } from './app.module';
import { PredictEndpoint } from './http/predict-endpoint';
import { loadScorerConfig } from './scorer.config';

startOrExit('scorer', async () => {
  const config = loadScorerConfig();
  const store = artifactStoreFromEnv(process.env, { service: 'scorer' });
  const app = await runService(ScorerModule.forRoot(config, store), {
    service: 'scorer',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
    directRoutes: config.httpDirect ? (nest) => [nest.get(PredictEndpoint).directRoute()] : undefined,
  });
  // The Kafka request/response mode (when enabled) consumes through the Kafka batch transport.
  const transport = app.get(KafkaBatchTransport, { strict: false });
  if (transport) {
    app.connectMicroservice({ strategy: transport });
    await app.startAllMicroservices();
  }
});
