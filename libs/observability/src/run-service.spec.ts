import 'reflect-metadata';
import { type INestApplication, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ObservabilityModule } from './observability.module';
import { runService } from './run-service';
import { freePort } from '../test/free-port';

/** A provider whose bootstrap waits until the test lets it go, like a Kafka runtime waiting for its broker. */
let release: () => void = () => undefined;
@Injectable()
class SlowDependency implements OnApplicationBootstrap {
  onApplicationBootstrap(): Promise<void> {
    return new Promise((resolve) => (release = resolve));
  }
}

@Module({
  imports: [ObservabilityModule.forRoot({ service: 'gate-test' })],
  providers: [SlowDependency],
})
class SlowModule {}

describe('runService', () => {
  let app: INestApplication | undefined;
  const previousLevel = process.env.LOG_LEVEL;

  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env.LOG_LEVEL = previousLevel;
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    await app?.close();
  });

  it('serves /health/live while providers connect, and readiness once they have', async () => {
    const port = await freePort();
    const started = runService(SlowModule, { service: 'gate-test', httpHost: '127.0.0.1', httpPort: port });
    // runService binds the port before the application initialises: wait until it answers.
    while (
      !(await fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.startup.ok).toBe(
      false,
    );
    expect((await fetch(`${base}/metrics`)).status).toBe(503);

    release();
    app = await started;
    const after = await fetch(`${base}/health/ready`);
    expect(after.status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });
});

describe('startOrExit', () => {
  /** A service whose main would start fine, run with the given environment in a child process. */
  function start(env: Record<string, string>) {
    const script =
      "require('./libs/observability/src/run-service').startOrExit('svc', async () => undefined)";
    return spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
  }

  it('reports a LOG_LEVEL typo as a configuration error, readable as text', () => {
    const run = start({ LOG_LEVEL: 'infoo', LOG_FORMAT: 'text' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'svc did not start. Invalid configuration for svc:\n' +
        '  - LOG_LEVEL="infoo" must be one of fatal, error, warn, info, debug, trace, silent\n',
    );
  });

  it('reports it as one JSON line when the output is not a terminal', () => {
    const run = start({ LOG_LEVEL: 'infoo' });
    expect(run.status).toBe(1);
    const entry = JSON.parse(run.stdout.trim()) as { level: string; msg: string; problems: string[] };
    expect(entry.level).toBe('fatal');
    expect(entry.problems).toEqual([
      'LOG_LEVEL="infoo" must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
