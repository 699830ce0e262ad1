/**
 * Registry benchmark on the real broker and schema registry (tools/infra up):
 *
 *   npm run bench -w @continuum/registry-service
 *   BENCH_VERSIONS=2000 BENCH_SECONDS=20 BENCH_CONCURRENCY=16 npm run bench -w @continuum/registry-service
 *
 * Starts one registry process on private topics, registers BENCH_MODELS models with
 * BENCH_VERSIONS versions in all (each with a 20-feature reference profile and lineage, through the
 * REST API, which also times registration), then issues `GET /models/{id}/versions/{v}` for random
 * versions from BENCH_CONCURRENCY concurrent clients for BENCH_SECONDS and prints throughput,
 * latency percentiles and the registry's memory (RSS and V8 heap from its /metrics). Finally the
 * registry is restarted and the time to rebuild its view from ct.model-versions is printed.
 *
 * The machine has 2 cores shared by this client, the registry, Kafka and the schema registry (and
 * other engineers' work): figures are noisy and conservative.
 */
import { ReferenceProfile } from '@continuum/drift';
import { RegistryClient } from '@continuum/registry';
import { sumSeries, testKafka } from '@continuum/testing';
import { API_TOKEN, FEATURES, prepareRegistry, startRegistry } from '../test/registry-harness';
import { reportResult } from '../../../bench/lib/results';

const MODELS = Number(process.env.BENCH_MODELS ?? 10);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(label: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2).padStart(7);
  return `${label.padEnd(24)} n=${String(s.length).padStart(7)}  p50 ${f(percentile(s, 50))} ms  p95 ${f(percentile(s, 95))} ms  p99 ${f(percentile(s, 99))} ms  max ${f(s.at(-1)!)} ms`;
}

async function memory(baseUrl: string): Promise<string> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const mib = (name: string) => (sumSeries(text, name) / 2 ** 20).toFixed(0);
  return `RSS ${mib('process_resident_memory_bytes')} MiB, V8 heap used ${mib('nodejs_heap_size_used_bytes')} MiB`;
}

async function main(): Promise<void> {
  const kafka = testKafka('registry-bench');
  const prepared = await prepareRegistry(kafka, 'reg-bench');
  let registry = await startRegistry(prepared);
  const client = registry.client;
  const numeric: Record<string, number[]> = {};
  for (let f = 0; f < 20; f++)
    numeric[`x${f}`] = Array.from({ length: 500 }, (_, i) => Math.sin(i * (f + 1)));
  const profile = ReferenceProfile.fromColumns({ numeric }).toJSON();
  const models = Array.from({ length: MODELS }, (_, m) => `bench-${m}`);
  for (const modelId of models) {
    await client.createModel({
      modelId,
      task: 'BINARY_CLASSIFICATION',
      contract: { features: FEATURES },
      owner: 'bench',
    });
  }
  const registration: number[] = [];
  const started = performance.now();
  for (let i = 0; i < VERSIONS; i++) {
    const t = performance.now();
    await client.registerVersion(models[i % MODELS]!, {
      strategy: 'FULL',
      referenceProfile: profile,
      metrics: { accuracy: 0.9, auc: 0.93 },
      lineage: {
        examples: [{ topic: 'ct.examples', partition: i % 6, fromOffset: i * 100, toOffset: i * 100 + 100 }],
        seed: i,
      },
      idempotencyKey: `bench-${i}`,
    });
    registration.push(performance.now() - t);
  }
  const registerSeconds = (performance.now() - started) / 1000;
  console.log(
    `registry benchmark: ${MODELS} models, ${VERSIONS} versions (20-feature profile each), ${CONCURRENCY} clients, ${SECONDS} s`,
  );
  console.log(
    summary('register version', registration),
    ` ${(VERSIONS / registerSeconds).toFixed(0)}/s sequential`,
  );
  console.log(`memory after registration: ${await memory(registry.process.baseUrl!)}`);

  const lookups: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const reader = new RegistryClient({ baseUrl: registry.process.baseUrl! });
  let seed = 1;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const i = next() % VERSIONS;
        const modelId = models[i % MODELS]!;
        const version = String(Math.floor(i / MODELS) + 1);
        const t = performance.now();
        try {
          await reader.getVersion(modelId, version);
          lookups.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  console.log(
    summary('GET version', lookups),
    ` ${(lookups.length / SECONDS).toFixed(0)}/s, ${errors} errors`,
  );
  const afterLookups = await memory(registry.process.baseUrl!);
  console.log(`memory after lookups: ${afterLookups}`);
  const sortedLookups = [...lookups].sort((a, b) => a - b);
  const sortedRegistrations = [...registration].sort((a, b) => a - b);
  reportResult({
    bench: 'registry',
    name: `GET version, ${CONCURRENCY} clients (registry process)`,
    role: 'continuum',
    eventsPerSec: lookups.length / SECONDS,
    note: `requests/s; p99 ${percentile(sortedLookups, 99).toFixed(1)} ms, ${errors} errors; register p99 ${percentile(sortedRegistrations, 99).toFixed(1)} ms; ${afterLookups}`,
  });

  await registry.process.stop();
  const t = performance.now();
  registry = await startRegistry(prepared);
  console.log(
    `restart to ready (view rebuilt from ${VERSIONS + MODELS} events): ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const check = new RegistryClient({ baseUrl: registry.process.baseUrl!, token: API_TOKEN });
  console.log(
    `versions served after restart: ${(await Promise.all(models.map((m) => check.listVersions(m)))).flat().length}`,
  );
  await registry.process.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
