import 'reflect-metadata';
import { runService, startOrExit } from '@continuum/observability';
import { EvaluatorModule } from './app.module';
import { loadEvaluatorConfig } from './evaluator.config';

startOrExit('evaluator', async () => {
  const config = loadEvaluatorConfig();
  await runService(EvaluatorModule.forRoot(config), {
    service: 'evaluator',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
});
