import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type ArtifactStore, artifactStoreFromEnv } from '@continuum/artifact-store';
import {
  EventCodecs,
  type LabelledExample,
  type PromoterTestState,
  PromoterTestStateContract,
  type PromotionDecision,
  PromotionDecisionContract,
  topicName,
} from '@continuum/events';
import {
  type ConsumedRecord,
  EventProducer,
  KAFKA_CLIENT,
  type KafkaClient,
  KeyedSerialQueue,
  KeyedStateTopic,
} from '@continuum/kafka';
import { loadServingModel, type ServingModel } from '@continuum/learning';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { type ModelStage, type ModelVersion, RegistryClient, RegistryHttpError } from '@continuum/registry';
import { gateDecisionId, promotionDecision } from '../core/decision-event';
import { infraCheck } from '../core/infra-check';
import {
  newTest,
  PromotionTest,
  type TestKind,
  type TestOutcome,
  type TestRecord,
  testKey,
} from '../core/promotion-test';
import { RecentExamples } from '../core/recent-examples';
import { PromoterMetrics } from '../metrics/promoter-metrics';
import {
  gateOptions,
  guardrailLimits,
  policyFor,
  type PromoterPolicy,
  watchOptions,
} from '../policy/promoter-policy';
import { type PromoterConfig } from '../promoter.config';
import { RegistryFollower } from '../registry/registry-follower';
import { PROMOTER_CONFIG, PROMOTER_POLICY } from '../tokens';

const ACTOR = 'promoter';
/** A failed infrastructure check of an unreadable artifact is retried after this long. */
const INFRA_RETRY_MS = 10_000;

export class ManualActionError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

export interface TestView {
  key: string;
  kind: TestKind;
  modelId: string;
  championVersion: string;
  challengerVersion: string;
  metric: string;
  startedAt: number;
  evidence: ReturnType<PromotionTest['evidence']>;
  outcome: TestOutcome | null;
  pendingHalves: number;
  droppedHalves: number;
}

/**
 * The promoter: infrastructure checks of candidates, the sequential gate of shadows against the
 * champion on ct.examples, the watch after a promotion, and the manual calls. Everything that
 * touches the tests runs on one serial queue; each test's state (with the ct.examples offsets it
 * covers) is written to ct.promoter-state before the batch's offsets are committed.
 */
@Injectable()
export class PromoterRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly queue = new KeyedSerialQueue();
  private readonly store: KeyedStateTopic<PromoterTestState>;
  private readonly tests = new Map<string, PromotionTest>();
  private readonly registry: RegistryFollower;
  private readonly registryClient: RegistryClient;
  private readonly artifacts: ArtifactStore;
  private readonly recent: RecentExamples;
  private readonly replayModels = new Map<string, ServingModel>();
  private readonly infraAttempts = new Map<string, number>();
  private ready = false;
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @Inject(PROMOTER_CONFIG) private readonly config: PromoterConfig,
    @Inject(PROMOTER_POLICY) private readonly policy: PromoterPolicy,
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    private readonly producer: EventProducer,
    private readonly metrics: PromoterMetrics,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.store = new KeyedStateTopic(client, codecs, producer, {
      topic: topicName('promoterState'),
      contract: PromoterTestStateContract,
      groupIdPrefix: `${config.groupId}-state-reader`,
      onUndecodable: (r) =>
        logger.warn({ offset: r.offset }, 'skipping an undecodable ct.promoter-state record'),
    });
    this.registry = new RegistryFollower(client, codecs, logger, () => this.reconcileSoon());
    this.registryClient = new RegistryClient({ baseUrl: config.registryUrl, token: config.registryToken });
    this.artifacts = artifactStoreFromEnv(config.env, { service: 'promoter' });
    this.recent = new RecentExamples(config.infraSampleSize);
  }

  /** After KafkaModule provisioned the topics and connected the producer. */
  async onApplicationBootstrap(): Promise<void> {
    this.health.addReadinessCheck('promoter-state', () =>
      this.ready ? { ok: true } : { ok: false, detail: 'reading ct.promoter-state and ct.model-versions' },
    );
    await this.store.start();
    for (const [key, value] of this.store.entries()) {
      const record = JSON.parse(value.state) as TestRecord;
      this.tests.set(key, new PromotionTest(record));
    }
    await this.registry.start();
    this.logger.info({ tests: [...this.tests.keys()] }, 'tests resumed from ct.promoter-state');
    this.ready = true;
    this.refreshGauges();
    this.scheduleReconcile(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearTimeout(this.soon);
    await this.queue.drain();
    await this.registry.stop();
    for (const m of this.replayModels.values()) m.dispose();
  }

  isReady(): boolean {
    return this.ready;
  }

  // ---------------------------------------------------------------- ct.examples

  /** One partition's batch; resolves after every test it changed is in ct.promoter-state. */
  handleExamples(
    records: Array<ConsumedRecord<LabelledExample>>,
    partition: number,
    nextOffset: string,
  ): Promise<void> {
    return this.queue.run(async () => {
      const touched = new Set<PromotionTest>();
      const models = new Set<string>();
      for (const r of records) {
        const example = r.value;
        models.add(example.modelId);
        this.recent.add(example);
        let used = false;
        for (const test of this.testsOf(example.modelId)) {
          if (test.decided) continue;
          if (test.covers(partition, r.offset)) {
            this.metrics.examples.inc({ outcome: 'replayed_after_restart' });
            continue;
          }
          if (test.record.kind === 'GATE') {
            test.observe(example);
          } else if (example.modelVersion === test.record.challengerVersion) {
            const previous = await this.replayModel(test.record.modelId, test.record.championVersion);
            if (previous) {
              try {
                const [output] = previous.predict([example]);
                test.observeReplayed(example, output);
              } catch (error) {
                this.logger.warn(
                  { eventId: example.eventId, error: String(error) },
                  'previous champion could not score an event',
                );
              }
            }
          }
          used = true;
          touched.add(test);
        }
        this.metrics.examples.inc({ outcome: used ? 'paired' : 'not_under_test' });
      }
      for (const test of this.tests.values()) {
        if (models.has(test.record.modelId) && !test.decided) {
          test.advance(partition, nextOffset);
          touched.add(test);
        }
      }
      await this.persist([...touched]);
      for (const test of touched)
        if (test.record.outcome && !test.record.outcome.applied) await this.apply(test);
      this.refreshGauges();
    });
  }

  private testsOf(modelId: string): PromotionTest[] {
    return [...this.tests.values()].filter((t) => t.record.modelId === modelId);
  }

  private async persist(tests: PromotionTest[]): Promise<void> {
    if (tests.length === 0) return;
    const now = Date.now();
    await this.store.putAll(
      tests.map((t) => {
        const record = t.snapshot();
        return [
          record.key,
          { key: record.key, modelId: record.modelId, state: JSON.stringify(record), writtenAt: now },
        ] as const;
      }),
    );
  }

  private async forget(test: PromotionTest): Promise<void> {
    this.tests.delete(test.record.key);
    await this.store.delete(test.record.key);
    for (const g of [this.metrics.testPairs, this.metrics.testLower, this.metrics.testUpper]) {
      g.remove({
        model_id: test.record.modelId,
        challenger_version: test.record.challengerVersion,
        kind: test.record.kind,
      });
    }
  }

  private async replayModel(modelId: string, version: string): Promise<ServingModel | null> {
    const key = `${modelId}|${version}`;
    const cached = this.replayModels.get(key);
    if (cached) return cached;
    const v = this.registry.view.version(modelId, version);
    if (!v?.artifact) return null;
    try {
      const bytes = await this.artifacts.get(v.artifact);
      const model = loadServingModel(bytes, { sha256: v.artifact.sha256 });
      this.replayModels.set(key, model);
      return model;
    } catch (error) {
      this.logger.error(
        { modelId, version, error: String(error) },
        'previous champion artifact does not load; the watch cannot score it',
      );
      return null;
    }
  }

  // ---------------------------------------------------------------- reconcile

  private scheduleReconcile(delayMs = this.config.reconcileMs): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.reconcile()
        .catch((error: unknown) => this.logger.error({ error: String(error) }, 'reconcile failed; retried'))
        .finally(() => this.scheduleReconcile());
    }, delayMs);
    this.timer.unref();
  }

  /** A registry change: reconcile within 50 ms instead of waiting for the interval. */
  private reconcileSoon(): void {
    if (!this.ready || this.stopping || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.reconcile().catch((error: unknown) =>
        this.logger.error({ error: String(error) }, 'reconcile failed; retried'),
      );
    }, 50);
    this.soon.unref();
  }

  /** Candidates → infrastructure check; shadows → a gate; tests whose versions moved elsewhere → dropped. */
  reconcile(): Promise<void> {
    return this.queue.run(async () => {
      for (const model of this.registry.view.models()) await this.reconcileModel(model.modelId);
      for (const test of [...this.tests.values()]) {
        if (test.record.outcome && !test.record.outcome.applied) await this.apply(test);
      }
      this.refreshGauges();
    });
  }

  private async reconcileModel(modelId: string): Promise<void> {
    const view = this.registry.view;
    const champion = view.champion(modelId);
    const settings = policyFor(this.policy, modelId);
    for (const candidate of view.inStage(modelId, 'CANDIDATE')) await this.checkCandidate(candidate);
    for (const shadow of view.inStage(modelId, 'SHADOW')) {
      const key = testKey(modelId, shadow.version, 'GATE');
      if (champion && !this.tests.has(key)) {
        const test = new PromotionTest(
          newTest({
            kind: 'GATE',
            modelId,
            championVersion: champion.version,
            challengerVersion: shadow.version,
            metric: settings.metric,
            gateOptions: gateOptions(settings),
            limits: guardrailLimits(settings),
            latencyP99Ms: latencyFromHistory(shadow),
            regression: this.isRegression(modelId),
            now: Date.now(),
          }),
        );
        this.tests.set(key, test);
        await this.persist([test]);
        this.logger.info({ modelId, champion: champion.version, challenger: shadow.version }, 'gate started');
      }
    }
    for (const test of this.testsOf(modelId)) {
      if (test.record.outcome) continue;
      const r = test.record;
      const stale =
        r.kind === 'GATE'
          ? view.stageOf(modelId, r.challengerVersion) !== 'SHADOW' || champion?.version !== r.championVersion
          : champion?.version !== r.challengerVersion;
      if (stale) {
        this.logger.info({ test: r.key }, 'test dropped: its versions changed stage outside the promoter');
        await this.forget(test);
      }
    }
  }

  private async checkCandidate(candidate: ModelVersion): Promise<void> {
    const key = `${candidate.modelId}|${candidate.version}`;
    if (!candidate.artifact) return;
    const last = this.infraAttempts.get(key);
    if (last !== undefined && Date.now() - last < INFRA_RETRY_MS) return;
    const sample = this.recent.sample(candidate.modelId);
    if (sample.length < this.config.infraMinSample) return;
    this.infraAttempts.set(key, Date.now());
    let bytes: Buffer;
    try {
      bytes = await this.artifacts.get(candidate.artifact);
    } catch (error) {
      this.logger.warn({ key, error: String(error) }, 'candidate artifact unreadable; check retried');
      return;
    }
    const verdict = infraCheck({
      bytes,
      sha256: candidate.artifact.sha256,
      sample,
      latencyBudgetMs: policyFor(this.policy, candidate.modelId).maxLatencyP99Ms,
      now: () => performance.now(),
    });
    this.metrics.infraChecks.inc({ model_id: candidate.modelId, outcome: verdict.ok ? 'passed' : 'failed' });
    const champion = this.registry.view.champion(candidate.modelId)?.version ?? null;
    if (verdict.ok) {
      const evidence = {
        check: 'infrastructure',
        predictions: verdict.predictions,
        p50Ms: verdict.p50Ms,
        p99Ms: verdict.p99Ms,
        engine: verdict.engine,
      };
      this.logger.info({ key, ...evidence }, 'infrastructure check passed → SHADOW');
      await this.changeStage(
        candidate.modelId,
        candidate.version,
        'SHADOW',
        'infrastructure check passed',
        evidence,
      );
      return;
    }
    this.logger.warn({ key, reason: verdict.reason }, 'infrastructure check failed → REJECTED');
    if (
      await this.changeStage(
        candidate.modelId,
        candidate.version,
        'REJECTED',
        `infrastructure check failed: ${verdict.reason}`,
        { check: 'infrastructure', reason: verdict.reason, p99Ms: verdict.p99Ms },
      )
    ) {
      await this.publish(
        promotionDecision({
          decision: 'REJECT',
          modelId: candidate.modelId,
          championVersion: champion,
          challengerVersion: candidate.version,
          previousChampionVersion: null,
          reason: `INFRASTRUCTURE_CHECK: ${verdict.reason}`,
          actor: ACTOR,
          decidedAt: Date.now(),
          decisionId: `promoter|${candidate.modelId}|${candidate.version}|INFRA|REJECT`,
          test: null,
          evidence: null,
          guardrails: [],
        }),
      );
    }
  }

  // ---------------------------------------------------------------- decisions

  /** Carries out a decided test: registry stage change(s), then the ct.promotions record, then the watch. */
  private async apply(test: PromotionTest): Promise<void> {
    const r = test.record;
    const o = r.outcome!;
    const evidence = test.evidence();
    const base = {
      modelId: r.modelId,
      actor: ACTOR,
      decidedAt: o.decidedAt,
      decisionId: gateDecisionId(r, o.decision),
      test: r,
      evidence,
      guardrails: o.guardrails,
    };
    const stageEvidence = {
      decisionId: base.decisionId,
      ...jsonEvidence(evidence),
      guardrails: o.guardrails,
    };
    if (o.decision === 'PROMOTE') {
      if (
        !(await this.changeStage(
          r.modelId,
          r.challengerVersion,
          'CHAMPION',
          `sequential gate: ${o.reason}`,
          stageEvidence,
        ))
      ) {
        return this.abandon(test, 'the registry refused the promotion');
      }
      await this.publish(
        promotionDecision({
          ...base,
          decision: 'PROMOTE',
          championVersion: r.championVersion,
          challengerVersion: r.challengerVersion,
          previousChampionVersion: r.championVersion,
          reason: o.reason,
        }),
      );
      await this.startWatch(r.modelId, r.championVersion, r.challengerVersion);
    } else if (o.decision === 'REJECT') {
      if (
        !(await this.changeStage(
          r.modelId,
          r.challengerVersion,
          'REJECTED',
          `sequential gate: ${o.reason}`,
          stageEvidence,
        ))
      ) {
        return this.abandon(test, 'the registry refused the rejection');
      }
      await this.publish(
        promotionDecision({
          ...base,
          decision: 'REJECT',
          championVersion: r.championVersion,
          challengerVersion: r.challengerVersion,
          previousChampionVersion: null,
          reason: o.reason,
        }),
      );
    } else if (o.decision === 'ROLLBACK') {
      if (
        !(await this.changeStage(
          r.modelId,
          r.championVersion,
          'CHAMPION',
          `rollback: ${o.reason}`,
          stageEvidence,
        ))
      ) {
        return this.abandon(test, 'the registry refused the rollback');
      }
      await this.changeStage(
        r.modelId,
        r.challengerVersion,
        'REJECTED',
        `rolled back: ${o.reason}`,
        stageEvidence,
      );
      await this.publish(
        promotionDecision({
          ...base,
          decision: 'ROLLBACK',
          championVersion: r.challengerVersion,
          challengerVersion: r.challengerVersion,
          previousChampionVersion: r.championVersion,
          reason: o.reason,
        }),
      );
    } else {
      this.logger.info(
        { test: r.key, pairs: evidence.pairs, lower: evidence.lower },
        'watch complete: the new champion stays',
      );
    }
    o.applied = true;
    await this.forget(test);
  }

  private async abandon(test: PromotionTest, why: string): Promise<void> {
    this.logger.error({ test: test.record.key, outcome: test.record.outcome }, `decision abandoned: ${why}`);
    await this.forget(test);
  }

  /** The model's task (the registry's contract, else its champion's): regression guardrails apply. */
  private isRegression(modelId: string): boolean {
    const view = this.registry.view;
    const task = view.model(modelId)?.task ?? view.champion(modelId)?.contract?.task ?? null;
    return task === 'REGRESSION';
  }

  private async startWatch(modelId: string, previous: string, current: string): Promise<void> {
    const settings = policyFor(this.policy, modelId);
    if (settings.watchPairs === 0) return;
    const test = new PromotionTest(
      newTest({
        kind: 'WATCH',
        modelId,
        championVersion: previous,
        challengerVersion: current,
        metric: settings.metric,
        gateOptions: watchOptions(settings),
        limits: guardrailLimits(settings),
        latencyP99Ms: null,
        regression: this.isRegression(modelId),
        now: Date.now(),
      }),
    );
    this.tests.set(test.record.key, test);
    await this.persist([test]);
    this.logger.info({ modelId, previous, current }, 'watching the new champion against the previous one');
  }

  /**
   * One registry stage change; true when the version is in `stage` afterwards (also when a replay
   * finds it there already), false when the registry refused it.
   */
  private async changeStage(
    modelId: string,
    version: string,
    stage: ModelStage,
    reason: string,
    evidence: Record<string, unknown>,
    actor = ACTOR,
  ): Promise<boolean> {
    try {
      await this.registryClient.changeStage(modelId, version, { stage, reason, actor, evidence });
    } catch (error) {
      if (!(error instanceof RegistryHttpError) || (error.status !== 409 && error.status !== 422))
        throw error;
      await this.registry.sync();
      if (this.registry.view.stageOf(modelId, version) === stage) return true;
      this.logger.warn(
        { modelId, version, stage, status: error.status, message: error.message },
        'stage change refused',
      );
      return false;
    }
    await this.registry.sync();
    return true;
  }

  private async publish(decision: PromotionDecision): Promise<void> {
    await this.producer.send(topicName('promotions'), PromotionDecisionContract, [
      { key: decision.modelId, value: decision },
    ]);
    this.metrics.decisions.inc({
      model_id: decision.modelId,
      decision: decision.decision,
      actor: decision.actor === ACTOR ? 'promoter' : 'manual',
    });
    this.logger.info(
      {
        decisionId: decision.decisionId,
        decision: decision.decision,
        modelId: decision.modelId,
        challenger: decision.challengerVersion,
        pairs: decision.pairedCount,
        reason: decision.reason,
        lower: decision.evidence?.lower,
        upper: decision.evidence?.upper,
      },
      'decision published',
    );
  }

  // ---------------------------------------------------------------- manual

  /** Manual promote / reject / rollback: the same registry change and ct.promotions record as the gate's. */
  manual(
    action: 'promote' | 'reject' | 'rollback',
    modelId: string,
    version: string | undefined,
    reason: string,
    actor: string,
  ): Promise<PromotionDecision> {
    return this.queue.run(async () => {
      await this.registry.sync();
      const view = this.registry.view;
      if (!view.model(modelId)) throw new ManualActionError(404, `model ${modelId} is not registered`);
      const champion = view.champion(modelId)?.version ?? null;
      const now = Date.now();
      let target: string;
      let stage: ModelStage;
      let decision: PromotionDecision['decision'];
      let test: PromotionTest | undefined;
      if (action === 'rollback') {
        const watch = [...this.testsOf(modelId)].find((t) => t.record.kind === 'WATCH');
        target =
          version ??
          watch?.record.championVersion ??
          previousChampion(view.versions(modelId), champion) ??
          '';
        if (!target)
          throw new ManualActionError(409, `model ${modelId} has no previous champion to roll back to`);
        if (view.stageOf(modelId, target) !== 'ARCHIVED')
          throw new ManualActionError(
            409,
            `version ${target} is ${view.stageOf(modelId, target) ?? 'unknown'}; rollback needs an ARCHIVED former champion`,
          );
        stage = 'CHAMPION';
        decision = 'ROLLBACK';
        test = watch;
      } else {
        if (!version) throw new ManualActionError(422, 'version is required');
        const current = view.stageOf(modelId, version);
        if (!current)
          throw new ManualActionError(404, `version ${version} of model ${modelId} is not registered`);
        stage = action === 'promote' ? 'CHAMPION' : 'REJECTED';
        decision = action === 'promote' ? 'PROMOTE' : 'REJECT';
        target = version;
        test = this.tests.get(testKey(modelId, version, 'GATE'));
      }
      const evidence = test?.evidence() ?? null;
      const decisionId = `manual|${modelId}|${target}|${decision}|${now}`;
      try {
        await this.registryClient.changeStage(modelId, target, {
          stage,
          reason: `manual: ${reason}`,
          actor,
          evidence: { decisionId, ...(evidence ? jsonEvidence(evidence) : {}) },
        });
      } catch (error) {
        if (
          error instanceof RegistryHttpError &&
          (error.status === 404 || error.status === 409 || error.status === 422)
        ) {
          throw new ManualActionError(error.status, `registry: ${error.message}`);
        }
        throw error;
      }
      await this.registry.sync();
      const record = promotionDecision({
        decision,
        modelId,
        championVersion: champion,
        challengerVersion: target,
        previousChampionVersion: decision === 'REJECT' ? null : decision === 'ROLLBACK' ? target : champion,
        reason: `MANUAL: ${reason}`,
        actor,
        decidedAt: now,
        decisionId,
        test: test?.record ?? null,
        evidence,
        guardrails: test ? (test.record.outcome?.guardrails ?? []) : [],
      });
      await this.publish(record);
      if (test) await this.forget(test);
      if (decision === 'PROMOTE' && champion) await this.startWatch(modelId, champion, target);
      this.refreshGauges();
      return record;
    });
  }

  /** Running tests with their evidence, for GET /tests. */
  listTests(modelId?: string): TestView[] {
    return [...this.tests.values()]
      .filter((t) => modelId === undefined || t.record.modelId === modelId)
      .map((t) => ({
        key: t.record.key,
        kind: t.record.kind,
        modelId: t.record.modelId,
        championVersion: t.record.championVersion,
        challengerVersion: t.record.challengerVersion,
        metric: t.record.metric,
        startedAt: t.record.startedAt,
        evidence: t.evidence(),
        outcome: t.record.outcome,
        pendingHalves: t.snapshot().pending.length,
        droppedHalves: t.record.droppedHalves,
      }));
  }

  private refreshGauges(): void {
    this.metrics.runningTests.set(this.tests.size);
    for (const t of this.tests.values()) {
      const labels = {
        model_id: t.record.modelId,
        challenger_version: t.record.challengerVersion,
        kind: t.record.kind,
      };
      const e = t.evidence();
      this.metrics.testPairs.set(labels, e.pairs);
      if (Number.isFinite(e.lower)) this.metrics.testLower.set(labels, e.lower);
      if (Number.isFinite(e.upper)) this.metrics.testUpper.set(labels, e.upper);
    }
  }
}

/** The candidate's p99 from the infrastructure check recorded in its SHADOW transition's evidence. */
function latencyFromHistory(v: ModelVersion): number | null {
  for (let i = v.history.length - 1; i >= 0; i--) {
    const e = v.history[i];
    if (e.to === 'SHADOW' && e.evidence && typeof e.evidence.p99Ms === 'number') return e.evidence.p99Ms;
  }
  return null;
}

/** The most recent ARCHIVED version that was once CHAMPION. */
function previousChampion(versions: readonly ModelVersion[], current: string | null): string | null {
  let best: { version: string; at: number } | null = null;
  for (const v of versions) {
    if (v.stage !== 'ARCHIVED' || v.version === current) continue;
    const at = v.history.filter((h) => h.to === 'ARCHIVED').at(-1)?.at ?? 0;
    if (!best || at > best.at) best = { version: v.version, at };
  }
  return best?.version ?? null;
}

/** The gate evidence as plain JSON (infinite bounds as null) for the registry's audit trail. */
function jsonEvidence(e: ReturnType<PromotionTest['evidence']>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(e).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]),
  );
}
