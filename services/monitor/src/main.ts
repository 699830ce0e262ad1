import 'reflect-metadata';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { MonitorModule } from './app.module';
import { loadMonitorConfig } from './monitor.config';

startOrExit('monitor', async () => {
  const config = loadMonitorConfig();
  const app = await runService(MonitorModule.forRoot(config), {
    service: 'monitor',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  // Stage 1's @EventPattern batch handlers consume through the Kafka batch transport.
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) });
  await app.startAllMicroservices();
});
