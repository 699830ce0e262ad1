/**
 * Helpers for integration tests against the real Kafka broker and schema registry started by
 * `tools/infra up`. Every test uses topic and group names of its own, so tests never see each
 * other's records and can run against a long-lived broker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { ContractRegistry, EventCodecs, Topics, type TopicKey } from '@continuum/events';
import { waitForTopicLeaders } from '@continuum/kafka';

export { FixturePublisher, publishFixtures, type PublishFixturesOptions } from './publish-fixtures';

export const REPO_ROOT = join(__dirname, '..', '..');
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export function uniqueName(prefix: string): string {
  return `it-${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Env vars giving every Continuum topic a name private to one test. */
export function privateTopics(prefix: string): {
  names: Record<TopicKey, string>;
  env: Record<string, string>;
} {
  const base = uniqueName(prefix);
  const names = {} as Record<TopicKey, string>;
  const env: Record<string, string> = {};
  for (const [key, definition] of Object.entries(Topics) as Array<[TopicKey, (typeof Topics)[TopicKey]]>) {
    names[key] = `${base}.${definition.defaultName.replace(/^ct\./, '')}`;
    env[definition.env] = names[key];
  }
  return { names, env };
}

export function testKafka(clientId = 'integration-test'): Kafka {
  return new Kafka({ clientId, brokers: BROKERS, logLevel: logLevel.NOTHING });
}

export function testCodecs(): EventCodecs {
  return new EventCodecs(new ContractRegistry({ url: REGISTRY_URL }));
}

/**
 * Creates topics and resolves once every partition has a leader. kafkajs' own wait (waitForLeaders)
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded KRaft broker answers for a moment after a
 * creation, so the leaders are polled for (waitForTopicLeaders). A creation the loaded controller
 * answers with a retriable error (a timeout) may have happened anyway: it is retried, and a topic
 * that exists by then is not an error. Without `partitions`, the broker's default count applies.
 * `timeoutMs` is an upper bound against a hang, not an expected duration.
 */
export async function createTopics(
  kafka: Kafka,
  topics: Array<{ topic: string; partitions?: number }>,
  timeoutMs = 120_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await admin.createTopics({
          topics: topics.map((t) => ({
            topic: t.topic,
            replicationFactor: 1,
            ...(t.partitions === undefined ? {} : { numPartitions: t.partitions }),
          })),
          waitForLeaders: false,
          // The broker's own wait for the creation; under kafkajs' 30 s request timeout.
          timeout: 20_000,
        });
        break;
      } catch (error) {
        if (!creationRetriable(error) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const counted = await waitFor(
      `the partition counts of ${topics.map((t) => t.topic).join(', ')}`,
      () => partitionCounts(admin, topics),
      { timeoutMs: Math.max(1, deadline - Date.now()), intervalMs: 100 },
    );
    await waitForTopicLeaders(admin, counted, Math.max(1, deadline - Date.now()));
  } finally {
    await admin.disconnect();
  }
}

/** A retriable error, or errors each retriable or saying the topic exists (created by an earlier try). */
function creationRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; type?: string; errors?: unknown[] };
  if (e.retriable === true) return true;
  return (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every(
      (inner) => (inner as { type?: string }).type === 'TOPIC_ALREADY_EXISTS' || creationRetriable(inner),
    )
  );
}

/** The topics with their partition counts (the broker's, where none was asked for), once all are known. */
async function partitionCounts(
  admin: Admin,
  topics: Array<{ topic: string; partitions?: number }>,
): Promise<Array<{ topic: string; partitions: number }> | undefined> {
  if (topics.every((t) => t.partitions !== undefined)) {
    return topics.map((t) => ({ topic: t.topic, partitions: t.partitions as number }));
  }
  const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
  const counted = topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions ?? found.find((f) => f.name === t.topic)?.partitions.length ?? 0,
  }));
  return counted.every((t) => t.partitions > 0) ? counted : undefined;
}

/**
 * Polls `probe` until it returns something other than undefined or false. `timeoutMs` is an upper
 * bound against a hang, not an expected duration: it costs nothing when the condition comes early,
 * and the default leaves room for a machine several times slower than an idle one (CI runs two
 * spec files at once on two cores shared with the broker, the registry and the services).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 120_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Sum of the committed offsets of a group on a topic, and the topic's end offsets. */
export async function groupProgress(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const sum = (values: string[]) => values.reduce((a, v) => a + Math.max(0, Number(v)), 0);
    return {
      committed: sum(committed?.partitions.map((p) => p.offset) ?? []),
      end: sum(ends.map((e) => e.high)),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Records on a topic (sum of its partitions' end offsets): exact, whatever was or was not read. */
export async function recordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Reads every record of a topic from the beginning until `count` were seen. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 120_000,
): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const seen: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => void seen.push({ ...message, partition }),
  });
  try {
    await waitFor(`${count} records on ${topic} (saw ${seen.length})`, () => seen.length >= count, {
      timeoutMs,
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A Continuum service (or test fixture) running as a child process, as in production. */
export class ServiceProcess {
  readonly output: string[] = [];
  private exit: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly baseUrl: string | undefined,
  ) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Starts `services/<service>/src/main.ts` and waits until /health reports ready. `preferBuilt`
   * (benchmarks): the built `dist/main.js` when there is one, run without the TypeScript loader as
   * deployed (its memory is the service's own); the sources otherwise, with a note on stderr.
   */
  static async startService(
    service: string,
    env: Record<string, string>,
    readyTimeoutMs = 120_000,
    options: { preferBuilt?: boolean } = {},
  ): Promise<ServiceProcess> {
    const port = await freePort();
    const built = join(REPO_ROOT, 'services', service, 'dist', 'main.js');
    const useBuilt = options.preferBuilt === true && existsSync(built);
    if (options.preferBuilt && !useBuilt)
      process.stderr.write(`${service}: no ${built} (npm run build), running the sources through swc\n`);
    const script = useBuilt ? built : join(REPO_ROOT, 'services', service, 'src', 'main.ts');
    const proc = ServiceProcess.spawnScript(service, script, { HTTP_PORT: String(port), ...env }, !useBuilt);
    const started = new ServiceProcess(service, proc, `http://127.0.0.1:${port}`);
    await waitFor(
      `${service} to become ready`,
      async () => {
        if (proc.exitCode !== null)
          throw new Error(`${service} exited with ${proc.exitCode}:\n${started.output.join('\n')}`);
        const res = await fetch(`${started.baseUrl}/health/ready`);
        return res.status === 200;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200 },
    ).catch((error: unknown) => {
      proc.kill('SIGKILL');
      throw new Error(`${String(error)}\n--- ${service} output ---\n${started.output.slice(-40).join('\n')}`);
    });
    return started;
  }

  /** Runs any TypeScript file (e.g. a test fixture) in a child process. */
  static startScript(name: string, script: string, env: Record<string, string>): ServiceProcess {
    return new ServiceProcess(name, ServiceProcess.spawnScript(name, script, env), undefined);
  }

  private static spawnScript(
    _name: string,
    script: string,
    env: Record<string, string>,
    typescript = true,
  ): ChildProcess {
    return spawn(process.execPath, typescript ? ['-r', '@swc-node/register', script] : [script], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const body = await (await fetch(`${this.baseUrl}/metrics`)).text();
    return sumSeries(body, name, labels);
  }

  /** `/health/ready`: its status and the checks that failed, by name, with their details. */
  async readiness(): Promise<{ ready: boolean; failing: Record<string, string> }> {
    const res = await fetch(`${this.baseUrl}/health/ready`);
    const body = (await res.json()) as { checks?: Record<string, { ok: boolean; detail?: string }> };
    const failing: Record<string, string> = {};
    for (const [name, check] of Object.entries(body.checks ?? {}))
      if (!check.ok) failing[name] = check.detail ?? '';
    return { ready: res.status === 200, failing };
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code (null when killed by a signal). */
  exited(): Promise<number | null> {
    return this.exit;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}

/** Sums the samples of a metric whose labels include `labels`, from Prometheus text format. */
export function sumSeries(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (matches) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
