/**
 * The demo run: house prices per city through the whole continuous-training loop, against
 * running services (tools/demo.ts starts them; the integration test starts its own).
 *
 *   1. v1, a linear regression trained here on an initial window of sales, is registered as the
 *      CHAMPION with its reference profile; the scorer loads it.
 *   2. Rounds: each is one 1-minute window of event time with PER_ROUND sales. Every sale is
 *      priced by the scorer (POST /models/house-prices/predict, which publishes the prediction and
 *      returns its eventId); its sale price (the label) is published one round later under that
 *      eventId, stamped 5–45 s after the prediction, as real labels come late.
 *   3. From round SHIFT_ROUND on, the market shifts in lyon and bordeaux (house-prices.ts).
 *   4. Meanwhile it follows what the services decide and prints each step with its evidence: the
 *      monitor's drift reports (all traffic and per city), the evaluator's MAE, the controller's
 *      retrain request, the trainer's run and v2, the registry's stage changes (the promoter's
 *      infrastructure check → SHADOW), the promoter's decision with its bounds and pairs, the
 *      version the scorer answers with, and the served error.
 * It stops as soon as all of it is in, or at the time limit, naming the first step that did not
 * happen.
 */
import { randomBytes } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { ReferenceProfileBuilder } from '@continuum/drift';
import {
  type DriftReport,
  DriftReportContract,
  type EventCodecs,
  type Label,
  LabelContract,
  type PerformanceReport,
  PerformanceReportContract,
  type PromotionDecision,
  PromotionDecisionContract,
  type RetrainRequest,
  RetrainRequestContract,
  type TopicKey,
  type TrainingRunEvent,
  TrainingRunEventContract,
} from '@continuum/events';
import { EventProducer, type KafkaClient, TopicView } from '@continuum/kafka';
import { type Example, LinearRegression, SeededRandom, encodeModelArtifact } from '@continuum/learning';
import { RegistryClient, RegistryHttpError, type VersionDto } from '@continuum/registry';
import {
  CITIES,
  type City,
  HousingMarket,
  type MarketPhase,
  NUMERIC_FEATURES,
  PRICE_JUMP,
  type Sale,
  SHIFTED_CITIES,
  isShifted,
} from './house-prices';

export const MODEL_ID = 'house-prices';
/** One round = one monitor and evaluator window (MONITOR_WINDOW / EVALUATOR_WINDOW in services.env). */
export const ROUND_MS = 60_000;
/**
 * How far event time may run ahead of the clock: Kafka refuses records stamped more than
 * `message.timestamp.after.max.ms` (one hour by default in Kafka 4) in the future.
 */
export const MAX_AHEAD_MS = 50 * 60_000;
/** How far back a first run starts: a run takes a minute of event time per round. */
export const START_BACK_MS = 24 * 3_600_000;
/** Sales per round: 300 per city, the monitor's smallest judged segment window (MONITOR_MIN_SEGMENT_EVENTS). */
export const PER_ROUND = 1200;
/** Instances per predict call (the scorer's 100 KB body limit). */
const PER_CALL = 400;
export const SHIFT_ROUND = 3;
/**
 * v1's training window, also its reference profile: at most 1,000 rows, so that the monitor tests
 * numeric inputs with KS p-values (libs/drift: above 1,000 reference rows it uses the normed
 * Wasserstein distance against a fixed 0.1, which the 100 sales of one city in one window cross by
 * chance).
 */
const INITIAL_WINDOW = 1000;

/** The steps of the loop, in the order they should happen: what a timeout names. */
export const STEPS = [
  'v1 registered as CHAMPION',
  'the scorer serves v1',
  'drift in the shifted cities (monitor)',
  'MAE up (evaluator)',
  'retrain request (controller)',
  'v2 trained and registered (trainer)',
  'v2 in SHADOW after the infrastructure check (promoter)',
  'v2 promoted (promoter)',
  'the scorer serves v2',
  'served error recovered',
] as const;
export type Step = (typeof STEPS)[number];

export interface DemoTarget {
  kafka: Kafka;
  codecs: EventCodecs;
  /** Topic names by catalog key (topicName(key) for the system's own). */
  topics: Record<TopicKey, string>;
  registryUrl: string;
  registryToken: string;
  scorerUrl: string;
  /** Where v1's artifact goes: the services' ARTIFACT_STORE_URL. */
  artifactStoreUrl: string;
}

export interface DemoOptions {
  /** First event time of the run (aligned to ROUND_MS); see runStart. */
  start: number;
  /** Wall-clock limit of the run, ms. */
  timeoutMs: number;
  /** Wall-clock length of a round after the shift (the services react in wall-clock time). */
  roundMs?: number;
  seed?: number;
  print?: (line: string) => void;
}

export interface ServedRound {
  round: number;
  phase: MarketPhase;
  version: string;
  mae: number;
  maeByCity: Record<City, number>;
}

/** What happened, for the caller (the integration test asserts on it). */
export interface DemoResult {
  completed: boolean;
  /** The first step that did not happen, when not completed. */
  missing?: Step;
  reached: Partial<Record<Step, number>>;
  v1: string;
  v2?: string;
  rounds: ServedRound[];
  driftReports: DriftReport[];
  performanceReports: PerformanceReport[];
  requests: RetrainRequest[];
  trainingRuns: TrainingRunEvent[];
  promotions: PromotionDecision[];
  stages: Array<{ version: string; stage: string; reason: string | null; at: number }>;
  eventTimeEnd: number;
}

/**
 * The first event time of a run: a day before the current minute, or right after the previous
 * run's last round when that is later (the services' windows before it are closed: events there
 * would be late). A run moves event time on by a minute per round (typically 20–40), so reruns
 * reach the clock only after dozens of runs in one day.
 */
export function runStart(now: number, previousEnd: number | undefined): number {
  const fromClock = now - (now % ROUND_MS) - START_BACK_MS;
  if (previousEnd === undefined || previousEnd <= fromClock) return fromClock;
  return Math.ceil(previousEnd / ROUND_MS) * ROUND_MS;
}

const k = (x: number) => `${x.toFixed(1)} k€`;
const p = (x: number | null) => (x === null ? 'n/a' : x < 1e-4 ? x.toExponential(1) : x.toPrecision(2));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The model's contract in the registry and the same features as libs/learning's pipeline. */
const CONTRACT_FEATURES = [
  ...NUMERIC_FEATURES.map((name) => ({ name, type: 'NUMERIC' as const })),
  { name: 'city', type: 'CATEGORICAL' as const, categories: [...CITIES] },
];

function exampleOf(sale: Sale): Example {
  return { numeric: sale.numeric, categorical: { city: sale.city } };
}

/** v1: trained here on the initial window (before the shift), with its reference profile. */
export function trainV1(sales: readonly Sale[]): {
  bytes: Uint8Array;
  profile: unknown;
  trainMae: number;
} {
  const model = new LinearRegression({
    features: {
      features: [
        ...NUMERIC_FEATURES.map((name) => ({ name, type: 'numeric' as const })),
        { name: 'city', type: 'one-hot' as const, vocabulary: [...CITIES], unknown: 'other' as const },
      ],
    },
    seed: 7,
    engine: 'js',
  });
  model.fit(sales.map((s) => ({ ...exampleOf(s), label: s.price })));
  const predicted = model.predict(sales.map(exampleOf));
  // With a reference per city, so that a monitor comparing a city's window with its own city's
  // reference (libs/drift's segment references) does not see the city's price level as drift.
  const builder = new ReferenceProfileBuilder({ segments: { keys: ['city'] } });
  sales.forEach((s, i) =>
    builder.observe({ ...exampleOf(s), prediction: predicted[i], segments: { city: s.city } }),
  );
  const profile = builder.build();
  return {
    bytes: encodeModelArtifact(model, { modelId: MODEL_ID }),
    profile: profile.toJSON(),
    trainMae: mean(sales.map((s, i) => Math.abs(s.price - predicted[i]))),
  };
}

/**
 * Segment facts of a drift report that monitors with per-segment references add (read
 * defensively: a monitor without them leaves them out).
 */
function segmentFacts(report: DriftReport): { referenceSegment?: string | null; tooSmallToJudge?: boolean } {
  return report as unknown as { referenceSegment?: string | null; tooSmallToJudge?: boolean };
}

/** Drifted inputs of a report, without the segment's own key (constant within a city segment). */
export function driftedInputs(report: DriftReport): string[] {
  const key = report.segment.includes('=') ? report.segment.split('=')[0] : undefined;
  return report.features.filter((f) => f.drifted && f.feature !== key).map((f) => f.feature);
}

function describeDrift(report: DriftReport): string {
  const drifted = report.features.filter((f) => f.drifted && driftedInputs(report).includes(f.feature));
  if (drifted.length === 0) return 'no drift';
  return drifted
    .map(
      (f) =>
        `${f.feature} drifted (${f.statistic} ${f.value.toFixed(2)}, ${f.pValue === null ? `threshold ${f.threshold}` : `adjusted p ${p(f.adjustedPValue ?? f.pValue)}`})`,
    )
    .join(', ');
}

async function poll<T>(
  what: () => Promise<T | undefined>,
  until: number,
  everyMs = 250,
): Promise<T | undefined> {
  while (Date.now() < until) {
    const found = await what().catch(() => undefined);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

export async function runHousePricesDemo(target: DemoTarget, options: DemoOptions): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const roundMs = options.roundMs ?? 1500;
  const say = (what: string) =>
    print(`[+${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${what}`);
  const reached: Partial<Record<Step, number>> = {};
  /** A step's first occurrence, printed once with its evidence. */
  const reach = (step: Step, what: string) => {
    if (reached[step] !== undefined) return;
    reached[step] = Date.now() - started;
    say(what);
  };
  const market = new HousingMarket(options.seed ?? 2026);
  const delays = new SeededRandom((options.seed ?? 2026) + 1);
  const registry = new RegistryClient({ baseUrl: target.registryUrl, token: target.registryToken });
  const result: DemoResult = {
    completed: false,
    reached,
    v1: '',
    rounds: [],
    driftReports: [],
    performanceReports: [],
    requests: [],
    trainingRuns: [],
    promotions: [],
    stages: [],
    eventTimeEnd: options.start,
  };

  // 1. The model and v1.
  try {
    await registry.createModel({
      modelId: MODEL_ID,
      task: 'REGRESSION',
      contract: { features: CONTRACT_FEATURES },
      owner: 'demo',
    });
  } catch (error) {
    if (!(error instanceof RegistryHttpError && error.status === 409)) throw error;
  }
  // A previous run stopped half-way leaves a candidate or shadow: this run's v2 is the one to test.
  for (const old of await registry.listVersions(MODEL_ID)) {
    if (old.stage === 'CANDIDATE' || old.stage === 'SHADOW') {
      await registry.changeStage(MODEL_ID, old.version, {
        stage: 'REJECTED',
        reason: 'left over by an earlier demo run',
        actor: 'demo',
      });
    }
  }
  const initial = market.sales(INITIAL_WINDOW, 'before');
  const v1 = trainV1(initial);
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const artifact = await artifactStoreFromEnv({ ARTIFACT_STORE_URL: target.artifactStoreUrl }).put(
    `models/${MODEL_ID}/demo-${runId}-v1.ctm`,
    v1.bytes,
  );
  const { version: first } = await registry.registerVersion(MODEL_ID, {
    strategy: 'EXTERNAL',
    stage: 'CHAMPION',
    artifact,
    referenceProfile: v1.profile,
    trainingWindow: {
      start: options.start - INITIAL_WINDOW * 60_000,
      end: options.start,
      exampleCount: INITIAL_WINDOW,
    },
    metrics: { train_mae: v1.trainMae },
    actor: 'demo',
    reason: 'demo: trained on the initial window',
  });
  result.v1 = first.version;
  const ours = (version: string | null | undefined) =>
    version !== null && version !== undefined && Number(version) >= Number(first.version);
  reach(
    'v1 registered as CHAMPION',
    `registry: ${MODEL_ID} v${first.version} (linear regression, trained here on ${INITIAL_WINDOW} sales before the shift, train MAE ${k(v1.trainMae)}) registered as CHAMPION with its reference profile`,
  );

  // 2. Followers of what the services decide (records written from now on).
  const since = { timestamp: started - 5_000 };
  const views: Array<TopicView<unknown>> = [];
  const follow = async <T>(key: TopicKey, contract: unknown, onValue: (value: T) => void) => {
    const view = new TopicView<T>(target.kafka as unknown as KafkaClient, target.codecs, {
      topic: target.topics[key],
      contract: contract as never,
      from: since,
      groupIdPrefix: 'continuum-demo',
      onRecord: (r) => {
        if (r.value) onValue(r.value);
      },
    });
    await view.start();
    views.push(view as TopicView<unknown>);
  };
  const driftByWindow = new Map<string, DriftReport[]>();
  let cityNoteShown = false;
  const onDrift = (r: DriftReport) => {
    if (r.modelId !== MODEL_ID || !ours(r.modelVersion) || r.segment.startsWith('features:')) return;
    result.driftReports.push(r);
    const key = `${r.modelVersion}|${r.windowStart}`;
    const reports = [...(driftByWindow.get(key) ?? []), r];
    driftByWindow.set(key, reports);
    if (reports.length < 1 + CITIES.length) return;
    const round = Math.round((r.windowStart - options.start) / ROUND_MS);
    const all = reports.find((x) => x.segment === '*');
    const byCity = CITIES.map((city) => {
      const report = reports.find((x) => x.segment === `city=${city}`);
      if (!report) return `${city} ?`;
      if (segmentFacts(report).tooSmallToJudge) return `${city} (too few sales to judge)`;
      return `${city} ${driftedInputs(report).join('+') || 'none'}`;
    });
    say(
      `monitor:   window ${round} v${r.modelVersion}: all traffic ${all ? describeDrift(all) : '?'}${all?.prediction?.drifted ? ', predicted price drifted' : ''}; per city: ${byCity.join(', ')}`,
    );
    const citySample = reports.find((x) => x.segment !== '*');
    if (!cityNoteShown && citySample) {
      cityNoteShown = true;
      say(
        segmentFacts(citySample).referenceSegment
          ? '           (each city is compared with its own reference: the per-city references v1 was registered with)'
          : '           (each city is compared with the model-wide reference profile, where the city itself always differs: the demo leaves `city` out)',
      );
    }
    const shiftedDrift = SHIFTED_CITIES.every((city) => {
      const report = reports.find((x) => x.segment === `city=${city}`);
      return report !== undefined && driftedInputs(report).length > 0;
    });
    if (round >= SHIFT_ROUND && shiftedDrift && r.modelVersion === first.version)
      reach(
        'drift in the shifted cities (monitor)',
        `monitor:   drift in ${SHIFTED_CITIES.join(' and ')} (window ${round})`,
      );
  };
  const onPerformance = (r: PerformanceReport) => {
    if (r.modelId !== MODEL_ID || !ours(r.modelVersion)) return;
    result.performanceReports.push(r);
    const round = Math.round((r.windowStart - options.start) / ROUND_MS);
    const adwin = r.conceptDrift.filter((d) => d.driftDetected).map((d) => d.detector);
    say(
      `evaluator: window ${round} v${r.modelVersion}: MAE ${k(r.metrics.mae)}, RMSE ${k(r.metrics.rmse)}, R² ${r.metrics.r2?.toFixed(3)} on ${r.labelledCount} labelled sales${adwin.length ? `; ${adwin.join(', ')} detected a change in the errors` : ''}`,
    );
    const before = result.performanceReports.filter(
      (x) => x.modelVersion === first.version && x.windowStart < options.start + SHIFT_ROUND * ROUND_MS,
    );
    const baseline = before.length ? mean(before.map((x) => x.metrics.mae)) : undefined;
    if (
      r.modelVersion === first.version &&
      round >= SHIFT_ROUND &&
      baseline !== undefined &&
      r.metrics.mae > 2 * baseline
    )
      reach(
        'MAE up (evaluator)',
        `evaluator: v${r.modelVersion}'s MAE up from ${k(baseline)} before the shift to ${k(r.metrics.mae)}`,
      );
  };
  const onRequest = (r: RetrainRequest) => {
    if (r.modelId !== MODEL_ID || r.requestedAt < started) return;
    result.requests.push(r);
    const window =
      r.window.kind === 'DYNAMIC'
        ? `DYNAMIC window (candidates ${r.window.candidateCounts.join('/')}, hold-out ${r.window.holdoutCount})`
        : r.window.kind;
    reach(
      'retrain request (controller)',
      `controller: retrain request ${r.requestId} for v${r.modelVersion}: reason ${r.reason}, ${r.mode} on a ${window}; evidence: ${r.evidence.map((e) => e.summary).join(' | ')}`,
    );
  };
  const onTrainingRun = (r: TrainingRunEvent) => {
    if (r.modelId !== MODEL_ID || !result.requests.some((q) => q.requestId === r.requestId)) return;
    result.trainingRuns.push(r);
    if (r.status === 'ACCEPTED')
      say(
        `trainer:   accepted ${r.requestId} (offsets pinned on ${r.ranges.length} partitions of ct.examples)`,
      );
    else if (r.status === 'PROGRESS' && r.progress?.phase === 'TRAINING')
      say(`trainer:   training on ${r.progress.examplesKept} examples`);
    else if (r.status === 'FAILED') say(`trainer:   FAILED ${r.failure}: ${r.reason}`);
    else if (r.status === 'SUCCEEDED') {
      result.v2 ??= r.version ?? undefined;
      const m = r.metrics;
      reach(
        'v2 trained and registered (trainer)',
        `trainer:   v${r.version} registered as CANDIDATE: window of ${m.window_examples ?? m.train_examples} examples (${m.train_examples} trained on, ${m.holdout_examples} held out); hold-out MAE ${k(m.holdout_mae)} vs the champion's ${k(m.champion_mae)} and persistence ${k(m.persistence_mae)}`,
      );
    }
  };
  const onPromotion = (d: PromotionDecision) => {
    if (d.modelId !== MODEL_ID || !ours(d.challengerVersion) || d.challengerVersion === first.version) return;
    result.promotions.push(d);
    const e = d.evidence;
    const guardrails = (e?.guardrails ?? [])
      .map((g) => `${g.name} ${g.value === null ? 'n/a' : g.value.toFixed(1)}${g.passed ? '' : ' FAILED'}`)
      .join(', ');
    say(
      `promoter:  ${d.decision} v${d.challengerVersion} over v${d.championVersion} after ${d.pairedCount} paired sales: mean squared error ${e?.championMeanLoss.toFixed(0)} → ${e?.challengerMeanLoss.toFixed(0)} k€²; difference ${e?.meanDifference.toFixed(0)}, ${((1 - (e?.alpha ?? 0.05)) * 100).toFixed(0)} % confidence sequence [${e?.lower.toFixed(0)}, ${e?.upper.toFixed(0)}] (promote when the lower bound > ${e?.threshold}); p ${p(d.pValue)}; ${d.reason}`,
    );
    if (guardrails) say(`           guardrails: ${guardrails}`);
    if (d.decision === 'PROMOTE') {
      // The version the loop ends with: the last one promoted (a later retrain may follow a first).
      result.v2 = d.challengerVersion;
      reach('v2 promoted (promoter)', `promoter:  v${d.challengerVersion} is the CHAMPION`);
    }
  };
  await Promise.all([
    follow<DriftReport>('driftReports', DriftReportContract, onDrift),
    follow<PerformanceReport>('performance', PerformanceReportContract, onPerformance),
    follow<RetrainRequest>('retrainRequests', RetrainRequestContract, onRequest),
    follow<TrainingRunEvent>('trainingRuns', TrainingRunEventContract, onTrainingRun),
    follow<PromotionDecision>('promotions', PromotionDecisionContract, onPromotion),
  ]);

  // 3. The scorer loads v1.
  const served = await poll(async () => {
    const res = await fetch(`${target.scorerUrl}/models/${MODEL_ID}`);
    const body = (await res.json()) as { servedChampion?: string | null };
    return body.servedChampion === first.version ? body : undefined;
  }, deadline);
  const labels = new EventProducer(target.kafka as unknown as KafkaClient, target.codecs);
  await labels.connect();
  const stageSeen = new Map<string, string>([[first.version, 'CHAMPION']]);
  const checkStages = async () => {
    const versions: VersionDto[] = await registry.listVersions(MODEL_ID).catch(() => []);
    for (const v of versions) {
      if (!ours(v.version) || stageSeen.get(v.version) === v.stage) continue;
      stageSeen.set(v.version, v.stage);
      const history = await registry.history(MODEL_ID, v.version).catch(() => undefined);
      const last = history?.transitions.at(-1);
      result.stages.push({
        version: v.version,
        stage: v.stage,
        reason: last?.reason ?? null,
        at: last?.at ?? Date.now(),
      });
      const line = `registry:  v${v.version} is ${v.stage}${last ? ` (by ${last.actor}${last.reason ? `: ${last.reason}` : ''})` : ''}`;
      if (v.version !== first.version && v.stage === 'SHADOW')
        reach('v2 in SHADOW after the infrastructure check (promoter)', line);
      else say(line);
    }
  };

  try {
    if (!served) return finish('the scorer serves v1');
    reach(
      'the scorer serves v1',
      `scorer:    serving v${first.version} at ${target.scorerUrl}/models/${MODEL_ID}/predict`,
    );
    say(
      `market:    ${PER_ROUND} sales per round (one minute of event time each, the services' window, ${CITIES.join(', ')}); from round ${SHIFT_ROUND} on, prices in ${SHIFTED_CITIES.join(' and ')} jump ${PRICE_JUMP * 100} % and new builds sell there (age ≈ 5 years instead of ≈ 40)`,
    );
    let pendingLabels: Label[] = [];
    for (let round = 0; Date.now() < deadline; round++) {
      const roundStarted = Date.now();
      const phase: MarketPhase = round < SHIFT_ROUND ? 'before' : 'after';
      if (round === SHIFT_ROUND)
        say(`market:    THE SHIFT — ${SHIFTED_CITIES.join(' and ')} from round ${round} on`);
      const roundStart = options.start + round * ROUND_MS;
      if (roundStart + ROUND_MS > Date.now() + MAX_AHEAD_MS) {
        say(
          `event time would run more than ${MAX_AHEAD_MS / 60_000} minutes ahead of the clock, which Kafka refuses: earlier demo runs on this system moved it to ${new Date(roundStart).toISOString()}. Wait for the clock, or start afresh (npm stop; tools/infra reset; rm .cache/run/demo-last-run.json).`,
        );
        break;
      }
      const sales = market.sales(PER_ROUND, phase);
      const instances = sales.map((s, i) => ({
        timestamp: roundStart + Math.floor((i * ROUND_MS) / PER_ROUND),
        numeric: s.numeric,
        categorical: { city: s.city },
        segments: { city: s.city },
      }));
      // The scorer answers each call with one version; a promotion may fall between two calls.
      const predictions: Array<{ eventId: string; score: number; version: string }> = [];
      let refused: string | undefined;
      for (let from = 0; from < instances.length && !refused; from += PER_CALL) {
        const response = await fetch(`${target.scorerUrl}/models/${MODEL_ID}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances: instances.slice(from, from + PER_CALL) }),
        });
        if (response.status !== 200) {
          refused = `${response.status}: ${await response.text()}`;
          break;
        }
        const body = (await response.json()) as {
          modelVersion: string;
          predictions: Array<{ eventId: string; output: { score: number | null } }>;
        };
        for (const x of body.predictions)
          predictions.push({ eventId: x.eventId, score: x.output.score ?? NaN, version: body.modelVersion });
      }
      if (refused) say(`scorer:    answered ${refused}`);
      if (predictions.length === 0) {
        await new Promise((r) => setTimeout(r, roundMs));
        continue;
      }
      result.eventTimeEnd = roundStart + ROUND_MS;
      const errors = predictions.map((x, i) => Math.abs(x.score - sales[i].price));
      const maeByCity = Object.fromEntries(
        CITIES.map((city) => [city, mean(errors.filter((_, i) => sales[i].city === city))]),
      ) as Record<City, number>;
      const versions = [...new Set(predictions.map((x) => x.version))];
      const servedRound: ServedRound = {
        round,
        phase,
        version: versions.join('+'),
        mae: mean(errors),
        maeByCity,
      };
      result.rounds.push(servedRound);
      // Last round's labels now: the sale price is known a while after the prediction.
      await labels.send(
        target.topics.labels,
        LabelContract,
        pendingLabels.map((value) => ({ key: value.eventId, value })),
      );
      pendingLabels = predictions.map((x, i) => ({
        eventId: x.eventId,
        modelId: MODEL_ID,
        timestamp: instances[i].timestamp + 5_000 + Math.floor(delays.next() * 40_000),
        label: sales[i].price,
      }));
      say(
        `round ${String(round).padStart(2)}:  ${phase === 'before' ? 'before' : 'after '} the shift, served by v${servedRound.version}: MAE ${k(servedRound.mae)} (${CITIES.map((c) => `${c}${isShifted(c) && phase === 'after' ? '*' : ''} ${maeByCity[c].toFixed(0)}`).join(', ')})`,
      );
      if (result.v2 && servedRound.version === result.v2 && reached['v2 promoted (promoter)'] !== undefined) {
        reach('the scorer serves v2', `scorer:    answers with v${servedRound.version} now`);
        const drop = result.rounds.filter((r) => r.phase === 'after' && r.version === first.version);
        const worst = drop.length ? mean(drop.map((r) => r.mae)) : NaN;
        const v2Reports = result.performanceReports.filter((r) => r.modelVersion === result.v2);
        if (servedRound.mae < worst / 2 && v2Reports.length > 0)
          reach(
            'served error recovered',
            `served MAE recovered: ${k(worst)} (v${first.version} after the shift) → ${k(servedRound.mae)} (v${result.v2}); the evaluator measured v${result.v2} at ${k(mean(v2Reports.map((r) => r.metrics.mae)))}`,
          );
      }
      await checkStages();
      const rejected = result.promotions.find((d) => d.decision === 'REJECT');
      if (rejected) return finish('v2 promoted (promoter)');
      if (STEPS.every((s) => reached[s] !== undefined)) break;
      // Before the shift the services have little to do; afterwards they need wall-clock time.
      const pace = round < SHIFT_ROUND ? 300 : roundMs;
      await new Promise((r) => setTimeout(r, Math.max(0, pace - (Date.now() - roundStarted))));
    }
    return finish(STEPS.find((s) => reached[s] === undefined));
  } finally {
    await labels.disconnect().catch(() => undefined);
    await Promise.all(views.map((v) => v.stop().catch(() => undefined)));
  }

  function finish(missing: Step | undefined): DemoResult {
    result.completed = missing === undefined;
    result.missing = missing;
    return result;
  }
}
