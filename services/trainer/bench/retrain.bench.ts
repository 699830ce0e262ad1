/**
 * Retrain request → registered CANDIDATE for 100,000 examples × 20 features, Kafka replay
 * included: the trainer and the model registry run as processes against the local broker
 * (tools/infra up). One command: `npm run bench:retrain -w @continuum/trainer-service`
 * (`-- --examples 200000` to change the size). Prints the end-to-end time, the phases from the
 * trainer's log, and the trainer's memory.
 */
import { testKafka, waitFor } from '@continuum/testing';
import { reportResult } from '../../../bench/lib/results';
import { conceptStream } from '../test/synthetic';
import {
  deploy,
  publishExamples,
  publishRequests,
  registerModel,
  retrainRequest,
  startTrainer,
  trainerEnv,
} from '../test/trainer-harness';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const count = arg('examples', 100_000);
  const features = arg('features', 20);
  const kafka = testKafka('trainer-bench');
  const d = await deploy(kafka, 'trainer-bench');
  const trainer = await startTrainer(
    trainerEnv(d, `models: { '*': { seed: 1, holdout: 5000, maxExamples: ${count + 10} } }`),
  );
  try {
    await registerModel(d, 'bench', features);
    const t0 = Date.now();
    await publishExamples(
      kafka,
      d,
      conceptStream({ modelId: 'bench', count, features, noise: 0.05, stepMs: 5 }),
    );
    console.log(
      `published ${count} examples × ${features} features in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const started = Date.now();
    await publishRequests(kafka, d, [retrainRequest('bench', 'bench-1', { kind: 'FIXED_COUNT', count })]);
    const [version] = await waitFor(
      'the candidate',
      async () => {
        const versions = await d.client.listVersions('bench');
        return versions.length > 0 && versions;
      },
      { timeoutMs: 600_000, intervalMs: 50 },
    );
    const seconds = (Date.now() - started) / 1000;
    const phase = (msg: string) => {
      const line = trainer.output.find((l) => l.includes(msg));
      return line ? (JSON.parse(line) as { time: string }).time : undefined;
    };
    const at = (msg: string) => {
      const t = phase(msg);
      return t ? ((Date.parse(t) - started) / 1000).toFixed(2) : '?';
    };
    const rss = await trainer.metric('process_resident_memory_bytes');
    const heap = await trainer.metric('nodejs_heap_size_used_bytes');
    console.log(
      [
        `request → CANDIDATE v${version.version}: ${seconds.toFixed(2)} s end to end (goal < 10 s)`,
        `  accepted (offsets pinned)     at ${at('retrain request accepted')} s`,
        `  window replayed from Kafka    at ${at('training window read')} s`,
        `  trained + evaluated + profile at ${at('candidate trained')} s`,
        `  registered                    at ${at('candidate registered')} s`,
        `  replay throughput ≈ ${Math.round(count / Math.max(0.001, Number(at('training window read')) - Number(at('retrain request accepted'))))} records/s`,
        `  trainer RSS ${(rss / 2 ** 20).toFixed(0)} MiB, heap used ${(heap / 2 ** 20).toFixed(0)} MiB (after the run)`,
        `  holdout accuracy ${version.metrics.holdout_accuracy?.toFixed(4)}, persistence ${version.metrics.persistence_accuracy?.toFixed(4)}`,
        '(shared 2-core machine: figures vary with the other work running on it)',
      ].join('\n'),
    );
    const replaySeconds = Number(at('training window read')) - Number(at('retrain request accepted'));
    reportResult({
      bench: 'trainer-retrain',
      name: `retrain from a window of ${count} examples (trainer process)`,
      role: 'continuum',
      eventsPerSec: replaySeconds > 0 ? count / replaySeconds : undefined,
      rssMiB: rss / 2 ** 20,
      heapMiB: heap / 2 ** 20,
      note: `events/s = window replay; request → CANDIDATE ${seconds.toFixed(2)} s (goal < 10 s)`,
    });
  } finally {
    await trainer.stop();
    await d.registry?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
