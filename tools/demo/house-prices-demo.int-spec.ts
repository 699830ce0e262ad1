/**
 * The demo end to end (issue 8): the seven services as processes with the demo's settings
 * (tools/demo/services.env and its policy files) on the real broker and schema registry, private
 * topics, then the demo run itself — and every step of the loop asserted with its evidence:
 * per-city drift in the shifted cities only, MAE up, the retrain request, v2 from the trainer,
 * SHADOW, PROMOTE with a positive lower bound, v2 served, served error back down.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics, type TopicKey } from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  testCodecs,
  testKafka,
  uniqueName,
} from '@continuum/testing';
import { CITIES, SHIFTED_CITIES } from './house-prices';
import {
  PER_ROUND,
  ROUND_MS,
  SHIFT_ROUND,
  STEPS,
  driftedInputs,
  runHousePricesDemo,
  runStart,
} from './house-prices-demo';
import { demoServicesEnv } from './settings';

jest.setTimeout(600_000);

const TOKEN = randomBytes(16).toString('hex');

describe('npm run demo: house prices per city through the loop', () => {
  const running: ServiceProcess[] = [];
  const lines: string[] = [];

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
  });

  it('drift in two cities and MAE up → retrain → v2 shadowed, promoted, served → error recovers', async () => {
    const kafka = testKafka();
    const { names, env } = privateTopics('demo');
    await createTopics(
      kafka,
      (Object.keys(Topics) as TopicKey[]).map((key) => ({
        topic: names[key],
        partitions: Topics[key].partitions,
      })),
    );
    const artifactStoreUrl = `file://${mkdtempSync(join(tmpdir(), 'demo-artifacts-'))}`;
    const common = {
      ...env,
      ...demoServicesEnv(),
      ARTIFACT_STORE_URL: artifactStoreUrl,
      REGISTRY_API_TOKEN: TOKEN,
    };

    const registry = await ServiceProcess.startService(
      'registry',
      { ...common, REGISTRY_GROUP_ID: uniqueName('demo-registry') },
      180_000,
    );
    running.push(registry);
    const withRegistry = { ...common, REGISTRY_URL: registry.baseUrl! };
    const services = await Promise.all([
      ServiceProcess.startService(
        'scorer',
        { ...common, SCORER_GROUP_ID: uniqueName('demo-scorer') },
        240_000,
      ),
      ServiceProcess.startService(
        'monitor',
        {
          ...common,
          MONITOR_GROUP_ID: uniqueName('demo-windowing'),
          MONITOR_COMBINER_GROUP_ID: uniqueName('demo-combiner'),
        },
        240_000,
      ),
      ServiceProcess.startService(
        'evaluator',
        {
          ...common,
          EVALUATOR_GROUP_ID: uniqueName('demo-evaluator'),
          EVALUATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'demo-evaluator-')),
        },
        240_000,
      ),
      ServiceProcess.startService(
        'controller',
        { ...common, CONTROLLER_API_TOKEN: TOKEN, CONTROLLER_GROUP_ID: uniqueName('demo-controller') },
        240_000,
      ),
      ServiceProcess.startService(
        'trainer',
        { ...withRegistry, TRAINER_GROUP_ID: uniqueName('demo-trainer'), TRAINER_RETRY_DELAY_MS: '500' },
        240_000,
      ),
      ServiceProcess.startService(
        'promoter',
        { ...withRegistry, PROMOTER_API_TOKEN: TOKEN, PROMOTER_GROUP_ID: uniqueName('demo-promoter') },
        240_000,
      ),
    ]);
    running.push(...services);
    const [scorer] = services;

    const start = runStart(Date.now(), undefined);
    const result = await runHousePricesDemo(
      {
        kafka,
        codecs: testCodecs(),
        topics: names,
        registryUrl: registry.baseUrl!,
        registryToken: TOKEN,
        scorerUrl: scorer.baseUrl!,
        artifactStoreUrl,
      },
      {
        start,
        timeoutMs: 240_000,
        print: (line) => {
          lines.push(line);
          process.stdout.write(`${line}\n`);
        },
      },
    );
    process.stdout.write(`\n${lines.join('\n')}\n`);

    // Every step, in the loop's order.
    expect(result.missing).toBeUndefined();
    expect(result.completed).toBe(true);
    const times = STEPS.map((s) => result.reached[s]!);
    expect(times.every((t) => t !== undefined)).toBe(true);
    expect(result.reached['retrain request (controller)']!).toBeLessThanOrEqual(
      result.reached['v2 trained and registered (trainer)']!,
    );
    expect(result.reached['v2 promoted (promoter)']!).toBeLessThanOrEqual(
      result.reached['the scorer serves v2']!,
    );

    // The monitor: after the shift, age drifts in every report of the shifted cities; the other
    // cities, and every city before the shift, stay clean (up to the odd false alarm).
    const v1Drift = result.driftReports.filter((r) => r.modelVersion === result.v1);
    const window = (r: { windowStart: number }) => Math.round((r.windowStart - start) / ROUND_MS);
    const city = (r: { segment: string }) => r.segment.replace('city=', '');
    // Whole city windows only (the window of the promotion may hold a part of a round).
    const judged = (r: (typeof v1Drift)[number]) =>
      r.eventCount >= PER_ROUND / CITIES.length &&
      !(r as unknown as { tooSmallToJudge?: boolean }).tooSmallToJudge;
    const perCity = v1Drift.filter((r) => r.segment !== '*' && judged(r));
    const shiftedAfter = perCity.filter(
      (r) => window(r) >= SHIFT_ROUND && SHIFTED_CITIES.includes(city(r) as never),
    );
    const unchanged = perCity.filter((r) => !shiftedAfter.includes(r));
    expect(shiftedAfter.length).toBeGreaterThanOrEqual(SHIFTED_CITIES.length);
    for (const r of shiftedAfter) expect(driftedInputs(r)).toContain('age');
    expect(unchanged.length).toBeGreaterThan(0);
    expect(unchanged.filter((r) => driftedInputs(r).length > 0).length).toBeLessThanOrEqual(
      unchanged.length / 10,
    );
    expect(new Set(v1Drift.map((r) => r.segment))).toEqual(new Set(['*', ...CITIES.map((c) => `city=${c}`)]));

    // The evaluator: v1's MAE after the shift well above before it.
    const v1Mae = (after: boolean) =>
      result.performanceReports
        .filter((r) => r.modelVersion === result.v1 && window(r) >= SHIFT_ROUND === after)
        .map((r) => r.metrics.mae);
    expect(v1Mae(false).length).toBeGreaterThan(0);
    expect(Math.max(...v1Mae(true))).toBeGreaterThan(2 * Math.max(...v1Mae(false)));

    // The controller's request and the trainer's answer to it.
    expect(result.requests.length).toBeGreaterThanOrEqual(1);
    const [request] = result.requests;
    expect(request.modelVersion).toBe(result.v1);
    expect(request.reason).toBe('PERFORMANCE');
    expect(request.evidence.some((e) => e.kind === 'PERFORMANCE_REPORT')).toBe(true);
    expect(request.window.kind).toBe('DYNAMIC');
    const succeeded = result.trainingRuns.find((r) => r.status === 'SUCCEEDED');
    expect(succeeded?.version).toBe(result.v2);
    expect(succeeded!.metrics.holdout_mae).toBeLessThan(succeeded!.metrics.champion_mae);

    // The registry: v2 through SHADOW to CHAMPION, v1 archived.
    const stagesOf = (v: string) => result.stages.filter((s) => s.version === v).map((s) => s.stage);
    expect(stagesOf(result.v2!)).toEqual(expect.arrayContaining(['SHADOW', 'CHAMPION']));
    expect(stagesOf(result.v1)).toContain('ARCHIVED');

    // The promoter: PROMOTE on paired squared errors, the confidence sequence above 0.
    const promote = result.promotions.find((d) => d.decision === 'PROMOTE');
    expect(promote?.challengerVersion).toBe(result.v2);
    expect(promote!.metric).toBe('squared_error');
    expect(promote!.pairedCount).toBeGreaterThanOrEqual(300);
    expect(promote!.evidence!.lower).toBeGreaterThan(0);

    // The scorer: served by v1, then by v2, with the served error back down.
    const servedBy = (v: string) => result.rounds.filter((r) => r.version === v && r.phase === 'after');
    const dropped = Math.min(...servedBy(result.v1).map((r) => r.mae));
    const recovered = servedBy(result.v2!).at(-1)!.mae;
    expect(recovered).toBeLessThan(dropped / 2);
    for (const city of SHIFTED_CITIES) {
      expect(servedBy(result.v2!).at(-1)!.maeByCity[city]).toBeLessThan(
        Math.min(...servedBy(result.v1).map((r) => r.maeByCity[city])) / 2,
      );
    }
  });
});
