import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthChecks } from './health';
import { JsonLogger, createLogger } from './json-logger';

export interface RunServiceOptions {
  service: string;
  httpHost: string;
  httpPort: number;
}

/**
 * Starts a NestJS service the way every Continuum service starts: JSON logs, shutdown hooks
 * (SIGTERM/SIGINT close the app: providers finish their batch and commit, then exit 0), `/health` and `/metrics` on the
 * HTTP port. Readiness turns false as soon as shutdown begins.
 */
export async function runService(
  module: Parameters<typeof NestFactory.create>[0],
  options: RunServiceOptions,
): Promise<INestApplication> {
  const logger = new JsonLogger(createLogger(options.service));
  const app = await NestFactory.create(module, { logger, bufferLogs: true });
  app.useLogger(logger);
  const health = app.get(HealthChecks, { strict: false });
  // Nest's own shutdown hooks re-raise the signal after closing, so the process ends "killed";
  // closing the app ourselves runs the same hooks and ends with exit code 0 once all committed.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      health.markShuttingDown();
      logger.log({ msg: 'shutting down', signal }, 'Bootstrap');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(error instanceof Error ? error : String(error), 'Bootstrap');
          process.exit(1);
        },
      );
    });
  }
  await app.listen(options.httpPort, options.httpHost);
  logger.log({ msg: 'service started', httpHost: options.httpHost, httpPort: options.httpPort }, 'Bootstrap');
  return app;
}

/** Runs `main` and turns a start-up failure (bad configuration, unreachable broker) into one clear log line and exit 1. */
export function startOrExit(service: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const logger = createLogger(service);
    logger.fatal(
      { err: error },
      `${service} failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}
