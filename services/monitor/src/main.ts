import 'reflect-metadata';
import { runService, startOrExit } from '@continuum/observability';
import { MonitorModule } from './app.module';
import { loadMonitorConfig } from './monitor.config';

startOrExit('monitor', async () => {
  const config = loadMonitorConfig();
  await runService(MonitorModule.forRoot(config), {
    service: 'monitor',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
});
