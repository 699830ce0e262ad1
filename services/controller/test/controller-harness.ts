/**
 * Runs the controller as a child process against the real broker and registry, with topics, group
 * and policy file private to one test, and publishes synthetic reports as the monitor and the
 * evaluator would (Avro, keyed by modelId).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import {
  type Contract,
  type DriftReport,
  DriftReportContract,
  type PerformanceReport,
  PerformanceReportContract,
  type RetrainRequest,
  RetrainRequestContract,
  Topics,
  type TopicKey,
} from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  privateTopics,
  publishFixtures,
  readTopic,
  recordCount,
  testCodecs,
  uniqueName,
  waitFor,
} from '@continuum/testing';

export const API_TOKEN = 'integration-test-token-0123456789';

export interface ControllerUnderTest {
  names: Record<TopicKey, string>;
  stateTopic: string;
  env: Record<string, string>;
  process: ServiceProcess;
}

export function writePolicy(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'controller-policy-')), 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Topics and env of a fresh controller deployment (not started). */
export async function prepareController(
  kafka: Kafka,
  prefix: string,
  policyYaml: string,
): Promise<Omit<ControllerUnderTest, 'process'>> {
  const { names, env } = privateTopics(prefix);
  const stateTopic = `${names.retrainRequests}.controller-state`;
  await createTopics(
    kafka,
    (['driftReports', 'performance', 'retrainRequests', 'deadLetter'] as const).map((key) => ({
      topic: names[key],
      partitions: Topics[key].partitions,
    })),
  );
  return {
    names,
    stateTopic,
    env: {
      ...env,
      CT_TOPIC_CONTROLLER_STATE: stateTopic,
      CONTROLLER_POLICY_FILE: writePolicy(policyYaml),
      CONTROLLER_API_TOKEN: API_TOKEN,
      CONTROLLER_GROUP_ID: uniqueName('controller'),
      CONTROLLER_TICK_MS: '200',
      // The broker's minimum: a SIGKILLed instance's partitions are reassigned after 6 s.
      CONTROLLER_SESSION_TIMEOUT_MS: '6000',
    },
  };
}

export async function startController(
  kafka: Kafka,
  prefix: string,
  policyYaml: string,
): Promise<ControllerUnderTest> {
  const prepared = await prepareController(kafka, prefix, policyYaml);
  return { ...prepared, process: await ServiceProcess.startService('controller', prepared.env) };
}

async function publish<T extends { modelId: string }>(
  kafka: Kafka,
  topic: string,
  contract: Contract<T>,
  values: T[],
): Promise<void> {
  const encoder = await testCodecs().encoderFor(topic, contract);
  await publishFixtures(
    kafka,
    topic,
    values.map((v) => ({ key: v.modelId, value: encoder.encode(v) })),
  );
}

export function publishDriftReports(
  kafka: Kafka,
  c: ControllerUnderTest,
  reports: DriftReport[],
): Promise<void> {
  return publish(kafka, c.names.driftReports, DriftReportContract, reports);
}

export function publishPerformanceReports(
  kafka: Kafka,
  c: ControllerUnderTest,
  reports: PerformanceReport[],
): Promise<void> {
  return publish(kafka, c.names.performance, PerformanceReportContract, reports);
}

export { recordCount } from '@continuum/testing';

/** Every retrain request on the topic, decoded. */
export async function retrainRequests(kafka: Kafka, topic: string): Promise<RetrainRequest[]> {
  const count = await recordCount(kafka, topic);
  if (count === 0) return [];
  const messages = await readTopic(kafka, topic, count);
  const decoder = testCodecs().decoderFor(RetrainRequestContract);
  await decoder.prepare(messages.map((m) => m.value));
  return messages.map((m) => decoder.decode(m.value)).sort((a, b) => a.requestedAt - b.requestedAt);
}

/** Waits until the controller has applied (or ignored) this many reports of a topic. */
export function reportsConsumed(c: ControllerUnderTest, topic: 'drift-report' | 'performance', n: number) {
  return waitFor(`the controller to consume ${n} ${topic} reports`, async () => {
    const seen = await c.process.metric('continuum_controller_reports_total', { topic });
    return seen >= n && seen;
  });
}

/**
 * Waits on the controller's progress, not on a quiet period: the group has committed every report
 * on both report topics (a batch is committed only after its state changes are applied and the
 * pending-requests gauge refreshed), then no request is pending (a pending request leaves the
 * gauge only once it is on the topic). Every request the reports so far can cause has been emitted.
 * Decisions taken on the controller's tick (estimates past their labels' horizon, schedules) are
 * covered when the caller first waits for the counter of that decision: the controller sets the
 * gauge in the same step as the counter, before it publishes the request.
 */
export async function settled(kafka: Kafka, c: ControllerUnderTest): Promise<void> {
  await waitFor('every report to be committed by the controller', async () => {
    for (const topic of [c.names.driftReports, c.names.performance]) {
      const { committed, end } = await groupProgress(kafka, c.env.CONTROLLER_GROUP_ID, topic);
      if (committed < end) return false;
    }
    return true;
  });
  await waitFor('pending requests to be emitted', async () => {
    const pending = await c.process.metric('continuum_controller_pending_requests');
    return pending === 0;
  });
}
