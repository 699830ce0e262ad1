import { type ModelVersionEvent } from '@continuum/events';
import { SeededRandom } from '@continuum/learning';
import { MODEL_STAGES, type ModelStage, TRAINING_STRATEGIES } from './model';
import { type EventMeta, type VersionRegistration, artifactAttachedEvent } from './registry-events';
import { RegistryEventFixture } from './registry-fixtures';
import { RegistryView } from './registry-view';
import { judgeTransition } from './stage-machine';

const fixture = new RegistryEventFixture({ actor: 'tester' });
const meta = (sequence = 0, at = 1_000): EventMeta => fixture.meta({ sequence, occurredAt: at });

const model = (m: EventMeta, modelId = 'churn') =>
  fixture.model(
    modelId,
    {
      features: [{ name: 'x', type: 'NUMERIC', required: true, min: null, max: null, categories: [] }],
      owner: 'team-a',
      policyRef: 'churn',
    },
    m,
  );

const version = (
  m: EventMeta,
  v: string,
  stage: ModelStage = 'CANDIDATE',
  extra: Partial<VersionRegistration> = {},
) => fixture.version('churn', v, stage, extra, m);

const stage = (m: EventMeta, v: string, to: ModelStage, reason = 'because') =>
  fixture.stage({ modelId: 'churn', version: v, stage: to, reason, evidence: { pValue: 0.01 } }, m);

function fold(events: ModelVersionEvent[]): RegistryView {
  const view = new RegistryView();
  for (const e of events) view.apply(e);
  return view;
}

/** Everything a reader can observe of a view, as plain data. */
function snapshot(view: RegistryView) {
  return view.models().map((m) => ({
    model: m,
    champion: view.champion(m.modelId)?.version ?? null,
    versions: view.versions(m.modelId),
  }));
}

describe('RegistryView', () => {
  it('folds a model, its versions and a promotion, with the audit trail of every transition', () => {
    const view = new RegistryView();
    expect(view.apply(model(meta(1)))).toMatchObject({ applied: true, revision: 1 });
    view.apply(version(meta(2), '1', 'CHAMPION'));
    view.apply(version(meta(3), '2', 'CANDIDATE', { parentVersion: '1', strategy: 'WARM_START' }));
    view.apply(stage(meta(4, 2_000), '2', 'SHADOW', 'shadow test'));
    const promoted = view.apply(stage(meta(5, 3_000), '2', 'CHAMPION', 'beats the champion'));
    expect(promoted).toEqual({ applied: true, modelId: 'churn', versions: ['2', '1'], revision: 5 });

    expect(view.model('churn')).toMatchObject({
      task: 'BINARY_CLASSIFICATION',
      owner: 'team-a',
      policyRef: 'churn',
      revision: 5,
      explicit: true,
    });
    expect(view.champion('churn')?.version).toBe('2');
    expect(view.stageOf('churn', '1')).toBe('ARCHIVED');
    expect(view.inStage('churn', 'ARCHIVED').map((v) => v.version)).toEqual(['1']);
    expect(
      view.version('churn', '2')?.history.map((t) => [t.from, t.to, t.reason, t.at, t.revision]),
    ).toEqual([
      [null, 'CANDIDATE', null, 1_000, 3],
      ['CANDIDATE', 'SHADOW', 'shadow test', 2_000, 4],
      ['SHADOW', 'CHAMPION', 'beats the champion', 3_000, 5],
    ]);
    expect(view.version('churn', '2')?.history[2]).toMatchObject({
      actor: 'tester',
      evidence: { pValue: 0.01 },
    });
    expect(view.version('churn', '1')?.history.at(-1)).toMatchObject({
      from: 'CHAMPION',
      to: 'ARCHIVED',
      reason: 'replaced by version 2: beats the champion',
      revision: 5,
    });
    expect(view.version('churn', '2')?.contract?.features[0]?.name).toBe('x');
  });

  it('rolls back to the archived champion', () => {
    const view = fold([
      model(meta()),
      version(meta(), '1', 'CHAMPION'),
      version(meta(), '2', 'SHADOW'),
      stage(meta(), '2', 'CHAMPION'),
    ]);
    expect(view.apply(stage(meta(), '1', 'CHAMPION', 'rollback'))).toMatchObject({
      applied: true,
      versions: ['1', '2'],
    });
    expect(view.champion('churn')?.version).toBe('1');
    expect(view.stageOf('churn', '2')).toBe('ARCHIVED');
  });

  it('refuses illegal transitions and leaves the state as it was', () => {
    const view = fold([model(meta()), version(meta(), '1', 'CHAMPION'), version(meta(), '2')]);
    const before = JSON.stringify(snapshot(view));
    expect(view.apply(stage(meta(), '1', 'ARCHIVED'))).toMatchObject({
      applied: false,
      refusal: 'CHAMPION_NEEDS_SUCCESSOR',
    });
    expect(view.apply(stage(meta(), '2', 'CHAMPION'))).toMatchObject({ refusal: 'CHAMPION_EXISTS' });
    expect(view.apply(version(meta(), '3', 'CHAMPION'))).toMatchObject({ refusal: 'CHAMPION_EXISTS' });
    expect(view.apply(stage(meta(), '9', 'SHADOW'))).toMatchObject({ refusal: 'UNKNOWN_VERSION' });
    expect(view.apply(version(meta(), '2'))).toMatchObject({ refusal: 'VERSION_EXISTS' });
    expect(view.apply(model(meta()))).toMatchObject({ refusal: 'MODEL_EXISTS' });
    expect(view.apply({ ...stage(meta(), '2', 'SHADOW'), change: 'UNKNOWN' })).toMatchObject({
      refusal: 'UNKNOWN_CHANGE',
    });
    expect(JSON.stringify(snapshot(view))).toBe(before);
    expect(view.refusedCount()).toBe(7);
  });

  it('lets an EXTERNAL version be registered as champion, archiving the previous one', () => {
    const view = fold([model(meta()), version(meta(), '1', 'CHAMPION')]);
    expect(view.apply(version(meta(), '2', 'CHAMPION', { strategy: 'EXTERNAL' }))).toMatchObject({
      applied: true,
      versions: ['2', '1'],
    });
    expect(view.champion('churn')?.version).toBe('2');
    expect(view.stageOf('churn', '1')).toBe('ARCHIVED');
  });

  it('applies only the next sequence: of two writers racing on one revision, the first in the log wins', () => {
    const view = fold([model(meta(1)), version(meta(2), '1', 'CHAMPION'), version(meta(3), '2', 'SHADOW')]);
    const a = stage(meta(4), '2', 'CHAMPION');
    const b = stage(meta(4), '2', 'REJECTED');
    expect(view.apply(a)).toMatchObject({ applied: true, revision: 4 });
    expect(view.apply(b)).toMatchObject({ applied: false, refusal: 'STALE_SEQUENCE' });
    expect(view.stageOf('churn', '2')).toBe('CHAMPION');
    // Unsequenced events (older writers) are applied in log order.
    expect(view.apply(version(meta(0), '3'))).toMatchObject({ applied: true, revision: 5 });
  });

  it('keeps idempotency keys: a second registration with the same key is refused', () => {
    const view = fold([model(meta()), version(meta(), '1', 'CANDIDATE', { idempotencyKey: 'req-1' })]);
    expect(view.versionForIdempotencyKey('churn', 'req-1')?.version).toBe('1');
    expect(view.apply(version(meta(), '2', 'CANDIDATE', { idempotencyKey: 'req-1' }))).toMatchObject({
      refusal: 'DUPLICATE_IDEMPOTENCY_KEY',
    });
    expect(view.versions('churn')).toHaveLength(1);
    expect(view.nextVersionNumber('churn')).toBe('2');
  });

  it('carries lineage, metrics, profile references and artifacts', () => {
    const ref = { uri: 'file:///store/models/churn/1/profile.json', sha256: 'ab'.repeat(32), size: 123_456 };
    const view = fold([
      model(meta()),
      version(meta(), '1', 'CANDIDATE', {
        lineage: {
          examples: [{ topic: 'ct.examples', partition: 2, fromOffset: 10, toOffset: 500 }],
          seed: 42,
          codeVersion: 'abc123',
          hyperParameters: { learningRate: 0.1, layers: [8, 4] },
        },
        metrics: { accuracy: 0.91 },
        referenceProfileRef: ref,
      }),
    ]);
    view.apply(
      artifactAttachedEvent(meta(), { modelId: 'churn', version: '1', stage: 'CANDIDATE', artifact: ref }),
    );
    const v = view.version('churn', '1')!;
    expect(v.lineage).toEqual({
      examples: [{ topic: 'ct.examples', partition: 2, fromOffset: 10, toOffset: 500 }],
      seed: 42,
      codeVersion: 'abc123',
      hyperParameters: { learningRate: 0.1, layers: [8, 4] },
    });
    expect(v).toMatchObject({
      metrics: { accuracy: 0.91 },
      referenceProfileRef: ref,
      referenceProfile: null,
      artifact: ref,
    });
    // An ARTIFACT_ATTACHED change does not add to the stage audit trail but moves the revision.
    expect(v.history).toHaveLength(1);
    expect(view.revision('churn')).toBe(3);
  });

  it('implies a model from the versions of writers that never registered it', () => {
    const event: ModelVersionEvent = {
      ...version(meta(), 'v7', 'CHAMPION'),
      contract: { task: 'REGRESSION', features: [] },
      artifactUri: 'file:///old',
      artifact: null,
    };
    const view = fold([event]);
    expect(view.model('churn')).toMatchObject({ task: 'REGRESSION', explicit: false, owner: null });
    expect(view.version('churn', 'v7')?.artifact?.uri).toBe('file:///old');
    expect(view.nextVersionNumber('churn')).toBe('1');
    expect(view.apply(model(meta()))).toMatchObject({ applied: true });
    expect(view.model('churn')).toMatchObject({
      task: 'BINARY_CLASSIFICATION',
      explicit: true,
      owner: 'team-a',
    });
  });
});

/** A random mix of legal and illegal events over two models, some sequenced, some duplicated. */
function randomHistory(seed: number, length: number): ModelVersionEvent[] {
  const rng = new SeededRandom(seed);
  const next = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const events: ModelVersionEvent[] = [];
  let n = 0;
  for (let i = 0; i < length; i++) {
    const modelId = pick(['a', 'b']);
    const m: EventMeta = {
      eventId: `${seed}-${i}`,
      occurredAt: i,
      actor: 'p',
      sequence: next() < 0.2 ? Math.floor(next() * length) : 0,
    };
    const r = next();
    if (r < 0.05) events.push(model(m, modelId));
    else if (r < 0.35)
      events.push({
        ...version(m, String(++n), pick(MODEL_STAGES), { strategy: pick(TRAINING_STRATEGIES) }),
        modelId,
      });
    else if (r < 0.9)
      events.push({
        ...stage(m, String(1 + Math.floor(next() * Math.max(n, 1))), pick(MODEL_STAGES)),
        modelId,
      });
    else if (events.length > 0) events.push(pick(events));
  }
  return events;
}

describe('RegistryView properties (random histories)', () => {
  const seeds = Array.from({ length: 200 }, (_, i) => i + 1);

  it('never has two champions, and every recorded transition is legal', () => {
    for (const seed of seeds) {
      const view = fold(randomHistory(seed, 120));
      for (const m of view.models()) {
        expect(view.inStage(m.modelId, 'CHAMPION').length).toBeLessThanOrEqual(1);
        expect(view.champion(m.modelId)?.stage ?? 'CHAMPION').toBe('CHAMPION');
        for (const v of view.versions(m.modelId)) {
          expect(v.history[0]!.from).toBeNull();
          expect(v.history.at(-1)!.to).toBe(v.stage);
          for (const t of v.history.slice(1)) {
            // A champion leaves only by being archived for a successor, in that same event.
            if (t.from === 'CHAMPION') expect(t.to).toBe('ARCHIVED');
            else
              expect(
                judgeTransition({ version: v.version, from: t.from!, to: t.to, champion: null }).ok,
              ).toBe(true);
          }
          for (let i = 1; i < v.history.length; i++) {
            expect(v.history[i]!.revision).toBeGreaterThan(v.history[i - 1]!.revision);
          }
        }
      }
    }
  });

  it('is deterministic and idempotent: the same events folded twice, or replayed into the same view, give the same state', () => {
    for (const seed of seeds) {
      const events = randomHistory(seed, 120);
      const once = fold(events);
      const twice = fold(events);
      expect(snapshot(twice)).toEqual(snapshot(once));
      const replayed = fold([...events, ...events]);
      expect(snapshot(replayed)).toEqual(snapshot(once));
    }
  });

  it('counts as the revision exactly the events it applied', () => {
    for (const seed of seeds.slice(0, 50)) {
      const view = new RegistryView();
      const applied = new Map<string, number>();
      for (const e of randomHistory(seed, 120)) {
        const r = view.apply(e);
        if (r.applied) applied.set(e.modelId, (applied.get(e.modelId) ?? 0) + 1);
      }
      for (const m of view.models()) expect(m.revision).toBe(applied.get(m.modelId) ?? 0);
    }
  });
});
