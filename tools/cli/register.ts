/**
 * `continuum register <model>`: a model with its feature contract, owner and retrain policy in
 * the registry (POST /models), and optionally its deployed version with a reference profile
 * (an EXTERNAL version, POST /models/{id}/versions) — connecting a model trained elsewhere without
 * editing any file in the repository.
 */
import { readFileSync } from 'node:fs';
import { MODEL_STAGES, MODEL_TASKS, type ModelStage, type ModelTask } from '@continuum/registry';
import { CommandFailure, type CommandIo, UsageError, parseCommandLine, stringOption } from './command';
import { readContractFile } from './contract-file';
import { registryClient } from './registry-access';

export const REGISTER_USAGE = `usage: continuum register <model> --contract <file> [options]

Registers the model in the registry: its task, feature contract, owner and retrain policy. With
--profile, also registers the version in production (strategy EXTERNAL) with its reference
profile, so that the monitor measures drift against it from now on.

  --contract <file>    JSON: {"features": [{"name", "type": NUMERIC|CATEGORICAL, "min"?, "max"?,
                       "categories"?, "required"?}]}, or a registration {"task", "owner",
                       "policyRef", "contract": {"features": [...]}}; options below win over it
  --task <task>        ${MODEL_TASKS.join(', ')}
  --owner <team>       who owns the model
  --policy-ref <ref>   the retrain policy the model follows (the controller's policy entry)
  --profile <file>     a reference profile (continuum profile build) for an EXTERNAL version
  --stage <stage>      that version's stage: CHAMPION (default), SHADOW or CANDIDATE
  --reason <text>      kept in the version's audit trail

Needs REGISTRY_API_TOKEN (else .cache/run/registry.token of tools/continuum up); REGISTRY_URL
(default http://127.0.0.1:9468). Exit codes: 0 registered, 1 refused or failed (e.g. the model
exists: 409), 2 usage.`;

export async function runRegisterCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const line = parseCommandLine(
    'register',
    args,
    {
      contract: { type: 'string' },
      task: { type: 'string' },
      owner: { type: 'string' },
      'policy-ref': { type: 'string' },
      profile: { type: 'string' },
      stage: { type: 'string' },
      reason: { type: 'string' },
    },
    { names: ['model'] },
  );
  if (line.help) {
    io.out(REGISTER_USAGE);
    return 0;
  }
  const [modelId] = line.positionals;
  const contractPath = stringOption(line, 'contract');
  if (!contractPath) throw new UsageError('register: --contract <file> is required');
  const stage = (stringOption(line, 'stage') ?? 'CHAMPION').toUpperCase();
  if (!(MODEL_STAGES as readonly string[]).includes(stage) || stage === 'ARCHIVED' || stage === 'REJECTED')
    throw new UsageError(`--stage must be CHAMPION, SHADOW or CANDIDATE (got '${stage}')`);
  if (stringOption(line, 'stage') && !stringOption(line, 'profile'))
    throw new UsageError('register: --stage applies to the version registered with --profile');

  const contract = readContractFile(contractPath);
  const task = (stringOption(line, 'task') ?? contract.task)?.toUpperCase();
  if (!task) throw new UsageError('register: --task is required (or "task" in the contract file)');
  if (!(MODEL_TASKS as readonly string[]).includes(task))
    throw new UsageError(`--task must be one of ${MODEL_TASKS.join(', ')} (got '${task}')`);
  const owner = stringOption(line, 'owner') ?? contract.owner;
  if (!owner) throw new UsageError('register: --owner is required (or "owner" in the contract file)');
  const policyRef = stringOption(line, 'policy-ref') ?? contract.policyRef;
  let profile: unknown;
  const profilePath = stringOption(line, 'profile');
  if (profilePath) {
    try {
      profile = JSON.parse(readFileSync(profilePath, 'utf8'));
    } catch (error) {
      throw new CommandFailure(
        `the profile ${profilePath} cannot be read as JSON: ${(error as Error).message}`,
      );
    }
  }

  const client = registryClient(env, io, true);
  const model = await client.createModel({
    modelId,
    task: task as ModelTask,
    owner,
    contract: { features: contract.features },
    ...(policyRef ? { policyRef } : {}),
  });
  io.out(
    `registered model ${model.modelId} (${model.task}, ${contract.features.length} features, owner ${model.owner}` +
      `${model.policyRef ? `, policy ${model.policyRef}` : ''})`,
  );
  if (profile === undefined) return 0;
  const { version } = await client.registerVersion(modelId, {
    strategy: 'EXTERNAL',
    stage: stage as ModelStage,
    referenceProfile: profile,
    reason: stringOption(line, 'reason') ?? 'registered with continuum register',
    actor: 'continuum-cli',
  });
  io.out(
    `registered version ${version.version} of ${modelId} (EXTERNAL, ${version.stage}) with its reference profile`,
  );
  return 0;
}
