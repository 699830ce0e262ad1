import { type Prediction } from '@continuum/events';
import { ContractValidator, type ServingModel, warmUp } from '@continuum/learning';
import { type DesiredModel, type VersionSpec } from './desired-state';
import { ModelReconciler } from './model-reconciler';
import { ModelTable } from './model-table';
import { PredictionPublisher } from './prediction-publisher';
import { Scorer, type ScoreOutcome, type ScorerObserver } from './scorer';
import { ServedVersion } from './served-version';
import { ShadowQueue } from './shadow-queue';
import { CONTRACT, served, servingModel } from './test-models';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const input = (x1: number, x2: number) => ({ numeric: { x1, x2 }, categorical: {}, segments: {} });

/** A scorer over an in-process "broker": published predictions land in `published` after a tick. */
function harness(options: { shadowCapacity?: number; awaitPublish?: boolean } = {}) {
  const table = new ModelTable();
  const published: Prediction[] = [];
  const publisher = new PredictionPublisher(async (records) => {
    await new Promise((resolve) => setImmediate(resolve));
    published.push(...records);
  });
  const counts = {
    violations: new Map<string, number>(),
    shadowFailed: 0,
    shadowDropped: 0,
    shadowScored: 0,
  };
  const observer: ScorerObserver = {
    violation: (_m, _v, feature) => counts.violations.set(feature, (counts.violations.get(feature) ?? 0) + 1),
    shadowFailed: () => (counts.shadowFailed += 1),
    shadowDropped: (_m, n) => (counts.shadowDropped += n),
    shadowScored: (_m, _v, n) => (counts.shadowScored += n),
  };
  const ref: { scorer?: Scorer } = {};
  const shadows = new ShadowQueue((jobs) => ref.scorer!.runShadow(jobs), {
    capacity: options.shadowCapacity ?? 10_000,
  });
  let n = 0;
  const scorer = new Scorer(table, publisher, shadows, (id) => id === 'm', observer, {
    newEventId: () => `gen-${++n}`,
    awaitPublish: options.awaitPublish,
  });
  ref.scorer = scorer;
  return { table, published, publisher, shadows, scorer, counts };
}

describe('Scorer: hot swap under steady load', () => {
  it('loses no request while the champion changes twice under load; every answer is from a loaded version', async () => {
    const { table, published, scorer, publisher } = harness();
    const models: Record<string, ServingModel> = {
      '1': servingModel(1, 0),
      '2': servingModel(-1, 0),
      '3': servingModel(0, 1),
    };
    let desired: DesiredModel = { champion: spec('1'), shadows: [] };
    const loads: string[] = [];
    const reconciler = new ModelReconciler(
      table,
      async (modelId, s) => {
        loads.push(s.version);
        // Loading and warming up takes a while; requests keep arriving meanwhile.
        for (let i = 0; i < 5; i++) {
          warmUp(models[s.version], { iterations: 20, batchSizes: [1] });
          await sleep(5);
        }
        return new ServedVersion(
          modelId,
          s.version,
          models[s.version],
          new ContractValidator(CONTRACT),
          Date.now(),
        );
      },
      () => desired,
    );
    await reconciler.request('m');
    expect(table.champion('m')?.version).toBe('1');

    const outcomes: ScoreOutcome[] = [];
    let stop = false;
    let sent = 0;
    const client = async (id: number) => {
      while (!stop) {
        sent += 1;
        outcomes.push(await scorer.score('m', [{ ...input(2, 3), eventId: `c${id}-${sent}` }]));
        await sleep(0);
      }
    };
    const clients = Array.from({ length: 8 }, (_, i) => client(i));
    await sleep(30);
    desired = { champion: spec('2'), shadows: [] };
    const swap1 = reconciler.request('m');
    await sleep(10);
    desired = { champion: spec('3'), shadows: [] }; // changes during a load are coalesced
    await swap1;
    await reconciler.idle();
    await sleep(30);
    stop = true;
    await Promise.all(clients);
    await publisher.drain();

    const byVersion = (v: string) => outcomes.filter((o) => o.status === 'OK' && o.version === v).length;
    const failed = outcomes.filter((o) => o.status !== 'OK');
    process.stdout.write(
      `hot swap under load: ${sent} requests, ${outcomes.length} answered, ${failed.length} failed; ` +
        `v1 ${byVersion('1')}, v2 ${byVersion('2')}, v3 ${byVersion('3')}; ${published.length} published; loads ${loads.join(',')}\n`,
    );
    expect(outcomes).toHaveLength(sent);
    expect(failed).toEqual([]);
    expect(published).toHaveLength(sent);
    expect(new Set(published.map((p) => p.eventId)).size).toBe(sent);
    expect(byVersion('1')).toBeGreaterThan(0);
    expect(byVersion('3')).toBeGreaterThan(0);
    expect(byVersion('1') + byVersion('2') + byVersion('3')).toBe(sent);
    // Served in order: never an older version after a newer one.
    const order = outcomes.map((o) => (o.status === 'OK' ? Number(o.version) : 0));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Each answer is the answering version's own prediction.
    const expected: Record<string, number> = { '1': sigmoid(2), '2': sigmoid(-2), '3': sigmoid(3) };
    for (const o of outcomes)
      if (o.status === 'OK') expect(o.predictions[0].output.score).toBeCloseTo(expected[o.version], 5);
    expect(table.champion('m')?.version).toBe('3');
  });

  it('keeps serving the old champion when the new one fails to load, and swaps once a retry succeeds', async () => {
    const { table, scorer } = harness();
    let fail = true;
    const scheduled: Array<() => void> = [];
    const failures: string[] = [];
    let desired: DesiredModel = { champion: spec('1'), shadows: [] };
    const reconciler = new ModelReconciler(
      table,
      async (modelId, s) => {
        if (s.version === '2' && fail) throw new Error('artifact SHA-256 mismatch');
        return served(modelId, s.version);
      },
      () => desired,
      {
        loadFailed: (_m, v, _s, e, retry) =>
          failures.push(`${v}: ${(e as Error).message} (retry in ${retry} ms)`),
      },
      { retryMs: 100, schedule: (fn) => (scheduled.push(fn), {}) },
    );
    await reconciler.request('m');
    desired = { champion: spec('2'), shadows: [] };
    await reconciler.request('m');
    expect(failures).toEqual(['2: artifact SHA-256 mismatch (retry in 100 ms)']);
    expect(reconciler.status('m')).toMatchObject({
      wantedChampion: '2',
      servedChampion: '1',
      failures: { '2': 'artifact SHA-256 mismatch' },
    });
    expect((await scorer.score('m', [input(1, 1)])).status).toBe('OK');
    fail = false;
    scheduled.shift()!();
    await reconciler.idle();
    expect(table.champion('m')?.version).toBe('2');
    expect(reconciler.status('m').failures).toEqual({});
  });
});

describe('ModelReconciler: rollback', () => {
  it('rolls back to the previous champion without loading it again', async () => {
    const table = new ModelTable();
    const loads: string[] = [];
    let desired: DesiredModel = { champion: spec('1'), shadows: [] };
    const reconciler = new ModelReconciler(
      table,
      async (modelId, s) => {
        loads.push(s.version);
        return served(modelId, s.version);
      },
      () => desired,
    );
    await reconciler.request('m');
    desired = { champion: spec('2'), shadows: [] };
    await reconciler.request('m');
    desired = { champion: spec('1'), shadows: [] };
    await reconciler.request('m');
    expect(table.champion('m')?.version).toBe('1');
    expect(loads).toEqual(['1', '2']);
  });
});

describe('Scorer: shadows', () => {
  it('scores the same events with every shadow, publishes them under the shadow version, never returns them', async () => {
    const { table, published, scorer, shadows, publisher, counts } = harness();
    table.setChampion('m', served('m', '1', servingModel(1, 0)));
    table.addShadow('m', served('m', '2', servingModel(-1, 0)));
    table.addShadow('m', served('m', '3', servingModel(0, 1)));
    const outcome = await scorer.score('m', [
      { ...input(2, 3), eventId: 'e1', entityId: 'u1', segments: { country: 'fr' } },
      { ...input(-1, 0), eventId: 'e2' },
    ]);
    expect(outcome).toMatchObject({ status: 'OK', version: '1' });
    if (outcome.status !== 'OK') throw new Error('unreachable');
    expect(outcome.predictions.map((p) => p.output.score)).toEqual([
      expect.closeTo(sigmoid(2), 5),
      expect.closeTo(sigmoid(-1), 5),
    ]);
    await shadows.idle();
    await publisher.drain();
    const rows = published.map((p) => [p.eventId, p.modelVersion, p.output.score]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['e1', '1', expect.closeTo(sigmoid(2), 5)],
        ['e2', '1', expect.closeTo(sigmoid(-1), 5)],
        ['e1', '2', expect.closeTo(sigmoid(-2), 5)],
        ['e2', '2', expect.closeTo(sigmoid(1), 5)],
        ['e1', '3', expect.closeTo(sigmoid(3), 5)],
        ['e2', '3', expect.closeTo(sigmoid(0), 5)],
      ]),
    );
    expect(published).toHaveLength(6);
    const shadowE1 = published.find((p) => p.eventId === 'e1' && p.modelVersion === '2')!;
    expect(shadowE1).toMatchObject({
      entityId: 'u1',
      segments: { country: 'fr' },
      numeric: { x1: 2, x2: 3 },
    });
    expect(counts.shadowScored).toBe(4);
  });

  it('scores the shadow jobs of requests answered together in one call per shadow, each event once, in order', async () => {
    const { table, published, scorer, shadows, publisher, counts } = harness();
    table.setChampion('m', served('m', '1'));
    const model = servingModel(-1, 1);
    const calls: number[] = [];
    const counting = {
      predict: (rows: Parameters<ServingModel['predict']>[0]) => {
        calls.push(rows.length);
        return model.predict(rows);
      },
      dispose: () => undefined,
    } as unknown as ServingModel;
    table.addShadow('m', new ServedVersion('m', '2', counting, new ContractValidator(CONTRACT), 0));
    // Six requests (the last of two events) answered in the same tick.
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => scorer.score('m', [{ ...input(i, 0), eventId: `e${i}` }])),
      scorer.score('m', [
        { ...input(5, 0), eventId: 'e5' },
        { ...input(6, 0), eventId: 'e6' },
      ]),
    ]);
    await shadows.idle();
    await publisher.drain();
    expect(calls).toEqual([7]);
    expect(counts.shadowScored).toBe(7);
    const shadowRows = published.filter((p) => p.modelVersion === '2');
    expect(shadowRows.map((p) => p.eventId)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    for (const p of shadowRows) expect(p.output.score).toBeCloseTo(sigmoid(-p.numeric.x1!), 5);
  });

  it('isolates the caller from a failing shadow and drops (and counts) jobs beyond the queue bound', async () => {
    const { table, published, scorer, shadows, publisher, counts } = harness({ shadowCapacity: 2 });
    table.setChampion('m', served('m', '1'));
    const broken = {
      predict: () => {
        throw new Error('shadow exploded');
      },
      dispose: () => undefined,
    } as unknown as ServingModel;
    table.addShadow('m', new ServedVersion('m', '9', broken, new ContractValidator(CONTRACT), 0));
    // Five requests answered in the same tick: the queue (capacity 2) takes two jobs, drops three.
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => scorer.score('m', [{ ...input(i, 0), eventId: `e${i}` }])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    await shadows.idle();
    await publisher.drain();
    expect(counts.shadowFailed).toBe(2);
    expect(counts.shadowDropped).toBe(3);
    expect(published.map((p) => p.modelVersion)).toEqual(['1', '1', '1', '1', '1']);
    // Retired shadows are released by the queue even when they fail or are dropped.
    expect(table.shadows('m')[0].active).toBe(0);
  });
});

describe('Scorer: contract and availability', () => {
  it('answers INVALID_INPUT naming each feature and instance, counts violations per feature, publishes nothing', async () => {
    const { table, published, scorer, publisher, counts } = harness();
    table.setChampion('m', served('m', '1'));
    const outcome = await scorer.score('m', [
      input(1, 1),
      { numeric: { x1: 1000 }, categorical: {}, segments: {} },
      { numeric: { x1: 1, x2: 2 }, categorical: {}, segments: {} },
    ]);
    expect(outcome).toEqual({
      status: 'INVALID_INPUT',
      modelId: 'm',
      version: '1',
      violations: [
        { index: 1, feature: 'x1', kind: 'above-max', message: 'x1: 1000 is above the maximum 100' },
        { index: 1, feature: 'x2', kind: 'missing', message: 'x2: required numeric feature is missing' },
      ],
    });
    expect(Object.fromEntries(counts.violations)).toEqual({ x1: 1, x2: 1 });
    await publisher.drain();
    expect(published).toEqual([]);
  });

  it('generates event ids when the caller gives none and tells unknown models from unloaded ones', async () => {
    const { table, scorer } = harness();
    expect(await scorer.score('m', [input(1, 1)])).toMatchObject({ status: 'MODEL_UNAVAILABLE' });
    expect(await scorer.score('other', [input(1, 1)])).toMatchObject({ status: 'UNKNOWN_MODEL' });
    table.setChampion('m', served('m', '1'));
    const outcome = await scorer.score('m', [input(1, 1), { ...input(0, 0), eventId: 'mine' }]);
    expect(outcome.status === 'OK' && outcome.predictions.map((p) => p.eventId)).toEqual(['gen-1', 'mine']);
  });

  it('waits for the acknowledgement when the call asks for it, as the Kafka mode does, even with awaitPublish off', async () => {
    const { table, published, scorer, publisher } = harness({ awaitPublish: false });
    table.setChampion('m', served('m', '1'));
    await scorer.score('m', [{ ...input(1, 1), eventId: 'http' }]);
    expect(published).toEqual([]); // answered before the broker had it
    await scorer.score('m', [{ ...input(1, 1), eventId: 'kafka' }], { awaitPublish: true });
    expect(published.map((p) => p.eventId)).toContain('kafka');
    await publisher.drain();
  });
});

function spec(version: string): VersionSpec {
  return {
    version,
    artifact: { uri: `file:///x/${version}`, sha256: 'a'.repeat(64), size: 1 },
    contract: null,
  };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
