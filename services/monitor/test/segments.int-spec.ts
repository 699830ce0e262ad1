/**
 * Issue 13's done-when on the real broker and registry: the article's house prices per city.
 * Eight cities, a model version registered with per-city reference profiles (the builder's segment
 * references), the monitor splitting reports by the `city` tag. Over 20 one-minute windows:
 *
 * - `price` differs by city (its level is the city's) and never changes: no city segment is
 *   flagged on it in any window (each city is compared with its own reference; against the whole
 *   population's every city would be flagged, as `combining/segment-references.spec.ts` shows);
 * - from window 10, lyon and nice move by 1 σ in `area` and `age`: those two cities are flagged on
 *   exactly those two features in every window from 10 on, never before, and no other city is
 *   flagged on anything;
 * - from window 15, lille's traffic triples: segment '*' flags the `city` feature (Jensen–Shannon,
 *   the reference being large) from then on and not before, and lille's segment reports say how
 *   many events it had.
 *
 * False alarms: a city window holds 600 events against a segment reference of 2000 rows kept as a
 * 200-point summary; KS flags an unshifted feature only if D ≥ 0.1 (the effect-size floor) and its
 * corrected p < 0.05: sqrt(600·2000/2600)·0.1 = 2.15, P ≈ 2·exp(−2·2.15²) ≈ 2e-4 per feature and
 * window by Kolmogorov's limit, about 0.1 expected over the run's ~480 unshifted tests (at 400
 * events a window it would be ≈ 1: fewer events per segment window do not support "never
 * flagged"). A shift of 1 σ gives D ≈ 0.38 (p ≪ 1e-6). The data is seeded, so a failure is
 * reproducible.
 */
import { type Kafka } from 'kafkajs';
import { ReferenceProfileBuilder } from '@continuum/drift';
import { type DriftReport, type Prediction, Topics } from '@continuum/events';
import { ServiceProcess, createTopics, privateTopics, testKafka } from '@continuum/testing';
import {
  SeededRandom,
  T0,
  closers,
  collectReports,
  monitorEnv,
  monitorSettled,
  producePredictions,
  registerVersion,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const CITIES = ['paris', 'lyon', 'nice', 'lille', 'nantes', 'brest', 'metz', 'dijon'] as const;
/** Price level per city (k€ per m², std 1 within a city). */
const PRICE_LEVEL = [9, 6, 7, 4, 5, 3, 3.5, 4.5];
const SHIFTED_CITIES = new Set(['lyon', 'nice']);
const SHIFTED_FEATURES = ['age', 'area'];
const WINDOWS = 20;
const SHIFT_FROM = 10;
const SHARE_FROM = 15;
const PER_CITY = 600;

/** Sales of one city in window `w`: lille's traffic triples from SHARE_FROM. */
function salesOf(city: string, w: number): number {
  return city === 'lille' && w >= SHARE_FROM ? 3 * PER_CITY : PER_CITY;
}

function sale(rnd: SeededRandom, c: number, shifted: boolean) {
  const delta = shifted ? 1 : 0;
  const numeric = {
    price: PRICE_LEVEL[c] + rnd.normal(),
    area: 70 + 20 * (rnd.normal() + delta),
    age: 40 + 15 * (rnd.normal() + delta),
  };
  return { numeric, categorical: { city: CITIES[c] }, score: numeric.price * numeric.area };
}

function referenceProfile() {
  const rnd = new SeededRandom(11);
  const builder = new ReferenceProfileBuilder({ segments: { keys: ['city'], maxValues: CITIES.length } });
  for (let i = 0; i < 2000 * CITIES.length; i++) {
    const c = i % CITIES.length;
    const s = sale(rnd, c, false);
    builder.observe({ ...s, prediction: s.score, segments: { city: CITIES[c] } });
  }
  return builder.build();
}

function stream(): Prediction[] {
  const rnd = new SeededRandom(12);
  const out: Prediction[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const order = CITIES.flatMap((city, c) => Array.from({ length: salesOf(city, w) }, () => c));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    order.forEach((c, i) => {
      const city = CITIES[c];
      const s = sale(rnd, c, w >= SHIFT_FROM && SHIFTED_CITIES.has(city));
      out.push({
        eventId: `houses-${w}-${i}`,
        modelId: 'houses',
        modelVersion: '1',
        timestamp: T0 + w * MINUTE + Math.floor((i * MINUTE) / order.length),
        entityId: null,
        numeric: s.numeric,
        categorical: s.categorical,
        segments: { city },
        output: { score: s.score, predictedClass: null, classProbabilities: {} },
      });
    });
  }
  return out;
}

const drifted = (r: DriftReport) =>
  r.features
    .filter((f) => f.drifted)
    .map((f) => f.feature)
    .sort();

describe('monitor: per-city segments (house prices)', () => {
  let kafka: Kafka;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await monitor?.stop();
  });

  it('flags the shifted cities and features, never a city on its own price level, and the changed traffic share', async () => {
    const { names, env } = privateTopics('monitor-segments');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
    ]);
    await registerVersion(kafka, names.modelVersions, 'houses', '1', referenceProfile());
    const ending = closers('houses', '1', Topics.predictions.partitions, T0 + WINDOWS * MINUTE);
    await producePredictions(kafka, names.predictions, [...stream(), ...ending], {
      partition: (p) => (p.eventId.includes('-closer-') ? Number(p.eventId.split('-')[2]) : undefined),
    });

    const config = monitorEnv('monitor-segments', env, { MONITOR_SEGMENT_KEYS: 'city' });
    monitor = await ServiceProcess.startService('monitor', config);
    const settled = () =>
      monitorSettled(
        kafka,
        [monitor!],
        { groupId: config.MONITOR_GROUP_ID, sources: [names.predictions], partials: names.monitorPartials },
        1,
      );
    const expected = WINDOWS * (CITIES.length + 1);
    const reports = await collectReports(kafka, names.driftReports, (r) => r.length >= expected, {
      settled,
    });
    expect(reports).toHaveLength(expected);

    const window = (r: DriftReport) => (r.windowStart - T0) / MINUTE;
    const cities = reports.filter((r) => r.segment !== '*');
    for (const r of cities) {
      const city = r.segment.slice('city='.length);
      expect({ segment: r.segment, window: window(r), eventCount: r.eventCount }).toEqual({
        segment: `city=${city}`,
        window: window(r),
        eventCount: salesOf(city, window(r)),
      });
      expect(r).toMatchObject({
        referenceSegment: r.segment,
        segmentFallback: false,
        tooSmallToJudge: false,
      });
    }
    expect(new Set(cities.map((r) => r.segment))).toEqual(new Set(CITIES.map((c) => `city=${c}`)));

    // Every city window: flagged exactly on the shifted features when shifted, on nothing otherwise.
    const flags = cities.map((r) => ({ segment: r.segment, window: window(r), drifted: drifted(r) }));
    const expectedFlags = cities.map((r) => ({
      segment: r.segment,
      window: window(r),
      drifted: window(r) >= SHIFT_FROM && SHIFTED_CITIES.has(r.segment.slice(5)) ? SHIFTED_FEATURES : [],
    }));
    expect(flags).toEqual(expectedFlags);
    expect(cities.filter((r) => r.features.find((f) => f.feature === 'price')?.drifted)).toEqual([]);

    // Segment '*': the city mix (the `city` feature) is flagged once lille's share changed, not before.
    const all = reports.filter((r) => r.segment === '*').sort((a, b) => a.windowStart - b.windowStart);
    expect(all.map(window)).toEqual(Array.from({ length: WINDOWS }, (_, w) => w));
    for (const r of all) {
      const city = r.features.find((f) => f.feature === 'city');
      expect({ window: window(r), statistic: city?.statistic, cityDrifted: city?.drifted }).toEqual({
        window: window(r),
        statistic: 'JENSEN_SHANNON',
        cityDrifted: window(r) >= SHARE_FROM,
      });
      expect(r.eventCount).toBe(CITIES.reduce((n, c) => n + salesOf(c, window(r)), 0));
    }
  });
});
