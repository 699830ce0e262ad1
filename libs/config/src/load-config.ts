import { type ConfigField } from './config-field';

export type ConfigSpec = Record<string, ConfigField<unknown>>;
export type ConfigOf<S extends ConfigSpec> = {
  [K in keyof S]: S[K] extends ConfigField<infer T> ? T : never;
};

/** Thrown at start-up when environment variables are missing or malformed; lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a config spec from the environment. Every problem is collected before throwing,
 * so a user fixes their deployment in one go rather than one variable per restart.
 */
export function loadConfig<S extends ConfigSpec>(
  service: string,
  spec: S,
  source: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(spec)) {
    const raw = source[f.env];
    if (raw === undefined || raw === '') {
      if (f.defaultValue !== undefined || f.optional) config[key] = f.defaultValue;
      else problems.push(`${f.env} is required: ${f.description}`);
      continue;
    }
    const parsed = f.parse(raw);
    if ('problem' in parsed) problems.push(`${f.env}=${JSON.stringify(raw)} ${parsed.problem}`);
    else config[key] = parsed.value;
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return config as ConfigOf<S>;
}

/** Markdown table rows documenting a spec (used to keep the README's configuration table honest). */
export function describeConfig(spec: ConfigSpec): string {
  const rows = Object.values(spec).map(
    (f) =>
      `| \`${f.env}\` | ${f.defaultText === undefined ? '**required**' : `\`${f.defaultText}\``} | ${f.description} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
