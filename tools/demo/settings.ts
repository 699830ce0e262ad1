/**
 * The settings the demo runs the services with: `services.env` next to this file, read here so
 * that `npm run demo` (through tools/continuum) and the demo's integration test start the same
 * system.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const SERVICES_ENV_FILE = join(__dirname, 'services.env');

/** The marker variable every service started with the demo's settings carries. */
export const DEMO_MARKER = 'CONTINUUM_DEMO';

/**
 * `KEY=value` lines (blank lines and `#` comments skipped) as a record; values naming a file under
 * `tools/` become absolute paths, so a service finds them whatever its working directory.
 */
export function parseServicesEnv(text: string, root = REPO_ROOT): Record<string, string> {
  const env: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`services.env line ${index + 1} is not KEY=value: ${line}`);
    const [, key, value] = match;
    env[key] = value.startsWith('tools/') && !isAbsolute(value) ? join(root, value) : value;
  });
  return env;
}

export function demoServicesEnv(): Record<string, string> {
  return parseServicesEnv(readFileSync(SERVICES_ENV_FILE, 'utf8'));
}
