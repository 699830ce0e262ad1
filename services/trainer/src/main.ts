import 'reflect-metadata';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { KafkaBatchTransport } from '@continuum/kafka/nest';
import { runService, startOrExit } from '@continuum/observability';
import { RegistryClient } from '@continuum/registry';
import { TrainerModule } from './app.module';
import { loadTrainerPolicy } from './policy/policy-file';
import { DEFAULT_MODEL_POLICY, type TrainerPolicy } from './policy/trainer-policy';
import { HttpTrainerRegistry } from './registry/trainer-registry';
import { loadTrainerConfig } from './trainer.config';

startOrExit('trainer', async () => {
  const config = loadTrainerConfig();
  // A bad policy stops the start with every problem named.
  const policy: TrainerPolicy = config.policyFile
    ? loadTrainerPolicy(config.policyFile)
    : { models: { '*': DEFAULT_MODEL_POLICY } };
  const store = artifactStoreFromEnv(process.env, { service: 'trainer' });
  const registry = new HttpTrainerRegistry(
    new RegistryClient({ baseUrl: config.registryUrls, token: config.registryToken }),
  );
  const app = await runService(TrainerModule.forRoot(config, policy, store, registry), {
    service: 'trainer',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
  });
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
});
