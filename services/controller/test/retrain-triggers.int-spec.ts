/**
 * The controller on the real broker and registry, as a child process: synthetic drift and
 * performance reports in (performance estimated before labels arrive included), retrain requests out.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import { DeadLetterContract, DriftReportContract, type PerformanceReport, frame } from '@continuum/events';
import {
  REPO_ROOT,
  ServiceProcess,
  publishFixtures,
  readTopic,
  testCodecs,
  testKafka,
  waitFor,
} from '@continuum/testing';
import {
  API_TOKEN,
  type ControllerUnderTest,
  prepareController,
  publishDriftReports,
  publishPerformanceReports,
  recordCount,
  reportsConsumed,
  retrainRequests,
  settled,
  startController,
} from './controller-harness';
import { driftReport, estimatedMetric, estimatedReport, performanceReport } from './report-fixtures';

const SEC = 1000;

describe('controller on the real broker', () => {
  let kafka: Kafka;
  let controller: ControllerUnderTest | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await controller?.process.stop();
    controller = undefined;
  });

  it('(a) 3 drifted features with m=2 give exactly one DATA_DRIFT request; later drift inside the cooldown gives none; bad records are dead-lettered', async () => {
    controller = await startController(
      kafka,
      'ctl-drift',
      `
defaults:
  cooldown: 1h
  dedupInterval: 0
models:
  churn:
    drift: { minDriftedFeatures: 2, predictionDrift: false, rearmCleanReports: 1 }
`,
    );
    await publishDriftReports(kafka, controller, [driftReport('churn', 0, 3)]);
    await waitFor(
      'the DATA_DRIFT request',
      async () => (await recordCount(kafka, controller!.names.retrainRequests)) >= 1,
    );

    // Still drifted (held by hysteresis), clean (re-arms), drifted again (inside the cooldown).
    await publishDriftReports(kafka, controller, [
      driftReport('churn', 1, 5),
      driftReport('churn', 2, 0),
      driftReport('churn', 3, 4),
    ]);
    // Two records the controller cannot use: not Avro at all, and a report whose window ends before it starts.
    const encoder = await testCodecs().encoderFor(controller.names.driftReports, DriftReportContract);
    const backwards = { ...driftReport('churn', 4, 3), windowEnd: 0 };
    await publishFixtures(kafka, controller.names.driftReports, [
      { key: 'churn', value: Buffer.from('{"not":"avro"}') },
      { key: 'churn', value: frame(encoder.schemaId, DriftReportContract.type.toBuffer(backwards)) },
    ]);

    await reportsConsumed(controller, 'drift-report', 4);
    await settled(kafka, controller);
    const requests = await retrainRequests(kafka, controller.names.retrainRequests);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({
      modelId: 'churn',
      modelVersion: '1',
      reason: 'DATA_DRIFT',
      requestedBy: 'policy:churn',
      mode: 'FULL',
      window: { kind: 'FIXED_DURATION', durationMs: 30 * 86_400_000 },
    });
    expect(request.requestId).toMatch(/^rr-[0-9a-f]{32}$/);
    expect(request.evidence).toHaveLength(1);
    expect(request.evidence[0]).toMatchObject({
      kind: 'DRIFT_REPORT',
      reference: 'drift-churn-1-*-0',
      values: { driftedFeatures: 3, minDriftedFeatures: 2, 'feature.f0.value': 0.31 },
    });
    const suppressed = (guard: string) =>
      controller!.process.metric('continuum_controller_signals_suppressed_total', {
        model_id: 'churn',
        guard,
      });
    expect(await suppressed('hysteresis')).toBe(1);
    expect(await suppressed('cooldown')).toBe(1);
    expect(
      await controller.process.metric('continuum_controller_requests_emitted_total', {
        reason: 'DATA_DRIFT',
      }),
    ).toBe(1);

    const letters = await readTopic(kafka, controller.names.deadLetter, 2);
    const decoder = testCodecs().decoderFor(DeadLetterContract);
    await decoder.prepare(letters.map((l) => l.value));
    const kinds = letters.map((l) => decoder.decode(l.value)).map((d) => `${d.errorKind}: ${d.service}`);
    expect(kinds.sort()).toEqual(['CONTRACT_VIOLATION: controller', 'NOT_WIRE_FORMAT: controller']);
    expect(await controller.process.stop()).toBe(0);
  });

  it('(b) K breaching windows give one PERFORMANCE request; concept drift gives CONCEPT_DRIFT, unless cooled down or merged', async () => {
    controller = await startController(
      kafka,
      'ctl-perf',
      `
defaults:
  cooldown: 1h
  dedupInterval: 0
  performance: { metric: accuracy, threshold: 0.8, consecutiveWindows: 3, minLabelled: 100 }
  conceptDrift: { detectors: [ADWIN] }
models:
  churn: {}        # K windows below the threshold, then concept drift inside the cooldown
  fraud: {}        # concept drift alone
  pricing:         # both signals in one window, merged into one request
    dedupInterval: 3s
    performance: { consecutiveWindows: 1 }
`,
    );
    const c = controller;
    await publishPerformanceReports(kafka, c, [
      performanceReport('churn', 0, { accuracy: 0.72 }),
      performanceReport('churn', 1, { accuracy: 0.7 }),
      performanceReport('fraud', 0, { accuracy: 0.91 }, { conceptDrift: 0 }),
      performanceReport('pricing', 0, { accuracy: 0.6 }, { conceptDrift: 2 }),
    ]);
    await reportsConsumed(c, 'performance', 4);
    await waitFor(
      'the consecutive count of churn to be 2',
      async () =>
        (await c.process.metric('continuum_controller_consecutive_breaches', { model_id: 'churn' })) === 2,
    );
    expect(await c.process.metric('continuum_controller_requests_emitted_total', { model_id: 'churn' })).toBe(
      0,
    );

    await publishPerformanceReports(kafka, c, [
      performanceReport('churn', 2, { accuracy: 0.74 }),
      performanceReport('fraud', 1, { accuracy: 0.9 }, { conceptDrift: 1 }),
    ]);
    await waitFor(
      'the PERFORMANCE request of churn',
      async () =>
        (await c.process.metric('continuum_controller_requests_emitted_total', { model_id: 'churn' })) === 1,
    );
    // Concept drift for churn right after its PERFORMANCE request: held by the cooldown.
    await publishPerformanceReports(kafka, c, [
      performanceReport('churn', 3, { accuracy: 0.85 }, { conceptDrift: 1 }),
    ]);
    await reportsConsumed(c, 'performance', 7);
    await settled(kafka, c);

    const requests = await retrainRequests(kafka, c.names.retrainRequests);
    const byModel = Object.fromEntries(requests.map((r) => [r.modelId, r]));
    expect(requests.map((r) => `${r.modelId}:${r.reason}`).sort()).toEqual([
      'churn:PERFORMANCE',
      'fraud:CONCEPT_DRIFT',
      'pricing:PERFORMANCE',
    ]);
    expect(byModel.churn.evidence.map((e) => e.reference)).toEqual([
      'perf-churn-1-0',
      'perf-churn-1-1',
      'perf-churn-1-2',
    ]);
    expect(byModel.churn.evidence[2].values).toMatchObject({
      accuracy: 0.74,
      threshold: 0.8,
      consecutiveBreaches: 3,
    });
    expect(byModel.fraud.evidence).toEqual([
      expect.objectContaining({ kind: 'CONCEPT_DRIFT', reference: 'perf-fraud-1-1' }),
    ]);
    // pricing: the breach and the detection in one window, one request, reason by precedence.
    expect(byModel.pricing.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'PERFORMANCE_REPORT:perf-pricing-1-0',
      'CONCEPT_DRIFT:perf-pricing-1-0',
    ]);
    const suppressed = (model: string, guard: string) =>
      c.process.metric('continuum_controller_signals_suppressed_total', { model_id: model, guard });
    expect(await suppressed('churn', 'cooldown')).toBe(1);
    expect(await suppressed('pricing', 'dedup')).toBe(1);
  });

  it('(c) a manual trigger with a wrong token gets 401; with the right one, exactly one MANUAL request; the CLI does the same', async () => {
    controller = await startController(
      kafka,
      'ctl-manual',
      `
defaults:
  dailyBudget: 2
models:
  churn:
    request: { mode: WARM_START, window: { kind: FIXED_COUNT, count: 50000 } }
`,
    );
    const c = controller;
    const url = `${c.process.baseUrl}/models/churn/retrain`;
    const json = async (res: Response) => (await res.json()) as Record<string, unknown>;
    const post = (headers: Record<string, string>, body?: unknown, target = url) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const auth = { authorization: `Bearer ${API_TOKEN}` };

    const wrong = await post({ authorization: 'Bearer not-the-token' }, { reason: 'x' });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ statusCode: 401, message: 'wrong bearer token' });
    expect((await post({}, {})).status).toBe(401);
    const unknown = await post(auth, {}, `${c.process.baseUrl}/models/nope/retrain`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).message).toContain("unknown model 'nope'");
    const bad = await post(auth, { mode: 'FAST' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).message).toBe("mode must be one of ONLINE, WARM_START, FULL (got 'FAST')");
    expect(await recordCount(kafka, c.names.retrainRequests)).toBe(0);

    const accepted = await post(auth, { reason: 'new product launch', mode: 'FULL' });
    expect(accepted.status).toBe(202);
    const body = await json(accepted);
    expect(body).toMatchObject({ modelId: 'churn', reason: 'MANUAL', mode: 'FULL', requestedBy: 'http' });
    let requests = await retrainRequests(kafka, c.names.retrainRequests);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      requestId: body.requestId,
      reason: 'MANUAL',
      mode: 'FULL',
      window: { kind: 'FIXED_COUNT', count: 50000 },
      evidence: [{ kind: 'MANUAL', reference: 'http', summary: 'new product launch' }],
    });

    // The CLI (tools/continuum retrain): the same API, from a shell.
    const cli = spawn(
      join(REPO_ROOT, 'tools/continuum'),
      ['retrain', 'churn', '--window', 'duration:7d', '--url', c.process.baseUrl as string],
      { cwd: REPO_ROOT, env: { ...process.env, CONTROLLER_API_TOKEN: API_TOKEN } },
    );
    let output = '';
    cli.stdout.on('data', (d: Buffer) => (output += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const status = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
    expect(output).toMatch(/^MANUAL retrain request rr-[0-9a-f]{32} for 'churn' accepted \(mode WARM_START/);
    expect(status).toBe(0);
    requests = await retrainRequests(kafka, c.names.retrainRequests);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({
      reason: 'MANUAL',
      requestedBy: expect.stringMatching(/^cli:/),
      window: { kind: 'FIXED_DURATION', durationMs: 7 * 86_400_000 },
    });

    // The daily budget (2) is spent: a third request is refused with when to retry.
    const refused = await post(auth, {});
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(86_000);
    expect((await json(refused)).message).toContain("the daily retrain budget of 'churn' is spent (2 of 2");
    expect(await recordCount(kafka, c.names.retrainRequests)).toBe(2);
  });

  it('(d) a bad policy file stops the start with a message naming the field', async () => {
    const prepared = await prepareController(
      kafka,
      'ctl-badpolicy',
      `
models:
  churn:
    performance: { metric: accuracy, threshold: 1.5 }
    drift: { minDrifted: 2 }
`,
    );
    const proc = ServiceProcess.startScript(
      'controller',
      join(REPO_ROOT, 'services/controller/src/main.ts'),
      prepared.env,
    );
    const code = await proc.exited();
    expect(code).toBe(1);
    const fatal = proc.output
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.level === 'fatal');
    expect(fatal?.msg).toContain('controller failed to start: Invalid retrain policy in');
    expect(fatal?.msg).toContain(
      'models.churn.performance.threshold must be a number in [0, 1] for metric accuracy (got 1.5)',
    );
    expect(fatal?.msg).toContain(
      "models.churn.drift.minDrifted is not a known key (did you mean 'minDriftedFeatures'?",
    );
  });

  it('(e) performance estimated before labels arrive: a falling estimated band with no labels gives one PERFORMANCE request with ESTIMATED_PERFORMANCE evidence; a band straddling the threshold gives none', async () => {
    controller = await startController(
      kafka,
      'ctl-estimated',
      `
defaults:
  cooldown: 0
  dedupInterval: 0
  performance:
    metric: accuracy
    threshold: 0.8
    consecutiveWindows: 2
    estimated: { labelsMissingFor: 5s }
models:
  churn: {}
  fraud: {}
`,
    );
    const c = controller;
    // Windows of one second that have just ended: their labels have been missing for less than
    // labelsMissingFor when the reports arrive, so the controller's tick decides them.
    const end = Date.now();
    const window = (model: string, i: number, value: number, se: number): PerformanceReport => ({
      ...estimatedReport(model, i, { accuracy: estimatedMetric(value, se) }),
      windowStart: end - (3 - i) * SEC,
      windowEnd: end - (2 - i) * SEC,
    });
    await publishPerformanceReports(kafka, c, [
      // churn: a band on the good side, then two bands wholly under 0.8 (upper 0.78, 0.70).
      window('churn', 0, 0.87, 0.01),
      window('churn', 1, 0.75, 0.01),
      window('churn', 2, 0.67, 0.01),
      // fraud: the estimate falls under 0.8, but each band still reaches it (upper 0.826, 0.816, 0.806).
      window('fraud', 0, 0.79, 0.012),
      window('fraud', 1, 0.78, 0.012),
      window('fraud', 2, 0.77, 0.012),
    ]);
    const estimated = (model: string, outcome: string) =>
      c.process.metric('continuum_controller_estimated_windows_total', { model_id: model, outcome });
    await waitFor('every estimated window to be judged', async () => {
      const judged = [
        await estimated('churn', 'clean'),
        await estimated('churn', 'breach'),
        await estimated('fraud', 'band_straddles'),
      ];
      return judged.join() === '1,2,3';
    });
    await settled(kafka, c);

    const requests = await retrainRequests(kafka, c.names.retrainRequests);
    expect(requests.map((r) => `${r.modelId}:${r.reason}`)).toEqual(['churn:PERFORMANCE']);
    const [request] = requests;
    expect(request.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'ESTIMATED_PERFORMANCE:perf-churn-1-1',
      'ESTIMATED_PERFORMANCE:perf-churn-1-2',
    ]);
    expect(request.evidence[1].values).toMatchObject({
      accuracy: 0.67,
      lower: expect.closeTo(0.64, 9),
      upper: expect.closeTo(0.7, 9),
      samplingError: 0.01,
      threshold: 0.8,
      labelCoverage: 0,
      labelledCount: 0,
      consecutiveBreaches: 2,
    });
    expect(
      await c.process.metric('continuum_controller_windows_awaiting_labels', { model_id: 'churn' }),
    ).toBe(0);

    // The evaluator publishes a window's report once, at its close; after a crash it may publish
    // it again under the same reportId: the replay changes nothing.
    await publishPerformanceReports(kafka, c, [window('churn', 2, 0.67, 0.01)]);
    await waitFor(
      'the replayed report to be ignored',
      async () =>
        (await c.process.metric('continuum_controller_reports_total', {
          topic: 'performance',
          outcome: 'stale_window',
        })) === 1,
    );
    await settled(kafka, c);
    expect(await retrainRequests(kafka, c.names.retrainRequests)).toHaveLength(1);
    expect(await estimated('churn', 'breach')).toBe(2);
  });
});
