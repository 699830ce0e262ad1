/**
 * The operator's command line, run as `tools/continuum <command>` (the same script that starts
 * the local system). Each command lives in its own file under tools/cli/.
 * Exit codes: 0 done, 1 failed (a service refused or could not be reached, bad configuration,
 * unreadable input), 2 the command line is wrong.
 */
import { ConfigError } from '@continuum/config';
import { RegistryHttpError } from '@continuum/registry';
import { type CommandIo, UsageError } from './command';
import { decisionCommand } from './decisions';
import { runModelsCommand } from './models';
import { runProfileCommand } from './profile';
import { runRegisterCommand } from './register';
import { runRetrainCommand } from './retrain';
import { runTailCommand } from './tail';
import { runTopicsCommand } from './topics';
import { runVersionsCommand } from './versions';

export const USAGE = `usage: continuum <command> [arguments]   (continuum <command> --help for each)

  models list                           the registered models
  versions list <model>                 a model's versions and their stages
  versions show <model> <version>       one version with its metrics and audit trail
  register <model> --contract <file>    register a model (contract, owner, retrain policy), and
                                        with --profile its deployed EXTERNAL version
  profile build --input <file> ...      a reference profile from a CSV, JSONL or Parquet sample
  retrain <model>                       a MANUAL retrain request (controller)
  promote <model> <version>             make a version champion now (promoter)
  reject <model> <version>              reject a version (promoter)
  rollback <model> [--to <version>]     the previous champion back (promoter)
  tail reports|promotions|retrain-requests [--model <id>]   what the loop reported and decided
  topics create|list                    Continuum's topic catalog on the cluster

Services: REGISTRY_URL, CONTROLLER_URL, PROMOTER_URL (local defaults), KAFKA_BROKERS and
SCHEMA_REGISTRY_URL; tokens REGISTRY_API_TOKEN, CONTROLLER_API_TOKEN, PROMOTER_API_TOKEN (else
the ones tools/continuum up generated in .cache/run/).
Exit codes: 0 done, 1 failed, 2 usage.
Local system (tools/continuum only): up, down, status, logs <service>.`;

type Command = (args: string[], env: NodeJS.ProcessEnv, io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  models: runModelsCommand,
  versions: runVersionsCommand,
  register: runRegisterCommand,
  profile: runProfileCommand,
  retrain: runRetrainCommand,
  promote: decisionCommand('promote'),
  reject: decisionCommand('reject'),
  rollback: decisionCommand('rollback'),
  tail: (args, env, io) => runTailCommand(args, env, io),
  topics: (args, env, io) => runTopicsCommand(args, env, io),
};

export async function runCli(args: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`continuum: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, env, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`continuum: ${error.message} (see: continuum ${name} --help)`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`continuum ${name}: ${error.message}`);
      return 1;
    }
    io.err(`continuum ${name}: ${failureText(error)}`);
    return 1;
  }
}

/** The error's message; for the registry's, what it answered (or that it could not be reached). */
function failureText(error: unknown): string {
  if (error instanceof RegistryHttpError) {
    return error.status === 0
      ? `the registry cannot be reached (${error.message}); is it running, and is REGISTRY_URL right?`
      : `the registry answered ${error.status} ${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errWrite: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
  }).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`continuum: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
