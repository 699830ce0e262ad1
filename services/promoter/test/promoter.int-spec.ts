/**
 * The promoter as a process on the real broker, schema registry and model registry service (also a
 * process). The test plays the scorer and the evaluator: it publishes ct.examples records of each
 * version with the version's real predictions (libs/learning logistic models) joined with labels.
 *
 * Concept: y = 1 when x1 + x2 > 0. v1 (champion) looks at x1 only (≈ 75 % accurate), v2 at −x1
 * (≈ 25 %), v3 at x1 + x2 (≈ 100 %, confident: its ECE must not exceed v1's by the guardrail's 0.05).
 *  1. v2: infrastructure check passes → SHADOW; the gate rejects it, evidence in the event.
 *  2. v3: SHADOW; the gate promotes it (the promoter is SIGKILLed mid-test and resumes the test).
 *  3. v3 then degrades (half of its answers flipped): the watch rolls back to v1, evidence in the event.
 */
import { randomBytes } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { type LabelledExample, type PromotionDecision } from '@continuum/events';
import { RegistryClient } from '@continuum/registry';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  ExamplePublisher,
  PromotionsReader,
  artifactStoreUrl,
  createTwoFeatureModel,
  features,
  labelled,
  logisticModel,
  storeArtifact,
} from './promoter-fixtures';

jest.setTimeout(300_000);

const MODEL = 'promoter-it';
const REGISTRY_TOKEN = randomBytes(16).toString('hex');
const PROMOTER_TOKEN = randomBytes(16).toString('hex');
const concept = (x: { x1: number; x2: number }): number => (x.x1 + x.x2 > 0 ? 1 : 0);
const t0 = Date.now();
const step = (what: string): void => {
  process.stdout.write(`[promoter-it +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);
};

describe('promoter: gate, rejection, promotion, resume after SIGKILL, rollback', () => {
  let kafka: Kafka;
  let registry: ServiceProcess;
  let promoter: ServiceProcess;
  let publisher: ExamplePublisher;
  let promotions: PromotionsReader;
  let client: RegistryClient;
  let promoterEnv: Record<string, string>;

  beforeAll(async () => {
    kafka = testKafka();
    const { names, env } = privateTopics('promoter');
    await createTopics(kafka, [
      { topic: names.examples, partitions: 3 },
      { topic: names.modelVersions, partitions: 3 },
      { topic: names.promotions, partitions: 3 },
      { topic: names.promoterState, partitions: 1 },
    ]);
    const storeUrl = artifactStoreUrl();
    const common = { ...env, ARTIFACT_STORE_URL: storeUrl, KAFKA_PROVISION_TOPICS: 'true' };
    registry = await ServiceProcess.startService('registry', {
      ...common,
      REGISTRY_API_TOKEN: REGISTRY_TOKEN,
      REGISTRY_GROUP_ID: uniqueName('registry'),
    });
    promoterEnv = {
      ...common,
      REGISTRY_URL: registry.baseUrl!,
      REGISTRY_API_TOKEN: REGISTRY_TOKEN,
      PROMOTER_API_TOKEN: PROMOTER_TOKEN,
      PROMOTER_GROUP_ID: uniqueName('promoter'),
      PROMOTER_MIN_PAIRS: '200',
      PROMOTER_MIN_DURATION: '0',
      PROMOTER_TUNING_PAIRS: '500',
      PROMOTER_WATCH_MIN_PAIRS: '200',
      PROMOTER_WATCH_PAIRS: '20000',
      // measured on a shared machine: the budget is generous, the value is in the evidence
      PROMOTER_MAX_LATENCY_P99_MS: '200',
      PROMOTER_INFRA_MIN_SAMPLE: '20',
      PROMOTER_RECONCILE_INTERVAL: '300ms',
    };
    promoter = await ServiceProcess.startService('promoter', promoterEnv);
    publisher = new ExamplePublisher(kafka, names.examples);
    await publisher.connect();
    promotions = new PromotionsReader(kafka, names.promotions);
    await promotions.start();
    client = new RegistryClient({ baseUrl: registry.baseUrl!, token: REGISTRY_TOKEN });
    step('registry and promoter running');
  });

  afterAll(async () => {
    await promotions?.stop();
    await publisher?.disconnect();
    await promoter?.stop();
    await registry?.stop();
  });

  const v1 = logisticModel(4, 0, MODEL);
  const v2 = logisticModel(-4, 0, MODEL);
  const v3 = logisticModel(12, 12, MODEL);
  let event = 0;
  const run = randomBytes(3).toString('hex');

  /** Publishes `n` events scored by each of `versions` (the same event ids), as the evaluator would. */
  async function publish(
    n: number,
    versions: Array<[string, (typeof v1)['model'], ((i: number, s: number) => number)?]>,
  ): Promise<void> {
    const batch: LabelledExample[] = [];
    for (let k = 0; k < n; k++, event++) {
      const x = features(event, 7);
      const eventId = `${run}-${event}`;
      for (const [version, model, distort] of versions) {
        const example = labelled(MODEL, version, model, eventId, x, concept(x), t0 + event * 1000);
        const score = example.output.score as number;
        batch.push(
          distort
            ? labelled(
                MODEL,
                version,
                model,
                eventId,
                x,
                concept(x),
                t0 + event * 1000,
                distort(event, score),
              )
            : example,
        );
      }
    }
    await publisher.send(batch);
  }

  async function until(
    what: string,
    find: () => PromotionDecision | undefined,
    feed: () => Promise<void>,
    maxRounds = 60,
  ): Promise<PromotionDecision> {
    for (let round = 0; round < maxRounds; round++) {
      const found = find();
      if (found) return found;
      await feed();
      await new Promise((r) => setTimeout(r, 500));
    }
    const found = find();
    if (!found)
      throw new Error(
        `no ${what} after ${maxRounds} rounds; decisions: ${JSON.stringify(promotions.decisions)}\n${promoter.output.slice(-30).join('\n')}`,
      );
    return found;
  }

  async function stageOf(version: string): Promise<string> {
    return (await client.getVersion(MODEL, version)).stage;
  }

  async function register(bytes: Uint8Array, stage?: 'CHAMPION'): Promise<string> {
    const ref = await storeArtifact(
      promoterEnv.ARTIFACT_STORE_URL,
      `models/${MODEL}/${randomBytes(4).toString('hex')}.bin`,
      bytes,
    );
    const { version } = await client.registerVersion(MODEL, {
      strategy: 'FULL',
      artifact: ref,
      ...(stage ? { stage } : {}),
    });
    return version.version;
  }

  it('answers manual calls with 401 without the token and 400 naming the field', async () => {
    const url = `${promoter.baseUrl}/models/${MODEL}/versions/1/reject`;
    const noToken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"x"}',
    });
    expect(noToken.status).toBe(401);
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROMOTER_TOKEN}` },
      body: JSON.stringify({ reason: '', extra: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('extra');
  });

  it('rejects a worse candidate, promotes a better one (resuming after SIGKILL), rolls it back when it degrades', async () => {
    await createTwoFeatureModel(client, MODEL, 'promoter-it');
    const champion = await register(v1.bytes, 'CHAMPION');
    step(`v${champion} registered as CHAMPION`);
    await publish(50, [[champion, v1.model]]);

    // 1. a worse candidate
    const worse = await register(v2.bytes);
    step(`v${worse} (worse) registered as CANDIDATE`);
    await waitFor(`v${worse} SHADOW`, async () => (await stageOf(worse)) === 'SHADOW', {
      timeoutMs: 120_000,
      intervalMs: 300,
    });
    step(`v${worse}: infrastructure check passed → SHADOW`);
    const reject = await until(
      'REJECT',
      () => promotions.find('REJECT', worse),
      () =>
        publish(100, [
          [champion, v1.model],
          [worse, v2.model],
        ]),
    );
    step(`v${worse} REJECTED after ${reject.pairedCount} pairs: ${JSON.stringify(reject.evidence)}`);
    expect(reject).toMatchObject({
      modelId: MODEL,
      championVersion: champion,
      reason: 'CHALLENGER_WORSE',
      actor: 'promoter',
      test: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE',
    });
    expect(reject.pairedCount).toBeGreaterThanOrEqual(200);
    expect(reject.evidence!.upper).toBeLessThan(0);
    expect(reject.evidence!.championMeanLoss).toBeLessThan(reject.evidence!.challengerMeanLoss);
    expect(reject.evidence!.guardrails.map((g) => g.name)).toEqual(
      expect.arrayContaining(['latency_p99_ms', 'ece_increase', 'prediction_psi']),
    );
    await waitFor(`v${worse} REJECTED in the registry`, async () => (await stageOf(worse)) === 'REJECTED', {
      timeoutMs: 120_000,
    });

    // 2. a better candidate, with a SIGKILL of the promoter in the middle of its test
    const better = await register(v3.bytes);
    step(`v${better} (better) registered as CANDIDATE`);
    await waitFor(`v${better} SHADOW`, async () => (await stageOf(better)) === 'SHADOW', {
      timeoutMs: 120_000,
      intervalMs: 300,
    });
    step(`v${better}: infrastructure check passed → SHADOW`);
    await publish(120, [
      [champion, v1.model],
      [better, v3.model],
    ]);
    const pairsOf = async (): Promise<number> => {
      const tests = (await (await fetch(`${promoter.baseUrl}/models/${MODEL}/tests`)).json()) as Array<{
        challengerVersion: string;
        evidence: { pairs: number };
      }>;
      return tests.find((t) => t.challengerVersion === better)?.evidence.pairs ?? -1;
    };
    await waitFor('pairs before the kill', async () => (await pairsOf()) >= 100, { timeoutMs: 120_000 });
    const before = await pairsOf();
    promoter.kill('SIGKILL');
    await promoter.exited();
    step(`promoter SIGKILLed with ${before} pairs in v${better}'s test`);
    promoter = await ServiceProcess.startService('promoter', promoterEnv);
    const after = await pairsOf();
    step(`promoter restarted: the test resumed with ${after} pairs`);
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBeLessThanOrEqual(120);
    const promote = await until(
      'PROMOTE',
      () => promotions.find('PROMOTE', better),
      () =>
        publish(100, [
          [champion, v1.model],
          [better, v3.model],
        ]),
    );
    step(`v${better} PROMOTED after ${promote.pairedCount} pairs: ${JSON.stringify(promote.evidence)}`);
    expect(promote).toMatchObject({
      championVersion: champion,
      previousChampionVersion: champion,
      reason: 'CHALLENGER_BETTER',
    });
    expect(promote.evidence!.lower).toBeGreaterThan(0);
    expect(promote.evidence!.guardrails.every((g) => g.passed)).toBe(true);
    // no pair counted twice: the decision's pairs never exceed the distinct events both versions scored
    expect(promote.pairedCount).toBeLessThanOrEqual(event - 50 - reject.pairedCount);
    await waitFor('v3 champion', async () => (await client.champion(MODEL))?.version === better, {
      timeoutMs: 120_000,
    });

    // 3. the new champion degrades: half of its answers are flipped
    const flip = (i: number, s: number): number => (i % 2 === 0 ? 1 - s : s);
    const rollback = await until(
      'ROLLBACK',
      () => promotions.find('ROLLBACK', better),
      () => publish(100, [[better, v3.model, flip]]),
    );
    step(
      `v${better} ROLLED BACK to v${champion} after ${rollback.pairedCount} watched pairs: ${JSON.stringify(rollback.evidence)}`,
    );
    expect(rollback).toMatchObject({ previousChampionVersion: champion, reason: 'NEW_CHAMPION_WORSE' });
    expect(rollback.evidence!.mode).toBe('non-inferiority');
    expect(rollback.evidence!.upper).toBeLessThan(-0.02);
    await waitFor('v1 champion again', async () => (await client.champion(MODEL))?.version === champion, {
      timeoutMs: 120_000,
    });
    expect(await stageOf(better)).toBe('REJECTED');
  });
});
