/**
 * THE LOOP (issue 12), every service a process on the real broker, schema registry and model
 * registry service: the scorer serves v1 to a stream of requests; the concept changes; the
 * evaluator's windows show the accuracy drop and the controller requests a retrain; the trainer
 * registers v2 (CANDIDATE); the promoter's infrastructure check passes and v2 shadows; paired
 * evidence accumulates on ct.examples; the promoter promotes v2; the scorer serves v2; the served
 * accuracy recovers. Each step is printed with its wall-clock time since the start.
 *
 * Concept A: y = 1 when x1 + x2 > 0 (v1 = sigmoid(12·x1 + 12·x2) is ≈ 100 % right). From window
 * FLIP on, concept B: y = 1 when x1 − x2 > 0 (v1 ≈ 50 %). Event time runs one evaluator window
 * (1 minute) per round of PER_ROUND requests.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import {
  type Label,
  LabelContract,
  type PromotionDecision,
  type RetrainRequest,
  RetrainRequestContract,
  Topics,
  type TopicKey,
} from '@continuum/events';
import { EventProducer, type KafkaClient, TopicView } from '@continuum/kafka';
import { RegistryClient } from '@continuum/registry';
import { seededUniform } from '@continuum/stats';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  testCodecs,
  testKafka,
  uniqueName,
} from '@continuum/testing';
import {
  PromotionsReader,
  artifactStoreUrl,
  createTwoFeatureModel,
  logisticModel,
  storeArtifact,
} from '../services/promoter/test/promoter-fixtures';

jest.setTimeout(900_000);

const MODEL = 'loop';
const MINUTE = 60_000;
const PER_ROUND = 300;
const FLIP = 4;
const MAX_ROUNDS = 40;
const TOKEN = randomBytes(16).toString('hex');
const started = Date.now();
const log: string[] = [];
function step(what: string): void {
  const line = `[loop +${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`;
  log.push(line);
  process.stdout.write(`${line}\n`);
}

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'loop-')), name);
  writeFileSync(file, text);
  return file;
}

const CONTROLLER_POLICY = `
defaults:
  cooldown: 1h
  dailyBudget: 3
  dedupInterval: 1s
  request:
    mode: FULL
    window: { kind: FIXED_COUNT, count: 500 }
models:
  ${MODEL}:
    drift: { enabled: false }
    conceptDrift: false
    performance:
      metric: accuracy
      threshold: 0.8
      consecutiveWindows: 2
      minLabelled: 100
`;

const TRAINER_POLICY = `
defaults: { seed: 3, holdout: 100, lookback: 30d }
models:
  '*': {}
`;

class Collector<T> {
  readonly values: T[] = [];
  private view?: TopicView<T>;
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly contract: Parameters<EventProducer['send']>[1],
  ) {}
  async start(): Promise<this> {
    this.view = new TopicView(this.kafka as unknown as KafkaClient, testCodecs(), {
      topic: this.topic,
      contract: this.contract as never,
      onRecord: (r) => {
        if (r.value) this.values.push(r.value as T);
      },
    });
    await this.view.start();
    return this;
  }
  async stop(): Promise<void> {
    await this.view?.stop();
  }
}

describe('the continuous-training loop', () => {
  let kafka: Kafka;
  const running: ServiceProcess[] = [];

  afterAll(async () => {
    for (const p of running.reverse()) await p.stop();
    process.stdout.write(`\n${log.join('\n')}\n`);
  });

  it('v1 served → concept change → retrain → v2 checked, shadowed, promoted, served → accuracy recovers', async () => {
    kafka = testKafka();
    const { names, env } = privateTopics('loop');
    await createTopics(
      kafka,
      (Object.keys(Topics) as TopicKey[]).map((key) => ({
        topic: names[key],
        partitions: Topics[key].partitions,
      })),
    );
    const storeUrl = artifactStoreUrl();
    const common = { ...env, ARTIFACT_STORE_URL: storeUrl, KAFKA_PROVISION_TOPICS: 'false' };

    const registry = await ServiceProcess.startService(
      'registry',
      { ...common, REGISTRY_API_TOKEN: TOKEN, REGISTRY_GROUP_ID: uniqueName('registry') },
      120_000,
    );
    running.push(registry);
    const client = new RegistryClient({ baseUrl: registry.baseUrl!, token: TOKEN });
    await createTwoFeatureModel(client, MODEL, 'loop-test');
    const v1 = logisticModel(12, 12, MODEL);
    const ref = await storeArtifact(storeUrl, `models/${MODEL}/v1.ctm`, v1.bytes);
    const { version: first } = await client.registerVersion(MODEL, {
      strategy: 'EXTERNAL',
      artifact: ref,
      stage: 'CHAMPION',
    });
    step(`registry up; v${first.version} registered as CHAMPION`);

    const [scorer, evaluator, controller, trainer, promoter] = await Promise.all([
      ServiceProcess.startService(
        'scorer',
        { ...common, SCORER_MODELS: MODEL, SCORER_GROUP_ID: uniqueName('scorer') },
        180_000,
      ),
      ServiceProcess.startService(
        'evaluator',
        {
          ...common,
          EVALUATOR_GROUP_ID: uniqueName('evaluator'),
          EVALUATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'loop-evaluator-')),
          EVALUATOR_WINDOW: '1m',
        },
        180_000,
      ),
      ServiceProcess.startService(
        'controller',
        {
          ...common,
          CONTROLLER_POLICY_FILE: tempFile('controller.yaml', CONTROLLER_POLICY),
          CONTROLLER_API_TOKEN: TOKEN,
          CONTROLLER_GROUP_ID: uniqueName('controller'),
          CONTROLLER_TICK_MS: '200',
        },
        180_000,
      ),
      ServiceProcess.startService(
        'trainer',
        {
          ...common,
          REGISTRY_URL: registry.baseUrl!,
          REGISTRY_API_TOKEN: TOKEN,
          TRAINER_POLICY_FILE: tempFile('trainer.yaml', TRAINER_POLICY),
          TRAINER_GROUP_ID: uniqueName('trainer'),
          TRAINER_PROGRESS_INTERVAL_MS: '500',
          TRAINER_RETRY_DELAY_MS: '500',
        },
        180_000,
      ),
      ServiceProcess.startService(
        'promoter',
        {
          ...common,
          REGISTRY_URL: registry.baseUrl!,
          REGISTRY_API_TOKEN: TOKEN,
          PROMOTER_API_TOKEN: TOKEN,
          PROMOTER_GROUP_ID: uniqueName('promoter'),
          PROMOTER_MIN_PAIRS: '300',
          PROMOTER_MIN_DURATION: '0',
          PROMOTER_TUNING_PAIRS: '1000',
          PROMOTER_MAX_LATENCY_P99_MS: '200',
          PROMOTER_RECONCILE_INTERVAL: '500ms',
        },
        180_000,
      ),
    ]);
    running.push(scorer, evaluator, controller, trainer, promoter);
    step('scorer, evaluator, controller, trainer and promoter ready');

    const requests = await new Collector<RetrainRequest>(
      kafka,
      names.retrainRequests,
      RetrainRequestContract,
    ).start();
    const promotions = new PromotionsReader(kafka, names.promotions);
    await promotions.start();
    const labels = new EventProducer(kafka as unknown as KafkaClient, testCodecs());
    await labels.connect();

    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 60 * MINUTE;
    const u = seededUniform(20261129);
    const seen = new Set<string>();
    const marks: Record<string, boolean> = {};
    const once = (key: string, what: string): void => {
      if (!marks[key]) {
        marks[key] = true;
        step(what);
      }
    };
    let promotion: PromotionDecision | undefined;
    let recovered = false;
    const accuracyByRound: Array<{ round: number; version: string; accuracy: number }> = [];
    for (let round = 0; round < MAX_ROUNDS && !recovered; round++) {
      const concept = round < FLIP ? 'A' : 'B';
      if (round === FLIP) step(`concept changes (round ${round}): y = x1 − x2 > 0 from now on`);
      const instances = Array.from({ length: PER_ROUND }, (_, i) => ({
        eventId: `loop-${round}-${i}-${randomBytes(3).toString('hex')}`,
        timestamp: t0 + round * MINUTE + Math.floor((i * MINUTE) / PER_ROUND),
        numeric: { x1: 2 * u() - 1, x2: 2 * u() - 1 },
      }));
      const truth = (x: { x1: number; x2: number }): number =>
        (concept === 'A' ? x.x1 + x.x2 : x.x1 - x.x2) > 0 ? 1 : 0;
      const response = await fetch(`${scorer.baseUrl}/models/${MODEL}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        modelVersion: string;
        predictions: Array<{
          eventId: string;
          output: { predictedClass: string | null; score: number | null };
        }>;
      };
      let right = 0;
      const byId = new Map(instances.map((x) => [x.eventId, x]));
      for (const p of body.predictions) {
        const x = byId.get(p.eventId)!;
        const predicted =
          p.output.predictedClass !== null
            ? Number(p.output.predictedClass)
            : (p.output.score as number) > 0.5
              ? 1
              : 0;
        if (predicted === truth(x.numeric)) right++;
      }
      const accuracy = right / body.predictions.length;
      accuracyByRound.push({ round, version: body.modelVersion, accuracy });
      step(
        `round ${round} (concept ${concept}): served v${body.modelVersion}, accuracy ${accuracy.toFixed(3)}`,
      );
      const labelRecords: Label[] = instances.map((x) => ({
        eventId: x.eventId,
        modelId: MODEL,
        timestamp: x.timestamp + 1000,
        label: truth(x.numeric),
      }));
      await labels.send(
        names.labels,
        LabelContract,
        labelRecords.map((value) => ({ key: value.eventId, value })),
      );

      // what the other services did meanwhile
      for (const r of requests.values) {
        if (seen.has(r.requestId)) continue;
        seen.add(r.requestId);
        step(`controller: retrain request ${r.reason} (${r.requestId})`);
      }
      const versions = await client.listVersions(MODEL);
      for (const v of versions) {
        if (v.version === first.version) continue;
        once(
          `reg-${v.version}`,
          `trainer: v${v.version} registered (${v.strategy}), metrics ${JSON.stringify(v.metrics)}`,
        );
        if (v.stage !== 'CANDIDATE')
          once(`stage-${v.version}-${v.stage}`, `registry: v${v.version} is ${v.stage}`);
      }
      for (const d of promotions.decisions)
        once(
          `decision-${d.decisionId}`,
          `promoter: ${d.decision} v${d.challengerVersion} after ${d.pairedCount} pairs (${d.reason}; lower ${d.evidence?.lower}, upper ${d.evidence?.upper})`,
        );
      promotion ??= promotions.decisions.find((d) => d.decision === 'PROMOTE');
      if (promotion && body.modelVersion === promotion.challengerVersion) {
        once('served-v2', `scorer: serving v${body.modelVersion}`);
        recovered = accuracy >= 0.9;
      }
      if (round >= FLIP && !promotion) await new Promise((r) => setTimeout(r, 1500));
    }
    await labels.disconnect();
    await requests.stop();
    await promotions.stop();
    step(recovered ? 'served accuracy recovered' : 'served accuracy did NOT recover');
    // The registry's audit trail: when each stage change was made, by whom and why.
    for (const v of await client.listVersions(MODEL)) {
      for (const h of (await client.history(MODEL, v.version)).transitions) {
        process.stdout.write(
          `[loop audit +${((h.at - started) / 1000).toFixed(1)} s] v${v.version} ${h.from ?? '—'} → ${h.to} by ${h.actor}: ${h.reason ?? ''}\n`,
        );
      }
    }
    if (promotion) process.stdout.write(`[loop] promotion evidence: ${JSON.stringify(promotion.evidence)}\n`);

    expect(requests.values.length).toBeGreaterThanOrEqual(1);
    expect(promotion).toBeDefined();
    expect(promotion!.evidence!.lower).toBeGreaterThan(0);
    const before = accuracyByRound.filter((r) => r.round < FLIP);
    const drop = accuracyByRound.filter((r) => r.round >= FLIP && r.version === first.version);
    const after = accuracyByRound.filter((r) => r.version === promotion!.challengerVersion);
    expect(Math.min(...before.map((r) => r.accuracy))).toBeGreaterThan(0.9);
    expect(Math.max(...drop.map((r) => r.accuracy))).toBeLessThan(0.75);
    expect(after.length).toBeGreaterThan(0);
    expect(after.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(recovered).toBe(true);
  });
});
