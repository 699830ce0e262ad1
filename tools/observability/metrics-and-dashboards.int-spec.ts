/**
 * The seven services' /metrics as Prometheus reads them (issue 8): every service runs as a process on
 * the real broker, schema registry and S3 store, with one model registered and served; traffic goes
 * through the scorer (predictions) and labels follow, so the monitor and the evaluator report windows.
 *   1. `promtool check metrics` finds nothing to complain about in any service's exposition;
 *   2. a real Prometheus (Debian's, from tools/prometheus-install) scrapes them every second, and every
 *      expression of every generated dashboard panel answers through the HTTP API without error and,
 *      except the few listed in EXPECTED_EMPTY (with why), with at least one series;
 *   3. `promtool check rules` accepts the alert rules in deploy/prometheus.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Label, LabelContract, Topics, type TopicKey } from '@continuum/events';
import { EventProducer, type KafkaClient } from '@continuum/kafka';
import { RegistryClient } from '@continuum/registry';
import { seededUniform } from '@continuum/stats';
import {
  REPO_ROOT,
  ServiceProcess,
  createTopics,
  freePort,
  privateTopics,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import { DASHBOARDS } from '../../deploy/grafana/generate/dashboards';
import {
  artifactStoreUrl,
  createTwoFeatureModel,
  logisticModel,
  storeArtifact,
} from '../../services/promoter/test/promoter-fixtures';

jest.setTimeout(600_000);

const MODEL = 'observed';
const TOKEN = randomBytes(16).toString('hex');
const MINUTE = 60_000;

/**
 * Panel expressions that legitimately return nothing here, with why. Everything else must return
 * at least one series once traffic has flowed.
 */
export const EXPECTED_EMPTY: Record<string, string> = {
  'continuum_monitor_feature_drifted{model_id=~".*"} == 1':
    'the traffic has no drift: no feature is flagged (the panel filters on the flag)',
  'sum by (model_id, reason) (increase(continuum_controller_requests_emitted_total{model_id=~".*"}[1h]))':
    'no retrain request: the policy never breaches on this traffic (the e2e loop tests requests)',
  'sum by (guard) (increase(continuum_controller_signals_suppressed_total{model_id=~".*"}[1h]))':
    'no signal, so none held back by a guard',
  'sum by (model_id, model_version) (increase(continuum_evaluator_concept_drift_detections_total{model_id=~".*"}[1h]))':
    'no concept drift in this traffic: the counter has no series until a detection',
  'continuum_evaluator_estimated_performance{model_id=~".*"}':
    'no version here is registered with a performance-estimation reference (services/evaluator/test/estimated-performance.int-spec.ts checks the gauge)',
  'continuum_promoter_test_lower_bound{model_id=~".*"}':
    'no challenger is under test (no retrain happens here); the e2e loop drives promotions',
  'continuum_promoter_test_upper_bound{model_id=~".*"}': 'as the lower bound',
  'sum by (model_id, decision) (increase(continuum_promoter_decisions_total{model_id=~".*"}[1h]))':
    'no promotion decision without a challenger',
  'sum by (model_id, outcome) (increase(continuum_trainer_runs_total{model_id=~".*"}[1h]))':
    'no training run without a retrain request',
  'histogram_quantile(0.99, sum by (le, model_id) (rate(continuum_trainer_run_duration_seconds_bucket{model_id=~".*"}[1h])))':
    'no training run without a retrain request',
};

function panelExpressions(): string[] {
  const exprs = new Set<string>();
  for (const dashboard of DASHBOARDS)
    for (const row of dashboard.rows)
      for (const panel of row.panels)
        for (const expr of Array.isArray(panel.expr) ? panel.expr : [panel.expr])
          exprs.add(expr.replace(/\$model/g, '.*').replace(/\$__rate_interval/g, '1m'));
  return [...exprs];
}

function tempFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function requirePrometheus(): void {
  const install = spawnSync(join(REPO_ROOT, 'tools', 'prometheus-install'), { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`tools/prometheus-install failed:\n${install.stderr}`);
}

describe('service metrics as Prometheus reads them', () => {
  const services = new Map<string, ServiceProcess>();
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-check-'));
  let prometheus: ChildProcess | undefined;
  let prometheusUrl = '';

  beforeAll(async () => {
    requirePrometheus();
    const kafka = testKafka();
    const { names, env } = privateTopics('observed');
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
      180_000,
    );
    services.set('registry', registry);
    const client = new RegistryClient({ baseUrl: registry.baseUrl!, token: TOKEN });
    await createTwoFeatureModel(client, MODEL, 'metrics-check');
    const v1 = logisticModel(4, 4, MODEL);
    const artifact = await storeArtifact(storeUrl, `models/${MODEL}/v1.ctm`, v1.bytes);
    await client.registerVersion(MODEL, { strategy: 'EXTERNAL', artifact, stage: 'CHAMPION' });

    const policy = `models:\n  ${MODEL}:\n    performance: { metric: accuracy, threshold: 0.01, consecutiveWindows: 3, minLabelled: 10 }\n`;
    const started = await Promise.all([
      ServiceProcess.startService(
        'scorer',
        { ...common, SCORER_MODELS: MODEL, SCORER_GROUP_ID: uniqueName('scorer') },
        180_000,
      ),
      ServiceProcess.startService(
        'monitor',
        {
          ...common,
          MONITOR_GROUP_ID: uniqueName('monitor'),
          MONITOR_WINDOW: '1m',
          MONITOR_BOOTSTRAP_EVENTS: '100',
        },
        180_000,
      ),
      ServiceProcess.startService(
        'evaluator',
        {
          ...common,
          EVALUATOR_GROUP_ID: uniqueName('evaluator'),
          EVALUATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'observed-evaluator-')),
          EVALUATOR_WINDOW: '1m',
        },
        180_000,
      ),
      ServiceProcess.startService(
        'controller',
        {
          ...common,
          CONTROLLER_POLICY_FILE: tempFile(dir, 'controller.yaml', policy),
          CONTROLLER_API_TOKEN: TOKEN,
          CONTROLLER_GROUP_ID: uniqueName('controller'),
        },
        180_000,
      ),
      ServiceProcess.startService(
        'trainer',
        {
          ...common,
          REGISTRY_URL: registry.baseUrl!,
          REGISTRY_API_TOKEN: TOKEN,
          TRAINER_POLICY_FILE: tempFile(dir, 'trainer.yaml', "models:\n  '*': {}\n"),
          TRAINER_GROUP_ID: uniqueName('trainer'),
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
        },
        180_000,
      ),
    ]);
    for (const s of started) services.set(s.name, s);

    // Traffic: a minute of event time per round, starting two hours back so that every window can
    // close. The model has no registered reference profile, so the monitor bootstraps one from the
    // first events and windows only events after it takes effect (services/monitor/README.md,
    // "Bootstrap"): when the monitor is slow to build it, the first rounds are all before it. So,
    // as in production, traffic goes on until both services have reported (at most MAX_ROUNDS).
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 120 * MINUTE;
    const u = seededUniform(8);
    const labels = new EventProducer(kafka as unknown as KafkaClient, testCodecs());
    await labels.connect();
    let round = 0;
    const sendRound = async (): Promise<void> => {
      const instances = Array.from({ length: 150 }, (_, i) => ({
        eventId: `observed-${round}-${i}-${randomBytes(3).toString('hex')}`,
        timestamp: t0 + round * MINUTE + i * 300,
        numeric: { x1: 2 * u() - 1, x2: 2 * u() - 1 },
      }));
      round++;
      // 503 (Retry-After) is the scorer's answer when the broker is slow to acknowledge: a client retries.
      let response: Response | undefined;
      for (let attempt = 0; attempt < 10 && response?.status !== 200; attempt++) {
        if (response) await new Promise((resolve) => setTimeout(resolve, 1000));
        response = await fetch(`${services.get('scorer')!.baseUrl}/models/${MODEL}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances }),
        });
        if (response.status !== 200 && response.status !== 503)
          throw new Error(`predict answered ${response.status}: ${await response.text()}`);
      }
      expect(response?.status).toBe(200);
      const records: Label[] = instances.map((x) => ({
        eventId: x.eventId,
        modelId: MODEL,
        timestamp: x.timestamp + 1000,
        label: x.numeric.x1 + x.numeric.x2 > 0 ? 1 : 0,
      }));
      await labels.send(
        names.labels,
        LabelContract,
        records.map((value) => ({ key: value.eventId, value })),
      );
    };
    const MAX_ROUNDS = 60;
    while (round < 4) await sendRound();
    await waitFor(
      'a drift report and a performance report',
      async () => {
        const reported =
          (await services.get('monitor')!.metric('continuum_monitor_reports_total')) > 0 &&
          (await services.get('evaluator')!.metric('continuum_evaluator_reports_total')) > 0;
        if (!reported && round < MAX_ROUNDS) await sendRound();
        return reported;
      },
      { timeoutMs: 180_000, intervalMs: 2000 },
    )
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await reportingState()}`);
      })
      .finally(() => labels.disconnect());
  });

  /** What the monitor and the evaluator had done when a report did not come: for a failure's reader. */
  async function reportingState(): Promise<string> {
    const parts: string[] = [];
    for (const name of ['scorer', 'monitor', 'evaluator']) {
      const service = services.get(name)!;
      const body = await fetch(`${service.baseUrl}/metrics`)
        .then((res) => res.text())
        .catch((error: unknown) => `(no /metrics: ${String(error)})`);
      const own = body.split('\n').filter((line) => line.startsWith(`continuum_${name}_`));
      parts.push(
        `--- ${name} metrics ---`,
        ...own,
        `--- ${name} output (last 30 lines) ---`,
        ...service.output.slice(-30),
      );
    }
    return parts.join('\n');
  }

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    for (const s of [...services.values()].reverse()) await s.stop();
  });

  it('promtool check metrics is clean on every service', async () => {
    expect([...services.keys()].sort()).toEqual([
      'controller',
      'evaluator',
      'monitor',
      'promoter',
      'registry',
      'scorer',
      'trainer',
    ]);
    const complaints: string[] = [];
    for (const [name, service] of services) {
      const body = await (await fetch(`${service.baseUrl}/metrics`)).text();
      const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
      const said = `${check.stdout}${check.stderr}`.trim();
      if (check.status !== 0 || said !== '') complaints.push(`${name}:\n${said}`);
      expect(body).not.toMatch(/[{,]service="/);
    }
    expect(complaints).toEqual([]);
  });

  it('every dashboard expression answers from a real Prometheus', async () => {
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const targets = [...services.entries()]
      .map(
        ([name, s]) =>
          `      - targets: ['${new URL(s.baseUrl!).host}']\n        labels: { service: ${name} }`,
      )
      .join('\n');
    const config = tempFile(
      dir,
      'prometheus.yml',
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: continuum\n    static_configs:\n${targets}\n`,
    );
    execFileSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      'Prometheus to scrape the seven services',
      async () => {
        const res = await fetch(
          `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('count(up == 1)')}`,
        ).catch(() => undefined);
        if (!res?.ok) return false;
        const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
        return Number(body.data.result[0]?.value[1] ?? 0) === 7;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // rate() and increase() need two samples of a series inside their range.
    await new Promise((resolve) => setTimeout(resolve, 5000));

    const failures: string[] = [];
    const empty: string[] = [];
    for (const expr of panelExpressions()) {
      const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
      if (body.status !== 'success') failures.push(`${expr}: ${body.error}`);
      else if (body.data!.result.length === 0 && !(expr in EXPECTED_EMPTY)) empty.push(expr);
    }
    expect(failures).toEqual([]);
    expect(empty).toEqual([]);
  });

  it('promtool check rules accepts the alert rules', () => {
    const rules = readdirSync(join(REPO_ROOT, 'deploy', 'prometheus')).filter((f) =>
      /rules.*\.ya?ml$/.test(f),
    );
    expect(rules.length).toBeGreaterThan(0);
    for (const file of rules)
      execFileSync('promtool', ['check', 'rules', join(REPO_ROOT, 'deploy', 'prometheus', file)], {
        encoding: 'utf8',
      });
  });
});
