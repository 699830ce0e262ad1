import { type RetrainRequest } from '@continuum/events';
import { ReferenceProfile } from '@continuum/drift';
import { SeededRandom } from '@continuum/learning';
import { conceptStream } from '../../test/synthetic';
import { DEFAULT_MODEL_POLICY, type ModelTrainingPolicy } from '../policy/trainer-policy';
import { type ModelInfo, type TrainingFailure, type TrainingPlan, planRetrain } from './plan';
import { NewestSelector, SeededSample } from './selectors';
import { predictionValues, trainCandidate } from './train-candidate';
import { type TrainingExample, toTrainingExample } from './training-example';
import { WindowCollector } from './window-collector';

const MODEL: ModelInfo = { modelId: 'm', task: 'BINARY_CLASSIFICATION', contract: null };

function request(window: RetrainRequest['window'], mode: RetrainRequest['mode'] = 'FULL'): RetrainRequest {
  return {
    requestId: 'r1',
    modelId: 'm',
    modelVersion: null,
    reason: 'MANUAL',
    requestedAt: 0,
    requestedBy: 'test',
    evidence: [],
    window,
    mode,
  };
}

const COUNT = (count: number): RetrainRequest['window'] => ({
  kind: 'FIXED_COUNT',
  count,
  durationMs: null,
  candidateCounts: [],
  holdoutCount: null,
});

function plan(window: RetrainRequest['window'], policy: Partial<ModelTrainingPolicy> = {}): TrainingPlan {
  return planRetrain(
    request(window),
    { ...DEFAULT_MODEL_POLICY, holdout: 500, ...policy },
    MODEL,
    null,
    1e12,
  );
}

/** The stream as a replay delivers it: records of 3 partitions, offsets per partition. */
function records(n: number, changeAt?: number): TrainingExample[] {
  const counters = [0, 0, 0];
  return conceptStream({ modelId: 'm', count: n, changeAt, noise: 0.05, start: 1_000_000 }).map((e, i) => {
    const p = i % 3;
    return toTrainingExample(e, p, counters[p]++);
  });
}

function shuffled<T>(items: T[], seed: number): T[] {
  const order = new SeededRandom(seed).permutation(items.length);
  return Array.from(order, (i) => items[i]);
}

function collect(p: TrainingPlan, examples: TrainingExample[]) {
  const collector = new WindowCollector(p);
  for (const e of examples) collector.offer(e);
  return collector.finish();
}

describe('selectors', () => {
  it('keep the same newest examples and the same seeded sample whatever the arrival order', () => {
    const all = records(3000);
    const pick = (order: TrainingExample[]) => {
      const newest = new NewestSelector(100);
      const sample = new SeededSample(200, 9);
      for (const e of order) {
        newest.offer(e);
        sample.offer(e);
      }
      return { newest: newest.sorted(), sample: sample.sorted() };
    };
    const a = pick(all);
    const b = pick(shuffled(all, 3));
    expect(b).toEqual(a);
    expect(a.newest.map((e) => e.timestamp)).toEqual(all.slice(-100).map((e) => e.timestamp));
    expect(a.sample).toHaveLength(200);
    // A sample, not the newest or the oldest.
    const times = a.sample.map((e) => e.timestamp);
    expect(times[0]).toBeLessThan(all[300].timestamp);
    expect(times[199]).toBeGreaterThan(all[2700].timestamp);
  });
});

describe('planRetrain', () => {
  it('fails an unknown model, a family that cannot learn the task, and a window without data size', () => {
    const policy = DEFAULT_MODEL_POLICY;
    expect(() => planRetrain(request(COUNT(10)), policy, null, null, 0)).toThrow(
      expect.objectContaining({ kind: 'UNKNOWN_MODEL' }) as TrainingFailure,
    );
    expect(() =>
      planRetrain(request(COUNT(10)), { ...policy, family: 'linear-regression' }, MODEL, null, 0),
    ).toThrow(/linear-regression cannot learn a BINARY_CLASSIFICATION/);
    expect(() => planRetrain(request(COUNT(1)), policy, MODEL, null, 0)).toThrow(/window.count/);
  });

  it('takes the policy strategy and window over the request, and trains from scratch without a champion', () => {
    const p = planRetrain(
      request(COUNT(10), 'WARM_START'),
      { ...DEFAULT_MODEL_POLICY, window: COUNT(99) },
      MODEL,
      null,
      5_000,
    );
    expect(p.window.count).toBe(99);
    expect(p.strategy).toBe('FULL');
    expect(p.notes.join()).toMatch(/no champion/);
    expect(p.family).toBe('logistic-regression');
    expect(p.replayFrom).toBe(5_000 - DEFAULT_MODEL_POLICY.lookbackMs);
  });
});

describe('trainCandidate', () => {
  it('gives bit-identical weights for the same records read in another order', () => {
    const all = records(4000);
    const p = plan(COUNT(3000));
    const a = trainCandidate(p, collect(p, all), null);
    const b = trainCandidate(p, collect(p, shuffled(all, 11)), null);
    const wa = a.model.getParameters().map((t) => Buffer.from(t.buffer).toString('hex'));
    const wb = b.model.getParameters().map((t) => Buffer.from(t.buffer).toString('hex'));
    expect(wb).toEqual(wa);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.window.count).toBe(2500);
    expect(a.evaluation.holdout).toBe(500);
    expect(a.metrics.holdout_accuracy).toBeGreaterThan(0.85);
    expect(a.metrics.persistence_accuracy).toBeLessThan(0.65);
    expect(a.profile.rows).toBe(2500);
    expect(a.profile.features.map((f) => f.name)).toContain('x0');
  });

  it("stores per-segment references for the examples' segment tags in the profile (none without tags)", () => {
    const cities = ['paris', 'lyon', 'nice'];
    const tagged = records(1500).map((e, i) => ({ ...e, segments: { city: cities[i % 3] } }));
    const p = plan(COUNT(1500));
    const profile = trainCandidate(p, collect(p, tagged), null).profile;
    expect(profile.segments?.map((k) => k.key)).toEqual(['city']);
    const city = profile.segments![0];
    expect(city.values.map((v) => v.value).sort()).toEqual([...cities].sort());
    expect(city.values.reduce((n, v) => n + v.rows, 0)).toBe(profile.rows);
    expect(trainCandidate(p, collect(p, records(1500)), null).profile.segments).toBeUndefined();
  });

  it("stores a CBPE reference fitted on the hold-out in the profile, whose estimate brackets the hold-out's accuracy", () => {
    const p = plan(COUNT(3000));
    const outcome = trainCandidate(p, collect(p, records(2500)), null);
    const restored = ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(outcome.profile)));
    const estimation = restored.performanceEstimation!;
    expect(estimation.toJSON()).toMatchObject({ method: 'CBPE', rows: 500, threshold: 0.5 });
    // On its own reference rows the estimate is calibrated: the realised accuracy is inside the band.
    const holdout = collect(p, records(2500)).holdout;
    const window = estimation.newWindow();
    for (const score of predictionValues(outcome.model, holdout) as number[])
      estimation.observe(window, { score });
    const accuracy = estimation.estimate(window).accuracy;
    const realised = (outcome.evaluation.candidate as { accuracy: number }).accuracy;
    expect(realised).toBeGreaterThanOrEqual(accuracy.lower);
    expect(realised).toBeLessThanOrEqual(accuracy.upper);
  });

  it('dynamic window: on a concept change the chosen window starts after it and beats the full history', () => {
    const all = records(12_000, 9_000);
    const changeTime = all[9_000].timestamp;
    const dynamic = plan({
      kind: 'DYNAMIC',
      count: null,
      durationMs: null,
      candidateCounts: [1000, 2500, 6000, 11_000],
      holdoutCount: 500,
    });
    const full = plan(COUNT(12_000));
    const d = trainCandidate(dynamic, collect(dynamic, all), null);
    const f = trainCandidate(full, collect(full, all), null);
    expect(d.window.start).toBeGreaterThanOrEqual(changeTime);
    expect(d.window.details.chosen).toBeLessThanOrEqual(2500);
    expect(d.metrics.holdout_accuracy).toBeGreaterThan(f.metrics.holdout_accuracy + 0.1);
  });

  it('duration and representative windows sample within maxExamples', () => {
    const all = records(6000);
    const duration = plan(
      { kind: 'FIXED_DURATION', count: null, durationMs: 1e12, candidateCounts: [], holdoutCount: null },
      { maxExamples: 2000 },
    );
    const collected = collect(duration, all);
    expect(collected.history.length + collected.holdout.length).toBe(2000);
    expect(collected.sampled).toBe(true);
    const representative = plan(
      { kind: 'REPRESENTATIVE', count: 800, durationMs: null, candidateCounts: [], holdoutCount: null },
      { maxExamples: 3000 },
    );
    const r = trainCandidate(representative, collect(representative, all), null);
    expect(r.window.strategy).toBe('representative');
    expect(r.window.count).toBe(800);
    expect(r.window.details.psiAfter).toBeDefined();
  });

  it('an example the evaluator wrote twice is trained on once', () => {
    const all = records(2000);
    const p = plan(COUNT(3000));
    const repeated = [...all, ...all.slice(100, 400).map((e, i) => ({ ...e, partition: 5, offset: i }))];
    const once = collect(p, all);
    const twice = collect(p, repeated);
    expect(twice.history).toEqual(once.history);
    expect(twice.holdout).toEqual(once.holdout);
  });

  it('an empty window and a window with one class fail with the reason', () => {
    const p = plan(COUNT(100));
    expect(() => trainCandidate(p, collect(p, []), null)).toThrow(/no examples of model 'm'/);
    const oneClass = records(300).map((e) => ({ ...e, label: 'yes' }));
    expect(() => trainCandidate(p, collect(p, oneClass), null)).toThrow(/needs exactly 2 classes/);
  });
});
