/** `continuum models list`: every model the registry knows. */
import { type CommandIo, formatTable, parseCommandLine, subcommand } from './command';
import { registryClient } from './registry-access';

export const MODELS_USAGE = `usage: continuum models list [--json]

  list     every registered model: task, owner, champion version, versions, retrain policy

  --json   the registry's JSON instead of a table

Reads REGISTRY_URL (default http://127.0.0.1:9468). Exit codes: 0 done, 1 failed, 2 usage.`;

export async function runModelsCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const called = subcommand('models', args, ['list'], MODELS_USAGE, io);
  if (typeof called === 'number') return called;
  const { rest } = called;
  const line = parseCommandLine('models list', rest, { json: { type: 'boolean' } }, { names: [] });
  if (line.help) {
    io.out(MODELS_USAGE);
    return 0;
  }
  const models = await registryClient(env, io).listModels();
  if (line.values.json) {
    io.out(JSON.stringify(models, null, 2));
    return 0;
  }
  if (models.length === 0) {
    io.out('no models registered');
    return 0;
  }
  const rows = [['MODEL', 'TASK', 'OWNER', 'CHAMPION', 'VERSIONS', 'POLICY']];
  for (const m of models) {
    rows.push([
      m.modelId,
      m.task ?? '-',
      m.owner ?? '-',
      m.championVersion ?? '-',
      String(m.versionCount),
      m.policyRef ?? '-',
    ]);
  }
  for (const row of formatTable(rows)) io.out(row);
  return 0;
}
