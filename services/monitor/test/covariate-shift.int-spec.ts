/**
 * Issue 5 acceptance: an abrupt covariate shift in 3 of 20 features at a known event time T. The
 * model version's reference profile is registered first (1000 rows of the unshifted distribution);
 * the stream then has three 1-minute windows before T and three from T on, 3000 events each.
 *
 * Configured false-positive rate: KS per feature (reference of 1000 rows, Evidently's rule),
 * Benjamini–Hochberg across the 20 features at α = 0.05, and libs/drift's effect-size floor D ≥ 0.1.
 * For an unshifted feature, a window of n = 3000 against the m = 1000-row reference flags only if
 * D ≥ 0.1, i.e. sqrt(nm/(n+m))·D ≥ 2.74: P ≈ 2·exp(−2·2.74²) ≈ 3e-7 per feature and window
 * (Kolmogorov's limit), so over the 6 × 17 + 3 × 3 tests here ≈ 4e-5: the test asserts no false
 * positive at all. A shift of 1 σ gives D ≈ 0.38 (p ≪ 1e-20), so the shifted features must be
 * flagged in every window from T on. The data is seeded, so a failure is reproducible.
 */
import { type Kafka } from 'kafkajs';
import { type DriftReport, type Prediction, Topics } from '@continuum/events';
import { ServiceProcess, createTopics, privateTopics, testKafka } from '@continuum/testing';
import {
  T0,
  closers,
  featureNames,
  collectReports,
  produceFeatureObservations,
  producePredictions,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
  monitorEnv,
  monitorSettled,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const PER_WINDOW = 3000;
const WINDOWS = 6;
const SHIFT_AT = T0 + 3 * MINUTE;
const SHIFTED = ['f03', 'f11', 'f17'];

describe('monitor: covariate shift in 3 of 20 features', () => {
  let kafka: Kafka;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await monitor?.stop();
  });

  it('flags exactly the shifted features from the first window after the shift, and none before', async () => {
    const { names, env } = privateTopics('monitor-shift');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.features, partitions: Topics.features.partitions },
      { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
    ]);
    await registerVersion(kafka, names.modelVersions, 'shift-model', '1', syntheticReference(7, 1000, 20));

    const stream = syntheticPredictions({
      modelId: 'shift-model',
      modelVersion: '1',
      seed: 42,
      count: WINDOWS * PER_WINDOW,
      features: 20,
      start: T0,
      spacingMs: MINUTE / PER_WINDOW,
      shift: { from: SHIFT_AT, features: SHIFTED, delta: 1 },
    });
    // Contract problems in the first window: 30 events with an unexpected feature, 30 without f19,
    // 10 with f18 sent as a category.
    const edited: Prediction[] = stream.map((p, i) => {
      if (i < 30) return { ...p, numeric: { ...p.numeric, debug_flag: 1 } };
      if (i < 60) {
        const { f19: _dropped, ...rest } = p.numeric;
        return { ...p, numeric: rest };
      }
      if (i < 70) {
        const { f18: _moved, ...rest } = p.numeric;
        return { ...p, numeric: rest, categorical: { f18: 'x' } };
      }
      return p;
    });
    const closerPartition = (p: Prediction) =>
      p.eventId.includes('-closer-') ? Number(p.eventId.split('-')[3]) : undefined;
    const ending = closers('shift-model', '1', Topics.predictions.partitions, T0 + WINDOWS * MINUTE);
    await producePredictions(kafka, names.predictions, [...edited, ...ending], {
      partition: closerPartition,
    });
    // The same inputs as feature observations of the model: measured against the inputs of its
    // champion's profile, reported in segment 'features:*'.
    await produceFeatureObservations(kafka, names.features, [...stream, ...ending], {
      partition: closerPartition,
    });

    const monitorConfig = monitorEnv('monitor-shift', env);
    monitor = await ServiceProcess.startService('monitor', monitorConfig);

    // Done when the monitor's progress says nothing is in flight; at most the closers' window
    // (predictions and feature observations) stays open.
    const settled = () =>
      monitorSettled(
        kafka,
        [monitor!],
        {
          groupId: monitorConfig.MONITOR_GROUP_ID,
          sources: [names.predictions, names.features],
          partials: names.monitorPartials,
        },
        2,
      );
    const all = await collectReports(kafka, names.driftReports, (r) => r.length >= 2 * WINDOWS, { settled });
    expect(all).toHaveLength(2 * WINDOWS);
    const reports = all.filter((r) => r.segment === '*');
    const observed = all.filter((r) => r.segment === 'features:*');
    expect(observed).toHaveLength(WINDOWS);
    for (const r of observed) {
      const drifted = r.features
        .filter((f) => f.drifted)
        .map((f) => f.feature)
        .sort();
      expect({ window: r.windowStart, drifted }).toEqual({
        window: r.windowStart,
        drifted: r.windowStart >= SHIFT_AT ? SHIFTED : [],
      });
      expect(r).toMatchObject({
        modelVersion: '1',
        eventCount: PER_WINDOW,
        prediction: null,
        referenceCount: 1000,
      });
      expect(r.reportId).toMatch(/^drift\|shift-model\|features\|\*\|/);
    }
    const byStart = new Map<number, DriftReport>(reports.map((r) => [r.windowStart, r]));
    expect([...byStart.keys()].sort()).toEqual(Array.from({ length: WINDOWS }, (_, w) => T0 + w * MINUTE));
    expect(reports).toHaveLength(WINDOWS);

    for (let w = 0; w < WINDOWS; w++) {
      const report = byStart.get(T0 + w * MINUTE) as DriftReport;
      expect(report).toMatchObject({
        modelId: 'shift-model',
        modelVersion: '1',
        segment: '*',
        windowEnd: T0 + (w + 1) * MINUTE,
        eventCount: PER_WINDOW,
        referenceKind: 'MODEL_VERSION',
        referenceCount: 1000,
        correction: 'BENJAMINI_HOCHBERG',
      });
      expect(report.features.map((f) => f.feature).sort()).toEqual(featureNames(20));
      for (const f of report.features) {
        expect(f).toMatchObject({ statistic: 'KS', featureType: 'NUMERIC', threshold: 0.05 });
        expect(f.pValue).not.toBeNull();
        expect(f.adjustedPValue as number).toBeGreaterThanOrEqual(f.pValue as number);
      }
      const drifted = report.features
        .filter((f) => f.drifted)
        .map((f) => f.feature)
        .sort();
      const afterShift = report.windowStart >= SHIFT_AT;
      expect({ window: w, drifted }).toEqual({ window: w, drifted: afterShift ? SHIFTED : [] });
      expect(report.driftedFeatures).toBe(drifted.length);
      // The score depends on f00..f04, not on the shifted features except f03.
      expect(report.prediction).toMatchObject({
        feature: 'prediction',
        statistic: 'KS',
        drifted: afterShift,
      });
      if (afterShift) {
        for (const name of SHIFTED) {
          const f = report.features.find((x) => x.feature === name);
          expect(f?.effectSize as number).toBeGreaterThan(0.3);
          expect(f?.adjustedPValue as number).toBeLessThan(1e-20);
        }
      }
    }

    const first = byStart.get(T0) as DriftReport;
    expect(first.contractViolations).toEqual(
      expect.arrayContaining([
        { feature: 'debug_flag', kind: 'UNEXPECTED_FEATURE', count: 30 },
        { feature: 'f19', kind: 'MISSING_FEATURE', count: 30 },
        { feature: 'f18', kind: 'WRONG_TYPE', count: 10 },
      ]),
    );
    expect(first.contractViolations).toHaveLength(3);
    expect(first.dataQuality.find((q) => q.feature === 'f19')).toMatchObject({
      count: PER_WINDOW,
      missingRate: 30 / PER_WINDOW,
    });
    expect(first.features.find((f) => f.feature === 'f19')?.sampleSize).toBe(PER_WINDOW - 30);
    for (const later of reports.filter((r) => r.windowStart > T0))
      expect(later.contractViolations).toEqual([]);

    // Gauges for segment '*': the latest window (after the shift) has the 3 shifted features drifted.
    expect(
      await monitor.metric('continuum_monitor_drifted_features', {
        model_id: 'shift-model',
        source: 'predictions',
      }),
    ).toBe(3);
    const gauge = (feature: string) =>
      monitor!.metric('continuum_monitor_feature_drifted', {
        model_id: 'shift-model',
        source: 'predictions',
        feature,
      });
    expect(await gauge('f11')).toBe(1);
    expect(await gauge('f12')).toBe(0);
    expect(await monitor.metric('continuum_monitor_reports_total')).toBe(2 * WINDOWS);
    expect(
      await monitor.metric('continuum_monitor_drifted_features', {
        model_id: 'shift-model',
        source: 'features',
      }),
    ).toBe(3);
    expect(await monitor.stop()).toBe(0);
    monitor = undefined;
  });
});
