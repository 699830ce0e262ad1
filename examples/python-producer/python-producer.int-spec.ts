/**
 * The Python producer example (confluent-kafka + AvroSerializer) against the real broker and
 * registry: its predictions and labels, published as a team's own service would, are decoded,
 * joined and reported by Continuum's evaluator running as a process.
 *
 * The partitioner: the evaluator joins partition p of ct.predictions with partition p of ct.labels,
 * and Continuum's own producers (kafkajs) and Java clients put a key on murmur2(key) % partitions.
 * With librdkafka's default partitioner (consistent_random: CRC32(key) % partitions) the example's
 * predictions and labels would still meet each other, but not a label published by any other
 * client; so this test checks the partition of every record the example wrote against murmur2, and
 * shows that CRC32 would have put some of these very keys elsewhere (the check fails for it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { type Kafka, Partitioners } from 'kafkajs';
import {
  LabelledExampleContract,
  type PerformanceReport,
  PerformanceReportContract,
  Topics,
} from '@continuum/events';
import {
  BROKERS,
  REGISTRY_URL,
  REPO_ROOT,
  ServiceProcess,
  privateTopics,
  readTopic,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  HOUR,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  stateDir,
  ticks,
} from '../../services/evaluator/test/evaluator-fixtures';

const EXAMPLE = join(REPO_ROOT, 'examples', 'python-producer');
const EVENTS = 120;
const PARTITIONS = Topics.predictions.partitions;

function log(message: string): void {
  process.stdout.write(`[python-producer] ${message}\n`);
}

/** The example's virtualenv, installed once per version of requirements.txt (as tools/infra's S3 venv). */
function pythonVenv(): string {
  const requirements = join(EXAMPLE, 'requirements.txt');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(REPO_ROOT, '.cache', 'examples', `python-producer-venv-${hash}`);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.complete'))) return python;
  log(`installing requirements.txt into ${venv.slice(REPO_ROOT.length + 1)} (first use only)`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(join(REPO_ROOT, '.cache', 'examples'), { recursive: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirements],
    { stdio: 'inherit' },
  );
  writeFileSync(join(venv, '.complete'), '');
  return python;
}

/** Runs the example, echoing its output; fails with its output when it fails or takes over 2 min. */
function runPython(python: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) log(`producer.py: ${line}`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`producer.py exited with ${code ?? signal}:\n${stdout}\n${stderr}`));
    });
  });
}

/** The partition Java clients and kafkajs choose for a key: murmur2(key) % partitions. */
function murmur2Partition(key: string): number {
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, i) => ({
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('examples/python-producer: a Python service publishing to Continuum', () => {
  let kafka: Kafka;
  let evaluator: ServiceProcess | undefined;
  const collectors: Array<TopicCollector<unknown>> = [];
  const dirs: string[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    await evaluator?.stop();
    for (const c of collectors) await c.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('publishes predictions and labels that the evaluator joins and reports, on the murmur2 partitions', async () => {
    const python = pythonVenv();
    const { names, env } = privateTopics('python-producer');
    await createEvaluatorTopics(kafka, names);
    const dir = stateDir();
    dirs.push(dir);
    log('starting the evaluator');
    evaluator = await ServiceProcess.startService('evaluator', {
      ...env,
      EVALUATOR_GROUP_ID: uniqueName('evaluator'),
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1h',
    });

    const runId = uniqueName('run');
    const modelId = uniqueName('house-prices');
    log(`running producer.py: ${EVENTS} predictions, then their labels`);
    const stdout = await runPython(
      python,
      [join(EXAMPLE, 'producer.py'), '--events', String(EVENTS), '--run-id', runId, '--model-id', modelId],
      {
        KAFKA_BROKERS: BROKERS.join(','),
        SCHEMA_REGISTRY_URL: REGISTRY_URL,
        CT_TOPIC_PREDICTIONS: names.predictions,
        CT_TOPIC_LABELS: names.labels,
      },
    );
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { events: number };
    expect(summary.events).toBe(EVENTS);

    // Every record is where a Java or kafkajs producer would have put its key.
    const records = [
      ...(await readTopic(kafka, names.predictions, EVENTS)),
      ...(await readTopic(kafka, names.labels, EVENTS)),
    ];
    expect(records).toHaveLength(2 * EVENTS);
    const misplaced = records.flatMap((r) => {
      const key = r.key?.toString() ?? '';
      const want = murmur2Partition(key);
      return r.partition === want ? [] : [`${key} on partition ${r.partition}, murmur2 says ${want}`];
    });
    expect(misplaced).toEqual([]);
    // ... which librdkafka's default (CRC32) would not have done: the check above discriminates.
    const keys = records.map((r) => r.key?.toString() ?? '');
    expect(keys.filter((k) => crc32(k) % PARTITIONS !== murmur2Partition(k)).length).toBeGreaterThan(0);
    log(`all ${records.length} records on their murmur2 partitions`);

    // Joined: one example per prediction, with its label.
    const examples = new TopicCollector(kafka, names.examples, LabelledExampleContract);
    const reports = new TopicCollector(kafka, names.performance, PerformanceReportContract);
    collectors.push(examples as TopicCollector<unknown>, reports as TopicCollector<unknown>);
    await examples.start();
    await reports.start();
    const joined = () =>
      new Set(examples.values.filter((e) => e.value.modelId === modelId).map((e) => e.value.eventId));
    await waitFor(`${EVENTS} joined examples (saw ${joined().size})`, () => joined().size >= EVENTS, {
      timeoutMs: 60_000,
    });
    expect([...joined()].sort()).toEqual(Array.from({ length: EVENTS }, (_, i) => `${runId}-${i}`).sort());
    log(`${EVENTS} predictions joined with their labels on ${names.examples}`);

    // Reported: the evaluator's windows are event-time, so a window closes when later events pass
    // its end on every partition — here a prediction and label of another model on each partition,
    // two hours later, as the example's own stream would bring them in production.
    await produceInTimeOrder(kafka, names, ticks(Date.now() + 2 * HOUR));
    const byId = () => {
      const unique = new Map<string, PerformanceReport>();
      for (const { value } of reports.values)
        if (value.modelId === modelId) unique.set(value.reportId, value);
      return [...unique.values()];
    };
    const labelled = () => byId().reduce((sum, r) => sum + r.labelledCount, 0);
    await waitFor(`reports covering ${EVENTS} pairs (saw ${labelled()})`, () => labelled() >= EVENTS, {
      timeoutMs: 60_000,
    });
    expect(labelled()).toBe(EVENTS);
    expect(byId().reduce((sum, r) => sum + r.predictionCount, 0)).toBe(EVENTS);
    // The 120 events span two minutes, so they can straddle a window boundary; a window whose events
    // were all labelled in another window's report has no pairs and so no MAE.
    const withPairs = byId().filter((r) => r.labelledCount > 0);
    expect(withPairs.length).toBeGreaterThan(0);
    for (const r of byId()) expect(r.task).toBe('REGRESSION');
    for (const r of withPairs) expect(r.metrics.mae).toBeGreaterThan(0);
    log(
      `reported on ${names.performance}: ${byId().length} window report(s), mae ${withPairs[0].metrics.mae}`,
    );
  });
});
