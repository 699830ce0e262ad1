import {
  type Prediction,
  type ScoringRequest,
  ScoringRequestContract,
  type ScoringResponse,
  Topics,
} from '@continuum/events';
import { TopicView, type ViewRecord } from '@continuum/kafka';
import { ServiceProcess, waitFor } from '@continuum/testing';
import { CONTRACT, MODEL_ID, scorerEnvironment, sigmoid } from './scorer-fixtures';

type Env = Awaited<ReturnType<typeof scorerEnvironment>>;

async function predict(scorer: ServiceProcess, body: unknown, modelId = MODEL_ID) {
  const res = await fetch(`${scorer.baseUrl}/models/${modelId}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits until `topic` holds `count` records, then reads them all through a TopicView. */
async function decoded<T>(env: Env, key: 'predictions' | 'scoringResponses', count: number) {
  const topic = env.topics.names[key];
  await waitFor(`${count} records on ${topic}`, async () => (await topicSize(env, topic)) >= count);
  const records: Array<ViewRecord<T>> = [];
  const view = new TopicView<T>(env.kafka, env.codecs, {
    topic,
    contract: Topics[key].contract as never,
    onRecord: (r) => void records.push(r),
  });
  await view.start();
  try {
    await view.caughtUp(60_000);
  } finally {
    await view.stop();
  }
  return records.map((r) => ({ partition: r.partition, key: r.key, value: r.value as T }));
}

async function topicSize(env: Env, topic: string): Promise<number> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('scorer on the real broker, schema registry and registry service', () => {
  let env: Env;
  let scorer: ServiceProcess | undefined;

  beforeAll(async () => {
    env = await scorerEnvironment('scorer', CONTRACT, 'service');
    await env.register('1', 'CHAMPION', await env.storeModel('1', 1, 0));
    await env.register('2', 'SHADOW', await env.storeModel('2', -1, 0));
    scorer = await ServiceProcess.startService('scorer', env.env);
    // Readiness needs the champion only; the shadow loads alongside.
    await waitFor('shadow v2 loaded', async () => {
      const status = (await (await fetch(`${scorer!.baseUrl}/models/${MODEL_ID}`)).json()) as {
        servedShadows: string[];
      };
      return status.servedShadows.includes('2');
    });
  });

  afterAll(async () => {
    await scorer?.stop();
    await env?.close();
  });

  it('serves the champion over HTTP, shadows v2 off the request path and publishes both to ct.predictions', async () => {
    const single = await predict(scorer!, { eventId: 'e-1', numeric: { x1: 2, x2: 0 } });
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({
      eventId: 'e-1',
      modelId: MODEL_ID,
      modelVersion: '1',
      output: { predictedClass: '1' },
    });
    expect((single.body.output as { score: number }).score).toBeCloseTo(sigmoid(2), 5);

    const batch = await predict(scorer!, {
      instances: [{ numeric: { x1: -1, x2: 0 } }, { eventId: 'e-3', numeric: { x1: 0.5, x2: 1 } }],
    });
    expect(batch.status).toBe(200);
    const predictions = batch.body.predictions as Array<{ eventId: string; output: { score: number } }>;
    expect(predictions).toHaveLength(2);
    expect(predictions[0].eventId).toMatch(/^[0-9a-f-]{36}$/); // generated for the caller
    expect(predictions[1].eventId).toBe('e-3');

    // Champion v1 and shadow v2 for each of the three events, keyed by eventId.
    const records = await decoded<Prediction>(env, 'predictions', 6);
    const rows = records.map((r) => [r.key, r.value.eventId, r.value.modelVersion]);
    for (const id of ['e-1', predictions[0].eventId, 'e-3'])
      for (const version of ['1', '2']) expect(rows).toContainEqual([id, id, version]);
    const shadow = records.find((r) => r.value.eventId === 'e-1' && r.value.modelVersion === '2')!;
    expect(shadow.value.output.score).toBeCloseTo(sigmoid(-2), 5);
    // Same partition as a label keyed by the same eventId (murmur2, like the Java client).
    const champion = records.find((r) => r.value.eventId === 'e-1' && r.value.modelVersion === '1')!;
    expect(shadow.partition).toBe(champion.partition);
    expect(await scorer!.metric('continuum_scorer_predictions_total', { role: 'SHADOW', version: '2' })).toBe(
      3,
    );
  });

  it('answers 400 naming the feature, 404 for an unknown model, and counts violations per feature', async () => {
    const bad = await predict(scorer!, { numeric: { x1: 1000, x2: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'x1', violations: [{ feature: 'x1', kind: 'above-max' }] });
    const malformed = await predict(scorer!, { numeric: { x1: 'high' } });
    expect(malformed).toMatchObject({ status: 400, body: { field: 'numeric.x1' } });
    const unknown = await predict(scorer!, { numeric: { x1: 1, x2: 1 } }, 'nope');
    expect(unknown.status).toBe(404);
    expect(
      await scorer!.metric('continuum_scorer_contract_violations_total', {
        feature: 'x1',
        kind: 'above-max',
      }),
    ).toBe(1);
  });

  it('answers ScoringRequests on ct.scoring-responses under the same eventId', async () => {
    const request = (eventId: string, x1: number): ScoringRequest => ({
      eventId,
      modelId: MODEL_ID,
      timestamp: null,
      entityId: null,
      numeric: { x1, x2: 0 },
      categorical: {},
      segments: {},
    });
    await env.producer.send(env.topics.names.scoringRequests, ScoringRequestContract, [
      { key: 'k-1', value: request('k-1', 1) },
      { key: 'k-2', value: request('k-2', 500) },
    ]);
    const responses = await decoded<ScoringResponse>(env, 'scoringResponses', 2);
    const byId = Object.fromEntries(responses.map((r) => [r.value.eventId, r.value]));
    expect(byId['k-1']).toMatchObject({ status: 'OK', modelVersion: '1', output: { predictedClass: '1' } });
    expect(byId['k-1'].output!.score).toBeCloseTo(sigmoid(1), 5);
    expect(byId['k-2']).toMatchObject({
      status: 'INVALID_INPUT',
      violations: [{ feature: 'x1', kind: 'above-max' }],
    });
  });

  it('swaps to the promoted version under steady load without failing a request, then drains on SIGTERM', async () => {
    const statuses = new Map<string, number>();
    const versions: string[] = [];
    /** The versions each client was answered with, in its own order. */
    const perClient: string[][] = [];
    let stop = false;
    let promotedAt = 0;
    let firstV2At = 0;
    const client = async (seen: string[]) => {
      while (!stop) {
        const res = await predict(scorer!, { numeric: { x1: 1, x2: 1 } });
        statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
        const version = String(res.body.modelVersion);
        if (version === '2' && firstV2At === 0) firstV2At = Date.now();
        versions.push(version);
        seen.push(version);
      }
    };
    const clients = Array.from({ length: 4 }, () => {
      const seen: string[] = [];
      perClient.push(seen);
      return client(seen);
    });
    await waitFor('steady load', () => versions.length >= 100);
    promotedAt = Date.now();
    await env.changeStage('2', 'CHAMPION');
    await waitFor('v2 serving', () => firstV2At > 0, { timeoutMs: 120_000 });
    const afterSwap = versions.length;
    await waitFor('load after the swap', () => versions.length >= afterSwap + 100);
    stop = true;
    await Promise.all(clients);
    process.stdout.write(
      `hot swap over HTTP: ${versions.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `v1 ${versions.filter((v) => v === '1').length}, v2 ${versions.filter((v) => v === '2').length}; ` +
        `stage change sent to the registry → first v2 answer ${firstV2At - promotedAt} ms\n`,
    );
    expect([...statuses.keys()]).toEqual(['200']);
    // Each client sends its next request only once answered: after a v2 answer, its later requests
    // are scored after the swap and must get v2. Answers of different clients may arrive out of
    // the order they were scored in (each waits for its own prediction's publish), so the order
    // across clients proves nothing.
    for (const seen of perClient) {
      expect(seen).toContain('2');
      expect(seen.slice(seen.indexOf('2')).every((v) => v === '2')).toBe(true);
    }
    const described = (await (await fetch(`${scorer!.baseUrl}/models/${MODEL_ID}`)).json()) as Record<
      string,
      unknown
    >;
    expect(described).toMatchObject({ servedChampion: '2', servedShadows: [] });

    const exit = scorer!.stop();
    expect(await exit).toBe(0);
    expect(scorer!.output.join('\n')).toContain(
      'requests drained, shadow queue empty, predictions published',
    );
    scorer = undefined;
  });
});
