/**
 * Where the operator's commands find the services and their bearer tokens. Read from the
 * environment and validated before any call (every problem at once, exit 1). A token that is not
 * in the environment is read from the file `tools/continuum up` generated for the local system
 * (`.cache/run/<service>.token`), so the commands work against `npm start` without any setup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigOf, ConfigError, list, loadConfig, optional, text, url } from '@continuum/config';

const httpUrl = (value: string) => (/^https?:\/\/\S+$/.test(value) ? undefined : 'must be an http(s) URL');

export const cliConfigSpec = {
  registryUrls: list({
    env: 'REGISTRY_URL',
    description:
      'Base URL of the model registry (services/registry); several comma-separated are tried in turn.',
    default: ['http://127.0.0.1:9468'],
    item: httpUrl,
  }),
  registryToken: optional(
    text({
      env: 'REGISTRY_API_TOKEN',
      description: 'Bearer token of the registry, for `register` (else .cache/run/registry.token).',
    }),
  ),
  controllerUrl: url({
    env: 'CONTROLLER_URL',
    description: "Base URL of the controller's manual API (services/controller), for `retrain`.",
    default: 'http://127.0.0.1:9466',
  }),
  controllerToken: optional(
    text({
      env: 'CONTROLLER_API_TOKEN',
      description: 'Bearer token of the controller, for `retrain` (else .cache/run/controller.token).',
    }),
  ),
  promoterUrl: url({
    env: 'PROMOTER_URL',
    description: "Base URL of the promoter's API (services/promoter), for `promote`, `reject`, `rollback`.",
    default: 'http://127.0.0.1:9469',
  }),
  promoterToken: optional(
    text({
      env: 'PROMOTER_API_TOKEN',
      description:
        'Bearer token of the promoter, for `promote`, `reject`, `rollback` (else .cache/run/promoter.token).',
    }),
  ),
};

export type CliConfig = ConfigOf<typeof cliConfigSpec>;
export type TokenOf = 'registry' | 'controller' | 'promoter';

const TOKEN_ENV: Record<TokenOf, string> = {
  registry: 'REGISTRY_API_TOKEN',
  controller: 'CONTROLLER_API_TOKEN',
  promoter: 'PROMOTER_API_TOKEN',
};

/** The directory `tools/continuum up` keeps its run files in (CONTINUUM_CACHE_DIR/run). */
export function runDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.CONTINUUM_CACHE_DIR ?? join(__dirname, '..', '..', '.cache'), 'run');
}

export function loadCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  return loadConfig('continuum', cliConfigSpec, env);
}

/**
 * The bearer token of a service: its variable, else the local system's generated token file;
 * a ConfigError (exit 1) naming both when there is neither.
 */
export function tokenFor(service: TokenOf, config: CliConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = config[`${service}Token`];
  if (fromEnv) return fromEnv;
  const file = join(runDirectory(env), `${service}.token`);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return token;
  }
  throw new ConfigError('continuum', [
    `${TOKEN_ENV[service]} is required for this command (and ${file}, which tools/continuum up writes, does not exist)`,
  ]);
}
