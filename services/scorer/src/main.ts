import 'reflect-metadata';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { runService, startOrExit } from '@continuum/observability';
import { ScorerModule } from './app.module';
import { loadScorerConfig } from './scorer.config';

startOrExit('scorer', async () => {
  const config = loadScorerConfig();
  const store = artifactStoreFromEnv(process.env, { service: 'scorer' });
  await runService(ScorerModule.forRoot(config, store), {
    service: 'scorer',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
});
