/**
 * StateChangelog on the real broker and registry: how fast a keyed store's changes are appended
 * (one atomic append per write, as the evaluator does per batch) and how long a new owner takes to
 * restore a partition, with the changelog's size. Values are shaped like the evaluator's waiting
 * predictions (JSON of ~25 features, ~600 bytes); every key is written twice (a put, then a newer
 * value or a tombstone), as joins and expiries do, so the restore reads superseded records too
 * (compaction has not run on a fresh topic: the worst case).
 *
 *   node -r @swc-node/register libs/kafka/bench/state-changelog.bench.ts     (tools/infra up first)
 *   BENCH_KEYS=200000 BENCH_WRITE=1000 node -r @swc-node/register libs/kafka/bench/state-changelog.bench.ts
 */
import pino from 'pino';
import { EvaluatorStateEntryContract } from '@continuum/events';
import { StateChangelog, createKafkaClient, loadKafkaConfig } from '@continuum/kafka';
import { createTopics, testCodecs, testKafka, uniqueName } from '@continuum/testing';
import { memoryMiB, reportResult } from '../../../bench/lib/results';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const WRITE = Number(process.env.BENCH_WRITE ?? 1_000);

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function memory(): string {
  const m = process.memoryUsage();
  return `rss ${mib(m.rss)} MiB, heapUsed ${mib(m.heapUsed)} MiB`;
}

function waitingPrediction(i: number): string {
  const numeric: Record<string, number> = {};
  for (let f = 0; f < 20; f++) numeric[`feature_${f}`] = Math.round(Math.sin(i + f) * 1e6) / 1e3;
  return JSON.stringify({
    slots: { '1': { time: 1_767_225_600_000 + i * 1000, score: (i % 1000) / 1000 } },
    numeric,
    categorical: { plan: ['basic', 'pro', 'team'][i % 3], country: 'FR', channel: 'web', device: 'ios' },
  });
}

async function main(): Promise<void> {
  const topic = uniqueName('bench-changelog');
  await createTopics(testKafka('bench-changelog'), [{ topic, partitions: 1 }]);
  const logger = pino({ level: 'warn' });
  const client = createKafkaClient(loadKafkaConfig('bench-changelog'), 'bench-changelog', logger);
  const changelog = new StateChangelog(client, testCodecs(), {
    topic,
    contract: EvaluatorStateEntryContract,
  });
  const key = (i: number) => `P\u000000000\u0000evt-${i}\u0000churn`;

  let t0 = performance.now();
  let appends = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < KEYS; i += WRITE) {
      const entries = [];
      for (let k = i; k < Math.min(KEYS, i + WRITE); k++) {
        // Second pass: half the keys get a newer value, half are deleted (joined or expired).
        const value = pass === 1 && k % 2 === 1 ? null : { value: waitingPrediction(k + pass) };
        entries.push({ key: key(k), value });
      }
      await changelog.append(0, entries);
      appends++;
    }
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  const records = 2 * KEYS;
  console.log(
    `append: ${records} records in ${appends} atomic appends of ${WRITE}: ${(records / appendSeconds).toFixed(0)} records/s (${appendSeconds.toFixed(2)} s), ${memory()}`,
  );

  const restored = new Map<string, string>();
  t0 = performance.now();
  const result = await changelog.restore(0, async (entries) => {
    for (const e of entries) {
      if (e.value === null) restored.delete(e.key);
      else restored.set(e.key, e.value.value);
    }
  });
  const restoreSeconds = (performance.now() - t0) / 1000;
  console.log(
    `restore: ${result.records} records, ${mib(result.bytes)} MiB of keys and values, to ${restored.size} live keys in ${restoreSeconds.toFixed(2)} s = ${(result.records / restoreSeconds).toFixed(0)} records/s, ${(result.bytes / 2 ** 20 / restoreSeconds).toFixed(1)} MiB/s; position ${result.position}; ${memory()}`,
  );
  for (const [name, count, seconds] of [
    [`append in atomic appends of ${WRITE}`, records, appendSeconds],
    ['restore', result.records, restoreSeconds],
  ] as const) {
    reportResult({
      bench: 'state-changelog',
      name,
      role: 'component',
      eventsPerSec: count / seconds,
      ...memoryMiB(),
      note: 'records/s, one partition',
    });
  }
  if (restored.size !== KEYS / 2) throw new Error(`restored ${restored.size} keys, expected ${KEYS / 2}`);
  await changelog.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
