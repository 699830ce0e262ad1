import { type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory, Reflector } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import {
  ConfigError,
  type LoggingConfig,
  loadLoggingConfig,
  loggingConfigSpec,
  resolveLogFormat,
} from '@continuum/config';
import { type DirectJsonRoute, serveDirectRoutes } from './direct-json-route';
import { HealthChecks } from './health';
import { JsonBodyGuard } from './json-body.guard';
import { JsonLogger, createLogger } from './json-logger';

export interface RunServiceOptions {
  service: string;
  httpHost: string;
  httpPort: number;
  /** Largest JSON body in bytes (default 100 KB, Express's); larger ones are answered 413. */
  jsonBodyLimit?: number;
  /** Runs on the application before it listens and initialises (e.g. other body parsers). */
  configure?: (app: INestApplication) => void;
  /**
   * Hot JSON routes served by Node's HTTP server in front of Express once the service has started
   * (see DirectJsonRoute); the same routes must also exist as NestJS routes.
   */
  directRoutes?: (app: INestApplication) => readonly DirectJsonRoute[];
}

/**
 * Answers HTTP while the application initialises (providers connect to Kafka and the schema
 * registry, which may take as long as the start-up wait): `/health/live` is 200 at once, so an
 * orchestrator does not restart a service that is only waiting; readiness stays false, and every
 * other route 503, until initialisation has finished.
 */
export class StartupGate {
  private open = false;

  constructor(private readonly health: HealthChecks) {
    health.addReadinessCheck('startup', () =>
      this.open
        ? { ok: true }
        : { ok: false, detail: 'starting: connecting to Kafka and the schema registry' },
    );
  }

  opened(): void {
    this.open = true;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.open) return next();
    if (req.path === '/health/live') {
      res.status(200).json({ status: 'ok' });
      return;
    }
    if (req.path === '/health' || req.path === '/health/ready') {
      this.health.report().then(
        (report) => res.status(503).json(report),
        (error: unknown) => next(error),
      );
      return;
    }
    res.status(503).json({ status: 'starting', detail: 'the service is still starting' });
  };
}

/**
 * Starts a NestJS service the way every Continuum service starts: JSON logs, shutdown hooks
 * (SIGTERM/SIGINT close the app: providers finish their batch and commit, then exit 0), `/health`
 * and `/metrics` on the HTTP port. The port is served before the providers connect (see
 * StartupGate); readiness turns false again as soon as shutdown begins.
 */
export async function runService(
  module: Parameters<typeof NestFactory.create>[0],
  options: RunServiceOptions,
): Promise<INestApplication> {
  const logger = new JsonLogger(createLogger(options.service));
  const app = await NestFactory.create(module, { logger, bufferLogs: true });
  app.useLogger(logger);
  // Every JSON media type the body guard accepts is parsed: Express's default parser reads only
  // application/json and would hand a route nothing for application/*+json.
  (app as NestExpressApplication).useBodyParser('json', {
    type: ['application/json', 'application/*+json'],
    limit: options.jsonBodyLimit ?? 100 * 1024,
  });
  options.configure?.(app);
  app.useGlobalGuards(new JsonBodyGuard(app.get(Reflector)));
  const health = app.get(HealthChecks, { strict: false });
  const gate = new StartupGate(health);
  app.use(gate.middleware);
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
  // Listening first and initialising second (app.listen does the reverse) is what lets
  // /health/live answer while the Kafka runtime waits for its dependencies.
  const server = app.getHttpServer() as import('node:http').Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.httpPort, options.httpHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // What app.listen would have done: mark the adapter listening and write the buffered logs.
  app.get(HttpAdapterHost).listening = true;
  app.flushLogs();
  logger.log(
    { msg: 'serving /health/live while starting', httpHost: options.httpHost, httpPort: options.httpPort },
    'Bootstrap',
  );
  await app.init();
  if (options.directRoutes)
    serveDirectRoutes(server, options.directRoutes(app), (error) =>
      logger.error(error instanceof Error ? error : String(error), 'DirectJsonRoute'),
    );
  gate.opened();
  logger.log({ msg: 'service started', httpHost: options.httpHost, httpPort: options.httpPort }, 'Bootstrap');
  return app;
}

/**
 * Runs `main` and turns a start-up failure (bad configuration, unreachable broker) into a clear
 * report and exit 1. LOG_LEVEL and LOG_FORMAT are checked first, like any other setting.
 * Configuration problems are printed as plain text on a terminal and as one JSON line otherwise.
 */
export function startOrExit(service: string, main: () => Promise<unknown>): void {
  let logging: LoggingConfig;
  try {
    logging = loadLoggingConfig(service);
  } catch (error) {
    // Report in the format asked for when only the level is wrong.
    const format = loggingConfigSpec.format.parse(process.env.LOG_FORMAT || 'auto');
    reportStartFailure(service, error, { level: 'info', format: 'value' in format ? format.value : 'auto' });
    return;
  }
  main().catch((error: unknown) => reportStartFailure(service, error, logging));
}

function reportStartFailure(service: string, error: unknown, logging: LoggingConfig): void {
  const text = resolveLogFormat(logging.format, process.stdout.isTTY === true) === 'text';
  if (error instanceof ConfigError && text) {
    process.stderr.write(`${service} did not start. ${error.message}\n`);
  } else if (error instanceof ConfigError) {
    createLogger(service, logging).fatal(
      { problems: error.problems },
      `${service} failed to start: invalid configuration: ${error.problems.join('; ')}`,
    );
  } else {
    createLogger(service, logging).fatal(
      { err: error },
      `${service} failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
}
