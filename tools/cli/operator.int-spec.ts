/**
 * The operator's commands against the real registry service (a process on private topics), the
 * broker and the schema registry: a model trained elsewhere is connected with two commands —
 * `profile build` from a CSV sample, `register` with its contract and that profile as the EXTERNAL
 * champion — and the registry then serves exactly that profile (what the monitor measures drift
 * against); `models list`, `versions list/show` show it; `profile build` then takes the contract
 * from the registry; registering twice exits 1 with the registry's 409; `tail` decodes records of
 * ct.promotions and ct.retrain-requests through the schema registry, one model's only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type PromotionDecision, type RetrainRequest, Topics } from '@continuum/events';
import { RegistryClient } from '@continuum/registry';
import {
  BROKERS,
  REGISTRY_URL,
  REPO_ROOT,
  ServiceProcess,
  createTopics,
  privateTopics,
  publishFixtures,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import { runCli } from './main';
import { runTailCommand } from './tail';
import { kafkaFromEnv } from './topics';

const TOKEN = 'operator-cli-test-token-0123456789';
const CONTROLLER_TOKEN = 'operator-cli-controller-token-0123456789';

function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('continuum operator commands', () => {
  const kafka = testKafka('operator-cli-test');
  const { names, env: topicEnv } = privateTopics('operator-cli');
  const dir = mkdtempSync(join(tmpdir(), 'operator-cli-'));
  let registry: ServiceProcess;
  let controller: ServiceProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    await createTopics(kafka, [
      { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
      { topic: names.deadLetter, partitions: Topics.deadLetter.partitions },
      { topic: names.promotions, partitions: Topics.promotions.partitions },
      { topic: names.retrainRequests, partitions: Topics.retrainRequests.partitions },
      { topic: names.driftReports, partitions: Topics.driftReports.partitions },
      { topic: names.performance, partitions: Topics.performance.partitions },
    ]);
    const policyFile = join(dir, 'controller-policy.yaml');
    // One entry, 'regression', that registered models name as their policyRef: none of them is in the file.
    writeFileSync(
      policyFile,
      'models:\n  regression:\n    dailyBudget: 3\n    request: { mode: WARM_START, window: { kind: FIXED_COUNT, count: 5000 } }\n',
    );
    const starting = ServiceProcess.startService(
      'controller',
      {
        ...topicEnv,
        CT_TOPIC_CONTROLLER_STATE: `${names.retrainRequests}.controller-state`,
        CONTROLLER_POLICY_FILE: policyFile,
        CONTROLLER_API_TOKEN: CONTROLLER_TOKEN,
        CONTROLLER_GROUP_ID: uniqueName('controller'),
        CONTROLLER_TICK_MS: '200',
        CONTROLLER_SESSION_TIMEOUT_MS: '6000',
      },
      120_000,
    );
    registry = await ServiceProcess.startService(
      'registry',
      {
        ...topicEnv,
        REGISTRY_API_TOKEN: TOKEN,
        REGISTRY_GROUP_ID: uniqueName('registry'),
        REGISTRY_SESSION_TIMEOUT_MS: '6000',
        ARTIFACT_STORE_URL: `file://${mkdtempSync(join(tmpdir(), 'operator-cli-artifacts-'))}`,
      },
      90_000,
    );
    controller = await starting;
    env = {
      ...topicEnv,
      REGISTRY_URL: registry.baseUrl!,
      REGISTRY_API_TOKEN: TOKEN,
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY_URL,
      CONTINUUM_CACHE_DIR: dir,
      CONTROLLER_URL: controller.baseUrl!,
      CONTROLLER_API_TOKEN: CONTROLLER_TOKEN,
    };
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), controller?.stop()]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
    await admin.disconnect();
  });

  // A sample of house prices per city, as a team's pipeline would export it.
  const sample = join(dir, 'houses.csv');
  const lines = ['id,city,rooms,area,prediction'];
  for (let i = 0; i < 2000; i++) {
    const area = 30 + ((i * 37) % 90);
    lines.push(`${i},${['paris', 'lyon', 'nice'][i % 3]},${1 + (i % 5)},${area},${50 + 4 * area}`);
  }
  writeFileSync(sample, lines.join('\n'));
  const contract = join(dir, 'houses.contract.json');
  writeFileSync(
    contract,
    JSON.stringify({
      task: 'REGRESSION',
      owner: 'pricing',
      policyRef: 'regression',
      contract: {
        features: [
          { name: 'rooms', type: 'NUMERIC', min: 0 },
          { name: 'area', type: 'NUMERIC' },
          { name: 'city', type: 'CATEGORICAL' },
        ],
      },
    }),
  );
  const profile = join(dir, 'houses.profile.json');

  it('connects a model: profile build, register with the profile, then the registry serves that profile', async () => {
    const built = recorder();
    const buildArgs = ['profile', 'build', '--input', sample, '--model', 'houses', '--contract', contract];
    expect(await runCli([...buildArgs, '--out', profile], env, built.io)).toBe(0);
    expect(built.out[0]).toContain('profile of houses: 2000 rows, 2 numeric and 1 categorical features');

    const registered = recorder();
    expect(
      await runCli(['register', 'houses', '--contract', contract, '--profile', profile], env, registered.io),
    ).toBe(0);
    expect(registered.out).toEqual([
      'registered model houses (REGRESSION, 3 features, owner pricing, policy regression)',
      'registered version 1 of houses (EXTERNAL, CHAMPION) with its reference profile',
    ]);
    const client = new RegistryClient({ baseUrl: registry.baseUrl! });
    expect(await client.referenceProfile('houses', '1')).toEqual(JSON.parse(readFileSync(profile, 'utf8')));

    const models = recorder();
    expect(await runCli(['models', 'list'], env, models.io)).toBe(0);
    expect(models.out).toContainEqual(
      expect.stringMatching(/^houses\s+REGRESSION\s+pricing\s+1\s+1\s+regression$/),
    );

    const versions = recorder();
    expect(await runCli(['versions', 'list', 'houses', '--stage', 'CHAMPION'], env, versions.io)).toBe(0);
    expect(versions.out[1]).toMatch(/^1\s+CHAMPION\s+EXTERNAL\s+-\s+\S+\s+continuum-cli\s+yes$/);
    const shown = recorder();
    expect(await runCli(['versions', 'show', 'houses', '1'], env, shown.io)).toBe(0);
    expect(shown.out).toContain('houses version 1: CHAMPION');
    expect(shown.out).toContainEqual(
      expect.stringMatching(
        /registered -> CHAMPION {2}by continuum-cli: registered with continuum register$/,
      ),
    );

    // Now registered: the contract comes from the registry, and the profile is the same.
    const again = join(dir, 'again.json');
    const fromRegistry = recorder();
    expect(
      await runCli(
        ['profile', 'build', '--input', sample, '--model', 'houses', '--out', again],
        env,
        fromRegistry.io,
      ),
    ).toBe(0);
    expect(JSON.parse(readFileSync(again, 'utf8'))).toEqual(JSON.parse(readFileSync(profile, 'utf8')));
  });

  it('the registry builds the same profile from the same rows posted as JSON (typed by the registered contract)', async () => {
    const rows = lines.slice(1).map((line) => {
      const [id, city, rooms, area, prediction] = line.split(',');
      return {
        id: Number(id),
        city,
        rooms: Number(rooms),
        area: Number(area),
        prediction: Number(prediction),
      };
    });
    const post = (modelId: string, body: unknown, token: string | null = TOKEN) =>
      fetch(`${registry.baseUrl}/models/${modelId}/reference-profile`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const answer = await post('houses', { rows });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      profile: JSON.parse(readFileSync(profile, 'utf8')),
      typedBy: 'contract',
      ignored: [{ column: 'id', why: 'not in the contract' }],
      absentFeatures: [],
    });
    const refused = await Promise.all([
      post('houses', { rows: [] }),
      post('houses', { rows, segmentBy: ['district'] }),
      post('nobody', { rows }),
      post('houses', { rows }, null),
    ]);
    expect(refused.map((r) => r.status)).toEqual([400, 400, 404, 401]);
    expect(await refused[1].json()).toMatchObject({
      field: 'segmentBy',
      message: "no row has the column 'district'",
    });
  });

  it('exits 1 with the registry’s answer when the model exists, and 1 without a token', async () => {
    const twice = recorder();
    expect(await runCli(['register', 'houses', '--contract', contract], env, twice.io)).toBe(1);
    expect(twice.err[0]).toMatch(/^continuum register: the registry answered 409 /);
    const noToken = recorder();
    const { REGISTRY_API_TOKEN: _token, ...withoutToken } = env;
    expect(await runCli(['register', 'other', '--contract', contract], withoutToken, noToken.io)).toBe(1);
    expect(noToken.err[0]).toContain('REGISTRY_API_TOKEN is required for this command');
  });

  it('the entry script exits 0 listing the models, 2 on a usage mistake', async () => {
    const run = promisify(execFile);
    const script = join(REPO_ROOT, 'tools', 'continuum');
    const listed = await run(script, ['models', 'list'], { env: { ...process.env, ...env }, cwd: REPO_ROOT });
    expect(listed.stdout).toMatch(/^houses\s+REGRESSION/m);
    await expect(
      run(script, ['versions', 'list'], { env: { ...process.env, ...env } }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('versions list: <model> missing'),
    });
  });

  it('tails promotions and retrain requests of one model, decoded through the schema registry', async () => {
    const codecs = testCodecs();
    const promotionEncoder = await codecs.encoderFor(names.promotions, Topics.promotions.contract);
    const requestEncoder = await codecs.encoderFor(names.retrainRequests, Topics.retrainRequests.contract);
    const decision = (modelId: string): PromotionDecision => ({
      decisionId: `d-${modelId}`,
      modelId,
      decision: 'PROMOTE',
      championVersion: '1',
      challengerVersion: '2',
      metric: 'mae',
      championValue: 14.5,
      challengerValue: 11.25,
      test: 'CONFIDENCE_SEQUENCE',
      statistic: null,
      pValue: 0.01,
      pairedCount: 812,
      reason: 'the challenger is better',
      decidedAt: Date.now(),
      actor: 'promoter',
      previousChampionVersion: '1',
      evidence: null,
    });
    const request: RetrainRequest = {
      requestId: 'rr-houses-1',
      modelId: 'houses',
      modelVersion: '1',
      reason: 'DATA_DRIFT',
      requestedAt: Date.now(),
      requestedBy: 'policy:houses',
      evidence: [],
      window: { kind: 'FIXED_COUNT', count: 5000, durationMs: null, candidateCounts: [], holdoutCount: null },
      mode: 'FULL',
    };
    await publishFixtures(
      kafka,
      names.promotions,
      ['houses', 'churn'].map((m) => ({ key: m, value: promotionEncoder.encode(decision(m)) })),
    );
    await publishFixtures(kafka, names.retrainRequests, [
      { key: 'houses', value: requestEncoder.encode(request) },
    ]);

    const promotions = recorder();
    expect(
      await runCli(['tail', 'promotions', '--model', 'houses', '--from-beginning'], env, promotions.io),
    ).toBe(0);
    expect(promotions.out).toHaveLength(1);
    expect(promotions.out[0]).toMatch(
      /^\S+Z promotion +PROMOTE houses: champion is 2 \(1 archived\); decision d-houses by promoter: the challenger is better \(CONFIDENCE_SEQUENCE on mae, p=0\.01, 812 pairs\)$/,
    );

    const requests = recorder();
    expect(await runCli(['tail', 'retrain-requests', '--since', '10m', '--json'], env, requests.io)).toBe(0);
    expect(requests.out.map((l) => JSON.parse(l) as RetrainRequest & { topic: string })).toEqual([
      { topic: names.retrainRequests, ...request },
    ]);

    // --follow: what is there, then a record published after the command caught up, until interrupted.
    const followed = recorder();
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const following = runTailCommand(
      ['retrain-requests', '--model', 'houses', '--from-beginning', '--follow'],
      env,
      followed.io,
      kafkaFromEnv,
      () => interrupted,
    );
    await waitFor('the existing request', async () => followed.out.length === 1);
    await publishFixtures(kafka, names.retrainRequests, [
      {
        key: 'houses',
        value: requestEncoder.encode({ ...request, requestId: 'rr-houses-2', reason: 'MANUAL' }),
      },
    ]);
    await waitFor('the new request', async () => followed.out.length === 2);
    interrupt();
    expect(await following).toBe(0);
    expect(followed.out[1]).toMatch(
      /retrain +houses v1: MANUAL by policy:houses, mode FULL, .*\(request rr-houses-2\)$/,
    );
  });

  it('a model registered with a policyRef naming a policy entry is controlled without editing the file: continuum retrain', async () => {
    // The controller follows ct.model-versions: the registration reaches it within moments.
    const retrained = await waitFor(
      'the controller to accept a retrain of houses',
      async () => {
        const t = recorder();
        const code = await runCli(['retrain', 'houses', '--reason', 'new market data'], env, t.io);
        return code === 0 ? t : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(retrained.out[0]).toMatch(
      /^MANUAL retrain request \S+ for 'houses' accepted \(mode WARM_START, window .*"count":5000/,
    );
    const unknown = recorder();
    expect(await runCli(['retrain', 'nobody'], env, unknown.io)).toBe(1);
    expect(unknown.err[0]).toMatch(/^continuum retrain: the controller answered 404: /);
    const tailed = recorder();
    expect(
      await runCli(['tail', 'retrain-requests', '--model', 'houses', '--since', '10m'], env, tailed.io),
    ).toBe(0);
    expect(tailed.out.at(-1)).toMatch(/retrain +houses: MANUAL by cli:\S+, mode WARM_START/);
  });
});
