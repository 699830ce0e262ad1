/**
 * `continuum topics create|list` against the real broker, on topic names private to this test:
 * two operators (or two `tools/continuum up`) creating the catalog at the same moment both succeed.
 */
import { type TopicKey, Topics } from '@continuum/events';
import { BROKERS, privateTopics, testKafka } from '../testing/integration';
import { runTopicsCommand } from './topics';

function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('continuum topics', () => {
  const { names, env } = privateTopics('cli-topics');
  const commandEnv = { ...env, KAFKA_BROKERS: BROKERS.join(',') };
  const admin = testKafka('cli-topics-test').admin();

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates the whole catalog from two processes at once, then lists it as existing', async () => {
    const [a, b] = [recorder(), recorder()];
    const codes = await Promise.all([
      runTopicsCommand(['create'], commandEnv, a.io),
      runTopicsCommand(['create'], commandEnv, b.io),
    ]);
    expect(codes).toEqual([0, 0]);
    expect([...a.err, ...b.err]).toEqual([]);

    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(names) });
    for (const key of Object.keys(Topics) as TopicKey[]) {
      const topic = topics.find((t) => t.name === names[key]);
      expect({ key, partitions: topic?.partitions.length }).toEqual({
        key,
        partitions: Topics[key].partitions,
      });
    }

    const again = recorder();
    expect(await runTopicsCommand(['create'], commandEnv, again.io)).toBe(0);
    expect(again.out).toEqual([
      `topics: 0 created, ${Object.keys(Topics).length} already there (replication factor 1)`,
    ]);
    const listed = recorder();
    expect(await runTopicsCommand(['list'], commandEnv, listed.io)).toBe(0);
    expect(listed.out.filter((line) => line.startsWith('exists '))).toHaveLength(Object.keys(Topics).length);
  });

  it('refuses an unknown subcommand as a usage error', async () => {
    await expect(runTopicsCommand(['delete'], commandEnv, recorder().io)).rejects.toThrow(
      "topics: unknown command 'delete'",
    );
  });
});
