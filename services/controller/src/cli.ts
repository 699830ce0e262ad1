/**
 * `npm run retrain -w @continuum/controller-service -- <modelId> [--mode FULL] [--window ...]`:
 * a MANUAL retrain request through the controller's HTTP API. Run with --help for the options.
 */
import { runRetrainCommand } from './cli/retrain-command';

runRetrainCommand(process.argv.slice(2), process.env, {
  fetch,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`retrain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
