/**
 * Scorer benchmark, one command: `npm run bench -w @continuum/scorer-service` (Kafka and the schema
 * registry running: `tools/infra up`). Starts two scorer instances as processes (the production
 * entry point) on private topics, registers a 20-feature logistic model, and measures over HTTP on
 * 127.0.0.1, prediction published to ct.predictions (acknowledged) included in every latency:
 *   1. one event per request, open loop at each of --rates requests/s (default 200 and 1,000) for --seconds
 *      (/predict served directly by Node http; --http-direct=false: through NestJS/Express;
 *      --await-publish=false: answered before the broker's acknowledgement, SCORER_AWAIT_PUBLISH=false,
 *      to separate the scorer's own latency from the broker's);
 *   2. batches of 100 events at --batch-rate requests/s;
 *   3. sustained requests/s, closed loop with --connections concurrent connections;
 *   4. the same three with one SHADOW version;
 *   5. time from the promotion event on ct.model-versions until every instance serves the new
 *      champion: shadow → champion, rollback to the previous champion (kept warm), and to an older
 *      archived version that must be fetched, verified and warmed up again.
 * Latencies are measured from each request's scheduled send time in the open-loop phases, so a
 * stalled server is not hidden (no coordinated omission). Bounded in count and time.
 * Every phase also prints the machine's load average and where the measured instance's time went
 * (its own request time, the broker's acknowledgement per produce call and how many predictions
 * shared it, GC, event-loop lag), and each figure is printed against its goal.
 */
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { LogisticRegression, encodeModelArtifact, SeededRandom } from '@continuum/learning';
import { type ModelContract } from '@continuum/events';
import { createKafkaClient, loadKafkaConfig } from '@continuum/kafka';
import { createLogger } from '@continuum/observability';
import { ServiceProcess, sumSeries, waitFor } from '@continuum/testing';
import { MODEL_ID, scorerEnvironment } from '../test/scorer-fixtures';
import { reportResult } from '../../../bench/lib/results';

const args = new Map(
  process.argv.slice(2).flatMap((a) => {
    const m = /^--([a-z-]+)=(.+)$/.exec(a);
    return m ? [[m[1], m[2]] as const] : [];
  }),
);
const RATES = (args.get('rates') ?? '200,1000').split(',').map(Number);
const BATCH_RATE = Number(args.get('batch-rate') ?? 50);
const SECONDS = Number(args.get('seconds') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 16);
const WARM_UP_SECONDS = Number(args.get('warm-up') ?? 3);
/** false: /predict through NestJS/Express (SCORER_HTTP_DIRECT=false), for comparison. */
const HTTP_DIRECT = args.get('http-direct') ?? 'true';
/** SCORER_PUBLISH_PRODUCERS of both instances; unset: the service's default. */
const PUBLISH_PRODUCERS = args.get('publish-producers');
/** false: SCORER_AWAIT_PUBLISH=false — the answer does not wait for the broker (not the goal's setting). */
const AWAIT_PUBLISH = args.get('await-publish') ?? 'true';
const FEATURES = 20;

const contract: ModelContract = {
  task: 'BINARY_CLASSIFICATION',
  features: Array.from({ length: FEATURES }, (_, i) => ({
    name: `f${i}`,
    type: 'NUMERIC' as const,
    required: true,
    min: -1000,
    max: 1000,
    categories: [],
  })),
};

function model(seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  const m = new LogisticRegression({
    features: { features: contract.features.map((f) => ({ name: f.name, type: 'numeric' as const })) },
    classes: [0, 1],
    seed,
  });
  const examples = Array.from({ length: 2000 }, () => {
    const numeric = Object.fromEntries(contract.features.map((f) => [f.name, random.normal()]));
    return { numeric, label: numeric.f0 + numeric.f1 - numeric.f2 > 0 ? 1 : 0 };
  });
  m.fit(examples);
  return encodeModelArtifact(m, { modelId: MODEL_ID });
}

const random = new SeededRandom(42);
const event = () => ({
  numeric: Object.fromEntries(
    contract.features.map((f) => [f.name, Math.round(random.normal() * 1000) / 1000]),
  ),
});

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(port: number, body: string): Promise<{ status: number; version: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/models/${MODEL_ID}/predict`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, version: String(res.headers['x-model-version'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface PhaseResult {
  phase: string;
  requests: number;
  events: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
  /** One-minute load average of the machine at the end of the phase (2 cores: above 2 is contention). */
  load1?: number;
  /** CPU time of the measured scorer instance per request (user + system), ms. */
  cpuMsPerRequest?: number;
  /** Mean time inside the scorer per request (parsed body → answer, publish acknowledged), ms. */
  serverMs?: number;
  /** Mean produce call to ct.predictions until the broker's acknowledgement, ms. */
  produceMs?: number;
  /** Predictions (served and shadow) per produce call: the group commit's batch. */
  perProduce?: number;
  /** GC pause time of the measured instance per second of the phase, ms. */
  gcMsPerS?: number;
  /** Requests whose time inside the scorer exceeded 5 ms, % (from its histogram). */
  serverOver5msPct?: number;
  /** Produce calls the broker took more than 5 ms to acknowledge, %. */
  produceOver5msPct?: number;
}

/** The measured instance's counters that split a phase's latency into stages. */
const STAGE_SERIES = [
  'process_cpu_seconds_total',
  'continuum_scorer_request_duration_seconds_sum',
  'continuum_scorer_request_duration_seconds_count',
  'continuum_scorer_produce_seconds_sum',
  'continuum_scorer_produce_seconds_count',
  'continuum_scorer_produced_records_total',
  'nodejs_gc_duration_seconds_sum',
] as const;
/** Histogram buckets at the goal (5 ms): the share of requests and of produce calls above it. */
const WITHIN_GOAL_SERIES = {
  requestsWithinGoal: 'continuum_scorer_request_duration_seconds_bucket',
  producesWithinGoal: 'continuum_scorer_produce_seconds_bucket',
} as const;
type Stages = Record<(typeof STAGE_SERIES)[number] | keyof typeof WITHIN_GOAL_SERIES, number>;

async function stages(scorer: ServiceProcess): Promise<Stages> {
  const body = await (await fetch(`${scorer.baseUrl}/metrics`)).text();
  return {
    ...Object.fromEntries(STAGE_SERIES.map((name) => [name, sumSeries(body, name)])),
    ...Object.fromEntries(
      Object.entries(WITHIN_GOAL_SERIES).map(([key, name]) => [key, sumSeries(body, name, { le: '0.005' })]),
    ),
  } as Stages;
}

function withStages(result: PhaseResult, before: Stages, after: Stages): PhaseResult {
  const d = (name: keyof Stages) => after[name] - before[name];
  const per = (num: number, den: number) => (den > 0 ? round(num / den) : undefined);
  return {
    ...result,
    load1: Math.round(loadavg()[0] * 10) / 10,
    cpuMsPerRequest: per(d('process_cpu_seconds_total') * 1000, result.requests),
    serverMs: per(
      d('continuum_scorer_request_duration_seconds_sum') * 1000,
      d('continuum_scorer_request_duration_seconds_count'),
    ),
    produceMs: per(
      d('continuum_scorer_produce_seconds_sum') * 1000,
      d('continuum_scorer_produce_seconds_count'),
    ),
    perProduce: per(
      d('continuum_scorer_produced_records_total'),
      d('continuum_scorer_produce_seconds_count'),
    ),
    gcMsPerS: per(d('nodejs_gc_duration_seconds_sum') * 1000, result.seconds),
    serverOver5msPct: per(
      100 * (d('continuum_scorer_request_duration_seconds_count') - d('requestsWithinGoal')),
      d('continuum_scorer_request_duration_seconds_count'),
    ),
    produceOver5msPct: per(
      100 * (d('continuum_scorer_produce_seconds_count') - d('producesWithinGoal')),
      d('continuum_scorer_produce_seconds_count'),
    ),
  };
}

/** The goals: p99 of one event at 1,000 requests/s, and promotion to serving on every instance. */
const P99_GOAL_MS = 5;
const GOAL_RATE = 1000;
const PROMOTION_GOAL_MS = 1000;
const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

function summary(
  phase: string,
  latencies: number[],
  errors: number,
  seconds: number,
  perRequest: number,
): PhaseResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    phase,
    requests: latencies.length,
    events: latencies.length * perRequest,
    errors,
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(latencies.length / seconds),
    p50ms: round(q(0.5)),
    p99ms: round(q(0.99)),
    maxms: round(sorted[sorted.length - 1]),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Open loop: requests scheduled at a fixed rate whatever the answers; latency from the scheduled time. */
async function openLoop(
  phase: string,
  port: number,
  rate: number,
  perRequest: number,
  seconds = SECONDS,
): Promise<PhaseResult> {
  const bodies = Array.from({ length: 200 }, () =>
    JSON.stringify(perRequest === 1 ? event() : { instances: Array.from({ length: perRequest }, event) }),
  );
  return scheduled(phase, rate, perRequest, seconds, async (i) => {
    const res = await post(port, bodies[i % bodies.length]);
    return res.status === 200;
  });
}

/** Calls `send` at a fixed rate whatever its answers; each latency from the call's scheduled time. */
async function scheduled(
  phase: string,
  rate: number,
  perRequest: number,
  seconds: number,
  send: (i: number) => Promise<boolean>,
): Promise<PhaseResult> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(i).then(
        (ok) => {
          latencies.push(performance.now() - due);
          if (!ok) errors += 1;
        },
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(pending);
  return summary(phase, latencies, errors, (performance.now() - start) / 1000, perRequest);
}

/**
 * The broker alone, in the same minutes: one record of a prediction's size per produce call at a
 * fixed rate, through a producer set up as the scorer's (idempotent, acks=all, one request in
 * flight) — what a request's publish costs with no HTTP and no scorer around it; its tail is the
 * broker's (e.g. its GC pauses), a floor under the scorer's p99. Only at a rate that one call at a
 * time sustains (the idempotent producer allows one request in flight: ~500 calls/s here).
 */
async function brokerAlone(env: Record<string, string>, rate: number): Promise<PhaseResult> {
  const config = loadKafkaConfig('scorer-bench', env);
  const client = createKafkaClient(config, 'scorer-bench-probe', createLogger('scorer-bench'));
  const topic = `scorer-bench-probe-${process.pid}-${Date.now()}`;
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const value = Buffer.alloc(360, 7);
  const probe = (phase: string, seconds: number) =>
    scheduled(phase, rate, 1, seconds, async (i) => {
      await producer.send({ topic, acks: -1, messages: [{ key: `probe-${i}`, value }] });
      return true;
    });
  try {
    await probe('warm-up', WARM_UP_SECONDS);
    return await probe(`broker alone: 1 record per produce @ ${rate}/s`, SECONDS);
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Closed loop: each connection sends its next request when the previous one is answered. */
async function closedLoop(phase: string, port: number): Promise<PhaseResult> {
  const bodies = Array.from({ length: 200 }, () => JSON.stringify(event()));
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await post(port, bodies[n++ % bodies.length]).catch(() => ({ status: 0, version: '' }));
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors += 1;
      }
    }),
  );
  return summary(phase, latencies, errors, (performance.now() - start) / 1000, 1);
}

async function servedChampion(scorer: ServiceProcess): Promise<string | null> {
  const res = await fetch(`${scorer.baseUrl}/models/${MODEL_ID}`);
  return ((await res.json()) as { servedChampion: string | null }).servedChampion;
}

/** Publishes the stage change and polls every instance every 2 ms until all serve `version`. */
async function timePromotion(
  scorers: ServiceProcess[],
  promote: () => Promise<void>,
  version: string,
): Promise<{ ackMs: number; allServingMs: number; perInstanceMs: number[] }> {
  const t0 = performance.now();
  await promote();
  const ackMs = performance.now() - t0;
  const perInstance = await Promise.all(
    scorers.map(async (s) => {
      while ((await servedChampion(s)) !== version) await new Promise((r) => setTimeout(r, 2));
      return performance.now() - t0;
    }),
  );
  return {
    ackMs: round(ackMs),
    allServingMs: round(Math.max(...perInstance)),
    perInstanceMs: perInstance.map(round),
  };
}

async function rssMiB(scorer: ServiceProcess): Promise<number> {
  return Math.round((await scorer.metric('process_resident_memory_bytes')) / 2 ** 20);
}

async function main(): Promise<void> {
  const env = await scorerEnvironment('scorer-bench', contract);
  const scorers: ServiceProcess[] = [];
  try {
    await env.register('1', 'CHAMPION', await env.storeBytes('1', model(1)));
    const common = {
      ...env.env,
      LOG_LEVEL: 'warn',
      SCORER_KAFKA_REQUESTS: 'false',
      SCORER_HTTP_DIRECT: HTTP_DIRECT,
      ...(PUBLISH_PRODUCERS === undefined ? {} : { SCORER_PUBLISH_PRODUCERS: PUBLISH_PRODUCERS }),
      SCORER_AWAIT_PUBLISH: AWAIT_PUBLISH,
    };
    scorers.push(await ServiceProcess.startService('scorer', common));
    scorers.push(await ServiceProcess.startService('scorer', common));
    const port = Number(new URL(scorers[0].baseUrl!).port);
    const results: PhaseResult[] = [];
    const measured = async (phase: () => Promise<PhaseResult>) => {
      const before = await stages(scorers[0]);
      const result = await phase();
      results.push(withStages(result, before, await stages(scorers[0])));
    };
    const run = async (label: string) => {
      // Warm the connection pool and the JIT before measuring.
      // Each rate is warmed up at that rate first. The first seconds at a new rate grow the client's
      // and the server's connection pools and re-optimise hot code; with one 200/s warm-up for the
      // whole run, the first 1,000/s phase (no shadow: p99 21.5 ms) paid that and the later one
      // (one shadow: 6.5 ms) did not, so the two could not be compared.
      for (const rate of RATES) {
        await openLoop('warm-up', port, rate, 1, WARM_UP_SECONDS);
        await measured(() => openLoop(`${label}: 1 event @ ${rate}/s`, port, rate, 1));
      }
      await measured(() => openLoop(`${label}: batch of 100 @ ${BATCH_RATE}/s`, port, BATCH_RATE, 100));
      await measured(() => closedLoop(`${label}: sustained, ${CONNECTIONS} connections`, port));
      console.log(`  scorer RSS after "${label}": ${await rssMiB(scorers[0])} MiB`);
    };
    console.log(
      `scorer benchmark: ${FEATURES}-feature logistic model, ${SECONDS} s per phase, 2 instances, /predict ${HTTP_DIRECT === 'false' ? 'through NestJS/Express' : 'served directly by Node http'}, ${PUBLISH_PRODUCERS ?? 'the default number of'} prediction producer(s) per instance`,
    );
    console.log(
      `load average at start (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} on a machine with 2 cores — figures taken above ~2 measure contention`,
    );
    // At the lowest rate only: one awaited call at a time cannot go faster than one round trip allows.
    results.push(await brokerAlone(common, Math.min(...RATES)));
    await run('no shadow');
    await env.register('2', 'SHADOW', await env.storeBytes('2', model(2)));
    await waitFor('shadow loaded on both instances', async () => {
      const statuses = await Promise.all(
        scorers.map(
          async (s) =>
            ((await (await fetch(`${s.baseUrl}/models/${MODEL_ID}`)).json()) as { servedShadows: string[] })
              .servedShadows,
        ),
      );
      return statuses.every((shadows) => shadows.includes('2'));
    });
    await run('one shadow');
    const shadowLag = await scorers[0].metric('continuum_scorer_shadow_lag_seconds_sum');
    const shadowCount = await scorers[0].metric('continuum_scorer_shadow_lag_seconds_count');
    const dropped = await scorers[0].metric('continuum_scorer_shadow_dropped_total');
    console.table(results);
    console.log(
      'serverMs: inside the scorer, body parsed → answer, publish acknowledged; produceMs: one produce call until the broker acknowledged it; perProduce: predictions that shared it; serverOver5msPct / produceOver5msPct: requests / produce calls above 5 ms; "broker alone": the same rate of one-record produce calls with no scorer (the floor under the scorer’s p99)',
    );
    for (const r of results.filter((r) => r.phase.endsWith(`1 event @ ${GOAL_RATE}/s`)))
      console.log(
        `goal p99 < ${P99_GOAL_MS} ms, one event @ ${GOAL_RATE}/s, ${AWAIT_PUBLISH === 'true' ? 'published included' : 'answered before the broker acknowledged (--await-publish=false: not the goal)'} — ${r.phase}: p99 ${r.p99ms} ms, ${verdict(r.p99ms < P99_GOAL_MS && r.errors === 0)} (load ${r.load1})`,
      );
    for (const r of results)
      reportResult({
        bench: 'scorer',
        name: r.phase,
        role: 'continuum',
        eventsPerSec: r.events / r.seconds,
        note: `p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, ${r.errors} errors${r.phase.includes('1 event @ 1000') ? ' (goal p99 < 5 ms)' : ''}`,
      });
    console.log(
      `shadow: ${shadowCount} jobs, mean lag ${round((shadowLag / Math.max(1, shadowCount)) * 1000)} ms, ${dropped} events dropped`,
    );

    const promotions = [];
    promotions.push({
      change: 'SHADOW v2 → CHAMPION (already loaded)',
      ...(await timePromotion(scorers, () => env.changeStage('2', 'CHAMPION'), '2')),
    });
    promotions.push({
      change: 'rollback: ARCHIVED v1 → CHAMPION (the standby, kept warm)',
      ...(await timePromotion(scorers, () => env.changeStage('1', 'CHAMPION'), '1')),
    });
    await env.register('3', 'CANDIDATE', await env.storeBytes('3', model(3)));
    await env.changeStage('3', 'SHADOW');
    await waitFor('v3 shadow', async () =>
      (
        await Promise.all(
          scorers.map(async (s) =>
            (
              (await (await fetch(`${s.baseUrl}/models/${MODEL_ID}`)).json()) as { servedShadows: string[] }
            ).servedShadows.includes('3'),
          ),
        )
      ).every(Boolean),
    );
    promotions.push({
      change: 'SHADOW v3 → CHAMPION under 200 req/s',
      ...(await Promise.all([
        timePromotion(scorers, () => env.changeStage('3', 'CHAMPION'), '3'),
        openLoop('background', port, 200, 1),
      ]).then(([timing]) => timing)),
    });
    promotions.push({
      change: 'ARCHIVED v2 → CHAMPION (not loaded: fetch, verify, warm up)',
      ...(await timePromotion(scorers, () => env.changeStage('2', 'CHAMPION'), '2')),
    });
    console.table(promotions);
    for (const p of promotions)
      console.log(
        `goal < ${PROMOTION_GOAL_MS} ms from the promotion event until every instance serves it — ${p.change}: ${p.allServingMs} ms, ${verdict(p.allServingMs < PROMOTION_GOAL_MS)}`,
      );
    console.log(
      `load average at end (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
    console.log(`RSS: ${(await Promise.all(scorers.map(rssMiB))).join(' MiB, ')} MiB`);
  } finally {
    await Promise.all(scorers.map((s) => s.stop()));
    await env.close();
    agent.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
