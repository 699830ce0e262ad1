import { type Kafka } from 'kafkajs';
import { keyPartition } from '@continuum/kafka';
import { RegistryClient, RegistryHttpError } from '@continuum/registry';
import { testKafka, waitFor } from '@continuum/testing';
import {
  API_TOKEN,
  FEATURES,
  type RegistryUnderTest,
  prepareRegistry,
  startRegistry,
} from './registry-harness';

/** Model ids covering every partition of ct.model-versions (3), two per partition. */
function modelsOnEveryPartition(): string[] {
  const ids: string[] = [];
  const perPartition = [0, 0, 0];
  for (let i = 0; ids.length < 6; i++) {
    const id = `m${i}`;
    const p = keyPartition(id, 3);
    if (perPartition[p]! < 2) {
      perPartition[p]!++;
      ids.push(id);
    }
  }
  return ids;
}

describe('registry: two instances, one writer per model', () => {
  let kafka: Kafka;
  const instances: RegistryUnderTest[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    await Promise.all(instances.map((r) => r.process.stop()));
  });

  it('each model is written by the owner of its partition; the other answers 421; both serve the same reads', async () => {
    const prepared = await prepareRegistry(kafka, 'reg-two');
    instances.push(await startRegistry(prepared));
    instances.push(await startRegistry(prepared));
    const [a, b] = instances as [RegistryUnderTest, RegistryUnderTest];
    const models = modelsOnEveryPartition();
    const create = (client: RegistryClient, modelId: string) =>
      client.createModel({ modelId, task: 'REGRESSION', contract: { features: FEATURES }, owner: 'o' });

    // Once the group has settled on two members, every model is accepted by exactly one instance.
    const owner = new Map<string, 'a' | 'b'>();
    await waitFor(
      'every model registered by its owner',
      async () => {
        for (const modelId of models.filter((m) => !owner.has(m))) {
          for (const [name, r] of [
            ['a', a],
            ['b', b],
          ] as const) {
            try {
              await create(r.client, modelId);
              owner.set(modelId, name);
              break;
            } catch (error) {
              if (!(error instanceof RegistryHttpError) || error.status !== 421) throw error;
            }
          }
        }
        return owner.size === models.length;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    // Both instances own something (3 partitions, 2 members), and a partition has one owner.
    expect(new Set(owner.values())).toEqual(new Set(['a', 'b']));
    for (const p of [0, 1, 2]) {
      expect(new Set(models.filter((m) => keyPartition(m, 3) === p).map((m) => owner.get(m))).size).toBe(1);
    }
    // A stage change sent to the non-owner answers 421 and changes nothing; a client that knows
    // both instances gets it done.
    const onA = models.find((m) => owner.get(m) === 'a')!;
    await a.client.registerVersion(onA, { strategy: 'EXTERNAL', stage: 'CHAMPION' });
    await a.client.registerVersion(onA, { strategy: 'FULL', stage: 'SHADOW' });
    const refused = await b.client
      .changeStage(onA, '2', { stage: 'REJECTED', reason: 'r', actor: 't' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 421, code: 'NOT_OWNER' });
    const both = new RegistryClient({ baseUrl: [b.process.baseUrl!, a.process.baseUrl!], token: API_TOKEN });
    expect(await both.changeStage(onA, '2', { stage: 'REJECTED', reason: 'r', actor: 't' })).toMatchObject({
      version: { stage: 'REJECTED' },
    });
    // Reads are served by every instance from the same log.
    await waitFor('both instances to serve the same state', async () => {
      const [ra, rb] = await Promise.all([a.client.listModels(), b.client.listModels()]);
      return JSON.stringify(ra) === JSON.stringify(rb) && ra.length === models.length;
    });
    expect((await b.client.getVersion(onA, '2')).stage).toBe('REJECTED');
  });
});
