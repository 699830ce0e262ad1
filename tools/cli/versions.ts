/** `continuum versions list <model>` and `continuum versions show <model> <version>`. */
import { MODEL_STAGES } from '@continuum/registry';
import {
  type CommandIo,
  UsageError,
  formatTable,
  formatNumber,
  isoTime,
  parseCommandLine,
  subcommand,
  stringOption,
} from './command';
import { registryClient } from './registry-access';

export const VERSIONS_USAGE = `usage: continuum versions <command>

  list <model> [--stage STAGE] [--json]   the model's versions in registration order
  show <model> <version> [--json]         one version: stage, strategy, metrics, training window,
                                          artifact, reference profile, and its audit trail

STAGE is one of ${MODEL_STAGES.join(', ')}.
Reads REGISTRY_URL (default http://127.0.0.1:9468). Exit codes: 0 done, 1 failed (e.g. unknown
model or version), 2 usage.`;

export async function runVersionsCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const called = subcommand('versions', args, ['list', 'show'], VERSIONS_USAGE, io);
  if (typeof called === 'number') return called;
  return called.sub === 'list' ? listVersions(called.rest, env, io) : showVersion(called.rest, env, io);
}

async function listVersions(args: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const line = parseCommandLine(
    'versions list',
    args,
    { stage: { type: 'string' }, json: { type: 'boolean' } },
    { names: ['model'] },
  );
  if (line.help) {
    io.out(VERSIONS_USAGE);
    return 0;
  }
  const stage = stringOption(line, 'stage')?.toUpperCase();
  if (stage !== undefined && !(MODEL_STAGES as readonly string[]).includes(stage))
    throw new UsageError(`--stage must be one of ${MODEL_STAGES.join(', ')} (got '${stage}')`);
  const versions = await registryClient(env, io).listVersions(line.positionals[0], stage);
  if (line.values.json) {
    io.out(JSON.stringify(versions, null, 2));
    return 0;
  }
  if (versions.length === 0) {
    io.out(`no versions of ${line.positionals[0]}${stage ? ` in ${stage}` : ''}`);
    return 0;
  }
  const rows = [['VERSION', 'STAGE', 'STRATEGY', 'PARENT', 'REGISTERED', 'BY', 'PROFILE']];
  for (const v of versions) {
    rows.push([
      v.version,
      v.stage,
      v.strategy,
      v.parentVersion ?? '-',
      isoTime(v.registeredAt),
      v.registeredBy,
      v.hasReferenceProfile ? 'yes' : 'no',
    ]);
  }
  for (const row of formatTable(rows)) io.out(row);
  return 0;
}

async function showVersion(args: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const line = parseCommandLine(
    'versions show',
    args,
    { json: { type: 'boolean' } },
    { names: ['model', 'version'] },
  );
  if (line.help) {
    io.out(VERSIONS_USAGE);
    return 0;
  }
  const [modelId, version] = line.positionals;
  const client = registryClient(env, io);
  const [v, history] = await Promise.all([
    client.getVersion(modelId, version),
    client.history(modelId, version),
  ]);
  if (line.values.json) {
    io.out(JSON.stringify({ ...v, history: history.transitions }, null, 2));
    return 0;
  }
  io.out(`${v.modelId} version ${v.version}: ${v.stage}`);
  io.out(`  strategy        ${v.strategy}${v.parentVersion ? ` (parent ${v.parentVersion})` : ''}`);
  io.out(`  registered      ${isoTime(v.registeredAt)} by ${v.registeredBy}`);
  if (v.trainingWindow) {
    const w = v.trainingWindow;
    io.out(`  training window ${isoTime(w.start)} .. ${isoTime(w.end)}, ${w.exampleCount} examples`);
  }
  const metrics = Object.entries(v.metrics).sort(([a], [b]) => (a < b ? -1 : 1));
  if (metrics.length > 0)
    io.out(`  metrics         ${metrics.map(([k, x]) => `${k}=${formatNumber(x)}`).join(' ')}`);
  if (v.metricsRef) io.out(`  metrics table   ${v.metricsRef.uri}`);
  io.out(`  artifact        ${v.artifact ? `${v.artifact.uri} (${v.artifact.size} bytes)` : '-'}`);
  io.out(
    `  profile         ${v.referenceProfileRef ? v.referenceProfileRef.uri : v.hasReferenceProfile ? 'inline' : '-'}`,
  );
  io.out('  history');
  for (const t of history.transitions) {
    io.out(
      `    ${isoTime(t.at)}  ${t.from ?? 'registered'} -> ${t.to}  by ${t.actor}${t.reason ? `: ${t.reason}` : ''}`,
    );
  }
  return 0;
}
