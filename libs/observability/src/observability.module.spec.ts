import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { HealthChecks } from './health';
import { JsonLogger } from './json-logger';
import { Metrics } from './metrics';
import { ObservabilityModule } from './observability.module';

describe('ObservabilityModule', () => {
  let app: INestApplication;
  let base: string;
  let kafkaUp = false;

  beforeAll(async () => {
    @Module({
      imports: [ObservabilityModule.forRoot({ service: 'test-svc', logger: pino({ enabled: false }) })],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app
      .get(HealthChecks)
      .addReadinessCheck('kafka', () => ({ ok: kafkaUp, detail: kafkaUp ? 'joined' : 'not connected' }));
    app
      .get(Metrics)
      .counter('continuum_test_events_total', 'test events', ['model_id'])
      .inc({ model_id: 'm1' }, 3);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  it('serves Prometheus metrics without an in-app service label (the scrape target names the service), default metrics without the _total gauges', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('continuum_test_events_total{model_id="m1"} 3');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_active_resources{type=');
    expect(body).not.toMatch(/^nodejs_active_\w+_total/m);
    expect(body).not.toContain('service=');
  });

  it('reports readiness from registered checks: 503 until Kafka is up, then 200', async () => {
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      ready: false,
      checks: { kafka: { ok: false, detail: 'not connected' } },
    });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    kafkaUp = true;
    const up = await fetch(`${base}/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ok', live: true, ready: true });
  });
});

describe('HealthChecks', () => {
  it('is unready when a check throws, and after shutdown begins', async () => {
    const health = new HealthChecks();
    health.addReadinessCheck('ok', () => ({ ok: true }));
    expect((await health.report()).ready).toBe(true);
    health.addReadinessCheck('boom', () => {
      throw new Error('broker gone');
    });
    expect((await health.report()).checks.boom).toEqual({ ok: false, detail: 'broker gone' });
    const fresh = new HealthChecks();
    fresh.markShuttingDown();
    expect(await fresh.report()).toMatchObject({ ready: false, checks: { shutdown: { ok: false } } });
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line with level, service, context and error', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = new JsonLogger(
      pino({ base: { service: 'svc' }, formatters: { level: (l) => ({ level: l }) } }, sink),
    );
    logger.log('started', 'Bootstrap');
    logger.error(new Error('bad'), 'Consumer');
    logger.warn({ msg: 'lag', lag: 5 });
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ level: 'info', service: 'svc', context: 'Bootstrap', msg: 'started' });
    expect(parsed[1]).toMatchObject({
      level: 'error',
      context: 'Consumer',
      msg: 'bad',
      err: { message: 'bad' },
    });
    expect(parsed[2]).toMatchObject({ level: 'warn', msg: 'lag', lag: 5 });
  });
});
