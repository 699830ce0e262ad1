/**
 * `npm run demo`: house prices per city through the whole continuous-training loop — drift →
 * retrain → shadow → promotion → recovered error — on the local system (tools/continuum).
 *
 * It starts what is not running yet with the demo's settings (tools/demo/services.env and the
 * policy files next to it: per-city segments, 1-minute windows, a retrain policy on MAE and drift,
 * a promotion gate on squared error), then runs tools/demo/house-prices-demo.ts against it and ends
 * with where to look next. Services that `npm start` started with other settings are left alone:
 * it says so and asks for `npm stop` first.
 *
 * Every run is new: the scorer gives every prediction a fresh eventId, v1 is a new version, and the
 * run's event time starts after the previous run's (remembered in the run directory of
 * tools/continuum), so nothing is a duplicate or late.
 *
 * DEMO_TIMEOUT_MS (default 180000) bounds the run once the system is up.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ContractRegistry, EventCodecs, Topics, type TopicKey, topicName } from '@continuum/events';
import { MODEL_ID, STEPS, runHousePricesDemo, runStart } from './demo/house-prices-demo';
import { DEMO_MARKER, REPO_ROOT, demoServicesEnv } from './demo/settings';

const SERVICES = ['registry', 'monitor', 'evaluator', 'controller', 'trainer', 'promoter', 'scorer'] as const;
const DEFAULT_PORTS: Record<(typeof SERVICES)[number], number> = {
  monitor: 9464,
  evaluator: 9465,
  controller: 9466,
  trainer: 9467,
  registry: 9468,
  promoter: 9469,
  scorer: 9470,
};
const CACHE = process.env.CONTINUUM_CACHE_DIR ?? join(REPO_ROOT, '.cache');
const RUN = join(CACHE, 'run');
const LAST_RUN = join(RUN, 'demo-last-run.json');

/** A service's HTTP port as tools/continuum chose it. */
function port(service: (typeof SERVICES)[number]): number {
  return Number(process.env[`CONTINUUM_PORT_${service.toUpperCase()}`] ?? DEFAULT_PORTS[service]);
}

/** The pid tools/continuum recorded for a service, when that process is alive. */
function livePid(service: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(RUN, `${service}.pid`), 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * Running services started without the demo's settings (their environment lacks the marker of
 * services.env). A process environment that cannot be read (not Linux) is given the benefit of the
 * doubt.
 */
export function servicesWithoutDemoSettings(marker: string): string[] {
  return SERVICES.filter((service) => {
    const pid = livePid(service);
    if (pid === undefined) return false;
    try {
      return !readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
    } catch {
      return false;
    }
  });
}

/** REGISTRY_API_TOKEN, else the one this run directory keeps (made on first use). */
function registryToken(): string {
  if (process.env.REGISTRY_API_TOKEN) return process.env.REGISTRY_API_TOKEN;
  const file = join(RUN, 'registry.token');
  if (!existsSync(file)) {
    mkdirSync(RUN, { recursive: true });
    writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function previousEnd(): number | undefined {
  try {
    return (JSON.parse(readFileSync(LAST_RUN, 'utf8')) as { end: number }).end;
  } catch {
    return undefined;
  }
}

/** KAFKA_BROKERS and SCHEMA_REGISTRY_URL of the local infrastructure (`tools/infra env`). */
function infraEnv(): Record<string, string> {
  const out = spawnSync(join(REPO_ROOT, 'tools', 'infra'), ['env'], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const line of (out.stdout ?? '').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

async function main(): Promise<void> {
  const settings = demoServicesEnv();
  const marker = `${DEMO_MARKER}=${settings[DEMO_MARKER]}`;
  const elsewhere = servicesWithoutDemoSettings(marker);
  if (elsewhere.length > 0) {
    console.error(
      `The running ${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'were' : 'was'} started without the demo's settings (tools/demo/services.env: per-city segments, 1-minute windows, the demo's retrain and promotion policies).\nStop the system with \`npm stop\`, then run \`npm run demo\` again: it starts the system with them.`,
    );
    process.exit(1);
  }
  const token = registryToken();
  const artifactStoreUrl = process.env.ARTIFACT_STORE_URL ?? `file://${join(CACHE, 'artifacts')}`;
  console.log(
    'Starting what is not running yet, with the demo settings of tools/demo/services.env (tools/continuum up)...',
  );
  const up = spawnSync(join(REPO_ROOT, 'tools', 'continuum'), ['up'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...settings,
      REGISTRY_API_TOKEN: token,
      ARTIFACT_STORE_URL: artifactStoreUrl,
      // The trainer and the promoter call the registry: where tools/continuum puts it.
      REGISTRY_URL: process.env.REGISTRY_URL ?? `http://127.0.0.1:${port('registry')}`,
    },
  });
  if (up.status !== 0) {
    console.error('demo: the system did not start (see above).');
    process.exit(1);
  }

  const infra = { ...infraEnv(), ...process.env };
  const kafka = new Kafka({
    clientId: 'continuum-demo',
    brokers: (infra.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const codecs = new EventCodecs(
    new ContractRegistry({ url: infra.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7' }),
  );
  const topics = Object.fromEntries(
    (Object.keys(Topics) as TopicKey[]).map((key) => [key, topicName(key)]),
  ) as Record<TopicKey, string>;
  const timeoutMs = Number(process.env.DEMO_TIMEOUT_MS ?? 180_000);
  const start = runStart(Date.now(), previousEnd());
  console.log(
    `\nHouse prices per city, model ${MODEL_ID}: event time from ${new Date(start).toISOString()}, at most ${Math.round(timeoutMs / 1000)} s (Ctrl-C stops it)\n`,
  );
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    console.log('\ninterrupted');
    process.exit(130);
  });
  const result = await runHousePricesDemo(
    {
      kafka,
      codecs,
      topics,
      registryUrl: `http://127.0.0.1:${port('registry')}`,
      registryToken: token,
      scorerUrl: `http://127.0.0.1:${port('scorer')}`,
      artifactStoreUrl,
    },
    { start, timeoutMs },
  );
  mkdirSync(RUN, { recursive: true });
  writeFileSync(LAST_RUN, JSON.stringify({ end: result.eventTimeEnd, v1: result.v1, v2: result.v2 }));
  if (interrupted) return;

  if (result.completed) {
    console.log(
      `\nThe loop closed: v${result.v1} → drift and MAE up → retrain → v${result.v2} shadowed, promoted, served.`,
    );
  } else {
    const done = STEPS.filter((s) => result.reached[s] !== undefined);
    console.log(
      `\nNOT COMPLETE: "${result.missing}" did not happen${result.promotions.some((d) => d.decision === 'REJECT') ? ' (the promoter rejected the challenger, above)' : ` within ${Math.round(timeoutMs / 1000)} s`}. Done: ${done.join('; ') || 'nothing'}.`,
    );
    console.log('Are all services running (tools/continuum status)? Their logs: .cache/run/<service>.log');
  }
  console.log(`
Next:
  dashboards   deploy/grafana/dashboards (model-health: drift, p-values, drifted features per segment, performance, retrain requests, versions by stage; pipeline): import them into a Grafana whose Prometheus scrapes the ports below, or docker compose up -d (Grafana at http://localhost:3000)
  metrics      http://127.0.0.1:${port('monitor')}/metrics (monitor), :${port('evaluator')} evaluator, :${port('controller')} controller, :${port('trainer')} trainer, :${port('promoter')} promoter, :${port('scorer')} scorer
  versions     curl http://127.0.0.1:${port('registry')}/models/${MODEL_ID}/versions  (and .../versions/<v>/history for the audit trail)
  topics       ${(['driftReports', 'performance', 'retrainRequests', 'trainingRuns', 'promotions', 'modelVersions'] as const).map((key) => topics[key]).join(', ')} (tools/continuum topics list)
  the gate     curl http://127.0.0.1:${port('promoter')}/models/${MODEL_ID}/tests (the watch after the promotion)
  again        npm run demo (a new run: new v1, event time after this one)
  stop         npm stop`);
  process.exit(result.completed ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Is the system running? tools/continuum status; logs in .cache/run/<service>.log');
    process.exit(1);
  });
}
