import { RegistryClient } from '@continuum/registry';
import { type CommandIo } from './command';
import { loadCliConfig, tokenFor } from './cli-config';

/** The registry client of a command; with `write`, carrying the registry's bearer token. */
export function registryClient(env: NodeJS.ProcessEnv, io: CommandIo, write = false): RegistryClient {
  const config = loadCliConfig(env);
  return new RegistryClient({
    baseUrl: config.registryUrls,
    token: write ? tokenFor('registry', config, env) : undefined,
    fetch: io.fetch,
  });
}
