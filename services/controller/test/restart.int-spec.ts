/**
 * Recovery: the controller killed with SIGKILL between reports, while a request is pending, and
 * right after a request was emitted, loses no consecutive-window count and emits no request twice.
 */
import { type Kafka } from 'kafkajs';
import { ServiceProcess, groupProgress, testKafka, waitFor } from '@continuum/testing';
import {
  type ControllerUnderTest,
  publishPerformanceReports,
  recordCount,
  reportsConsumed,
  retrainRequests,
  settled,
  startController,
} from './controller-harness';
import { performanceReport } from './report-fixtures';

const POLICY = `
models:
  churn:
    cooldown: 1h
    # Long enough that the pending request is still pending when the test has seen its report
    # committed, on a loaded machine (the check below); the restart that follows outlasts most of it.
    dedupInterval: 20s
    performance: { metric: accuracy, threshold: 0.8, consecutiveWindows: 3, minLabelled: 1 }
`;

describe('controller restarts on the real broker', () => {
  let kafka: Kafka;
  let controller: ControllerUnderTest | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await controller?.process.stop();
  });

  /** SIGKILL, then a new process with the same configuration (group, topics, state topic). */
  async function killAndRestart(c: ControllerUnderTest): Promise<void> {
    c.process.kill('SIGKILL');
    expect(await c.process.exited()).toBeNull();
    c.process = await ServiceProcess.startService('controller', c.env, 180_000);
  }

  async function committed(c: ControllerUnderTest): Promise<void> {
    await waitFor('the performance reports to be committed', async () => {
      const { committed, end } = await groupProgress(kafka, c.env.CONTROLLER_GROUP_ID, c.names.performance);
      return end > 0 && committed === end;
    });
  }

  it('(e) SIGKILL between reports, with a request pending, and after emitting: count kept, request emitted once', async () => {
    controller = await startController(kafka, 'ctl-restart', POLICY);
    const c = controller;
    const breaches = () =>
      c.process.metric('continuum_controller_consecutive_breaches', { model_id: 'churn' });

    // Two breaching windows, checkpointed and committed; then the process dies.
    await publishPerformanceReports(kafka, c, [
      performanceReport('churn', 0, { accuracy: 0.7 }),
      performanceReport('churn', 1, { accuracy: 0.71 }),
    ]);
    await committed(c);
    await waitFor('the count to reach 2', async () => (await breaches()) === 2);
    await killAndRestart(c);
    await waitFor('the count to come back from the state topic', async () => (await breaches()) === 2);

    // The third window fires; the request waits out its 20 s de-duplication interval. Kill it then.
    await publishPerformanceReports(kafka, c, [performanceReport('churn', 2, { accuracy: 0.69 })]);
    await committed(c);
    expect(await c.process.metric('continuum_controller_pending_requests')).toBe(1);
    expect(await recordCount(kafka, c.names.retrainRequests)).toBe(0);
    await killAndRestart(c);

    // The restored pending request goes out once; kill the process as soon as it is on the topic.
    await waitFor(
      'the restored request',
      async () => (await recordCount(kafka, c.names.retrainRequests)) === 1,
      {
        intervalMs: 20,
      },
    );
    await killAndRestart(c);

    // Another breaching window: the trigger is disarmed (hysteresis) and nothing is emitted again.
    await publishPerformanceReports(kafka, c, [performanceReport('churn', 3, { accuracy: 0.6 })]);
    await reportsConsumed(c, 'performance', 1);
    await settled(kafka, c);
    expect(
      await c.process.metric('continuum_controller_signals_suppressed_total', {
        model_id: 'churn',
        guard: 'hysteresis',
      }),
    ).toBe(1);
    const requests = await retrainRequests(kafka, c.names.retrainRequests);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ modelId: 'churn', reason: 'PERFORMANCE' });
    expect(requests[0].evidence.map((e) => e.reference)).toEqual([
      'perf-churn-1-0',
      'perf-churn-1-1',
      'perf-churn-1-2',
    ]);
    expect(await breaches()).toBe(4);
  });

  it('a cron schedule fires at most once per slot, also across a SIGKILL restart', async () => {
    controller = await startController(
      kafka,
      'ctl-schedule',
      `
models:
  churn:
    cooldown: 0
    dailyBudget: 1000
    dedupInterval: 0
    schedule: { cron: '*/2 * * * * *' }   # every 2 seconds (6 fields: seconds first)
`,
    );
    const c = controller;
    const count = () => recordCount(kafka, c.names.retrainRequests);
    await waitFor('three scheduled requests', async () => (await count()) >= 3, { timeoutMs: 120_000 });
    await killAndRestart(c);
    const afterRestart = await count();
    await waitFor('two more after the restart', async () => (await count()) >= afterRestart + 2, {
      timeoutMs: 120_000,
    });
    expect(await c.process.stop()).toBe(0);

    const requests = await retrainRequests(kafka, c.names.retrainRequests);
    expect(
      requests.every((r) => r.reason === 'SCHEDULE' && r.evidence[0].reference === '*/2 * * * * *'),
    ).toBe(true);
    const slots = requests.map((r) => r.evidence[0].values.slot);
    expect(new Set(slots).size).toBe(slots.length); // never twice for one slot
    expect(slots.every((s) => s % 2000 === 0)).toBe(true);
    expect([...slots].sort((a, b) => a - b)).toEqual(slots); // in slot order
  });
});
