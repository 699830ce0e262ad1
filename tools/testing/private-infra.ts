/**
 * A Kafka broker and schema registry of one test run's own, for fault tests that kill them: the
 * shared ones (`tools/infra up` defaults) are used by everyone else and are never touched.
 *
 * It runs `tools/infra up` with another cache directory (its data, logs and pid files) and free
 * ports; the downloaded distributions are linked from the shared cache, so no download happens.
 * Its processes are stopped BY PID ONLY, after checking that the pid's command line names this
 * run's directory: `tools/infra down` must not be used here, because it also stops every JVM of
 * the checkout that carries the same marker, the shared broker included.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';

// No import of ./integration here: Jest's globalSetup loads this file without the module mapper,
// so it must not pull in the workspace packages.
const REPO_ROOT = join(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(
  what: string,
  done: () => boolean,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type InfraComponent = 'kafka' | 'registry' | 's3';

export interface PrivateInfra {
  readonly cacheDir: string;
  readonly ports: {
    readonly kafka: number;
    readonly controller: number;
    readonly registry: number;
    readonly management: number;
    /** `tools/infra up` also starts its S3 server; the fault tests do not use it. */
    readonly s3: number;
  };
  /** What clients use: KAFKA_BROKERS and SCHEMA_REGISTRY_URL. */
  readonly clientEnv: { readonly KAFKA_BROKERS: string; readonly SCHEMA_REGISTRY_URL: string };
}

/** Where the state of the run is handed from Jest's globalSetup to the tests and the teardown. */
export const PRIVATE_INFRA_ENV = 'CONTINUUM_PRIVATE_INFRA';

function infraEnv(infra: PrivateInfra): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONTINUUM_CACHE_DIR: infra.cacheDir,
    KAFKA_PORT: String(infra.ports.kafka),
    KAFKA_CONTROLLER_PORT: String(infra.ports.controller),
    SCHEMA_REGISTRY_PORT: String(infra.ports.registry),
    SCHEMA_REGISTRY_MANAGEMENT_PORT: String(infra.ports.management),
    S3_PORT: String(infra.ports.s3),
    S3_ENDPOINT: `http://127.0.0.1:${infra.ports.s3}`,
    ...infra.clientEnv,
  };
}

/**
 * `tools/infra up` for this run: starts whatever is not running, returns when all answer. It runs
 * the run's own copy of the script (taken at start): bash reads a script as it goes, and an edit
 * of tools/infra in the checkout while `up` runs would otherwise make it execute other lines.
 */
export function infraUp(infra: PrivateInfra): void {
  const run = spawnSync(join(infra.cacheDir, 'tools', 'infra'), ['up'], {
    env: infraEnv(infra),
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (run.status !== 0) {
    throw new Error(`tools/infra up (private, ${infra.cacheDir}) failed:\n${run.stdout}\n${run.stderr}`);
  }
}

/** The shared infrastructure's ports (`tools/infra up` defaults): a private run never takes one. */
const SHARED_PORTS = new Set([9092, 9093, 8081, 8091, 9000]);

async function privatePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!SHARED_PORTS.has(port)) return port;
  }
}

export async function startPrivateInfra(): Promise<PrivateInfra> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'continuum-faults-'));
  mkdirSync(join(cacheDir, 'tools'));
  copyFileSync(join(REPO_ROOT, 'tools', 'infra'), join(cacheDir, 'tools', 'infra'));
  chmodSync(join(cacheDir, 'tools', 'infra'), 0o755);
  symlinkSync(join(REPO_ROOT, 'tools', 'infra.d'), join(cacheDir, 'tools', 'infra.d'));
  // The distributions (and Maven's repository) come from the shared cache: linked, not copied.
  const shared = process.env.CONTINUUM_CACHE_DIR ?? join(REPO_ROOT, '.cache');
  mkdirSync(join(cacheDir, 'infra'), { recursive: true });
  if (existsSync(join(shared, 'm2'))) symlinkSync(join(shared, 'm2'), join(cacheDir, 'm2'));
  if (existsSync(join(shared, 'infra'))) {
    for (const entry of readdirSync(join(shared, 'infra'))) {
      if (/^(kafka-|apicurio-registry-|probe-|s3-venv-)/.test(entry))
        symlinkSync(join(shared, 'infra', entry), join(cacheDir, 'infra', entry));
    }
  }
  const ports = {
    kafka: await privatePort(),
    controller: await privatePort(),
    registry: await privatePort(),
    management: await privatePort(),
    s3: await privatePort(),
  };
  const infra: PrivateInfra = {
    cacheDir,
    ports,
    clientEnv: {
      KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    },
  };
  try {
    infraUp(infra);
  } catch (error) {
    await stopPrivateInfra(infra);
    throw error;
  }
  return infra;
}

/**
 * One consumer group joined on the just-started broker: its group coordinator answers "loading"
 * to the first joins while __consumer_offsets is created, which services treat as fatal at
 * start-up (a matter of the first-run issue, not what the fault tests test).
 */
export async function warmUpGroupCoordinator(infra: PrivateInfra, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({
    clientId: 'private-infra-warm-up',
    brokers: [infra.clientEnv.KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  });
  const topic = `warm-up-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: topic });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor('a consumer group on the private broker', () => joined, { timeoutMs, intervalMs: 200 });
  } finally {
    await consumer.disconnect();
  }
}

/** The pid of this run's component, only if its command line names this run's directory. */
export function pidOf(infra: PrivateInfra, component: InfraComponent): number | undefined {
  const file = join(infra.cacheDir, 'infra', 'run', `${component}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return cmdline.includes(infra.cacheDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to this run's component and waits until it has exited. */
export async function killComponent(
  infra: PrivateInfra,
  component: InfraComponent,
  signal: NodeJS.Signals,
  timeoutMs = 60_000,
): Promise<void> {
  const pid = pidOf(infra, component);
  if (pid === undefined) throw new Error(`the private ${component} is not running`);
  process.kill(pid, signal);
  await waitFor(`private ${component} (pid ${pid}) to exit after ${signal}`, () => !alive(pid), {
    timeoutMs,
    intervalMs: 100,
  });
}

/** Stops every component (SIGTERM, then SIGKILL) and deletes the run's directory. */
export async function stopPrivateInfra(infra: PrivateInfra): Promise<void> {
  for (const component of ['s3', 'registry', 'kafka'] as const) {
    const pid = pidOf(infra, component);
    if (pid === undefined) continue;
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`private ${component} to stop`, () => !alive(pid), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    } catch {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  // The links to the shared distributions are removed, not followed.
  rmSync(infra.cacheDir, { recursive: true, force: true });
}

/** The run's infrastructure, as globalSetup described it. */
export function privateInfra(): PrivateInfra {
  const json = process.env[PRIVATE_INFRA_ENV];
  if (!json) throw new Error(`${PRIVATE_INFRA_ENV} is not set: run fault tests with npm run test:faults`);
  return JSON.parse(json) as PrivateInfra;
}

/**
 * Stops every component at once (SIGKILL) and deletes the run's directory, synchronously: for a
 * run that is being interrupted, where there is no time to wait for a clean stop.
 */
export function stopPrivateInfraNow(infra: PrivateInfra): void {
  for (const component of ['s3', 'registry', 'kafka'] as const) {
    const pid = pidOf(infra, component);
    if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(infra.cacheDir, { recursive: true, force: true });
}
