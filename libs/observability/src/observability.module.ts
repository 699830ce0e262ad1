import { Controller, type DynamicModule, Get, Global, Header, Module, Res } from '@nestjs/common';
import { type Response } from 'express';
import { HealthChecks } from './health';
import { JsonLogger, type Logger, createLogger } from './json-logger';
import { Metrics } from './metrics';

export const LOGGER = Symbol('pino logger');

@Controller('health')
class HealthController {
  constructor(private readonly health: HealthChecks) {}

  /** Combined view: 200 when ready, 503 otherwise. */
  @Get()
  async all(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.ready ? 200 : 503).json(report);
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.ready ? 200 : 503).json(report);
  }
}

@Controller('metrics')
class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    res.type(contentType).send(body);
  }
}

export interface ObservabilityOptions {
  service: string;
  logger?: Logger;
}

/** `/health` and `/metrics` plus the shared Metrics, HealthChecks and JSON logger providers. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const logger = options.logger ?? createLogger(options.service);
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: Metrics, useValue: new Metrics(options.service) },
        { provide: HealthChecks, useValue: new HealthChecks() },
        { provide: LOGGER, useValue: logger },
        { provide: JsonLogger, useValue: new JsonLogger(logger) },
      ],
      exports: [Metrics, HealthChecks, LOGGER, JsonLogger],
    };
  }
}
