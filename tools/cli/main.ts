/**
 * The operator's command line, run as `tools/continuum <command>` (the same script that starts
 * the local system). Each command lives in its own file under tools/cli/.
 */
import { ConfigError } from '@continuum/config';
import { type CommandIo, UsageError } from './command';
import { runTopicsCommand } from './topics';

const USAGE = `usage: continuum <command> [arguments]

  topics create|list   Continuum's topic catalog on the cluster (see: continuum topics --help)

Local system (tools/continuum only): up, down, status, logs <service>.`;

const COMMANDS: Record<string, (args: string[], env: NodeJS.ProcessEnv, io: CommandIo) => Promise<number>> = {
  topics: runTopicsCommand,
};

export async function runCli(args: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
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
    io.err(`continuum ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
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
