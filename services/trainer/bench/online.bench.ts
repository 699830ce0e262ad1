/**
 * Online mode's sustained throughput through Kafka: one online learner follows ct.examples
 * (decode, deterministic partition merge, prequential scoring, partialFit micro-batches,
 * checkpoints every second, snapshot versions). `--mode catchup` (default) publishes the examples
 * first and measures how fast the learner works through them (its ceiling); `--mode live`
 * produces while it learns (bounded by the producer). One command:
 * `npm run bench:online -w @continuum/trainer-service` (`-- --examples 300000 --batch 32 --mode live`).
 */
import { testKafka, waitFor } from '@continuum/testing';
import { reportResult } from '../../../bench/lib/results';
import { conceptStream } from '../test/synthetic';
import { deploy, publishExamples, registerModel, startTrainer, trainerEnv } from '../test/trainer-harness';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const count = arg('examples', 200_000);
  const batch = arg('batch', 32);
  const features = arg('features', 20);
  const live = process.argv.includes('live');
  const kafka = testKafka('trainer-bench-online');
  const d = await deploy(kafka, 'trainer-bench-online');
  await registerModel(d, 'live', features);
  const stream = conceptStream({
    modelId: 'live',
    count,
    features,
    noise: 0.05,
    stepMs: 1,
    changeAt: Math.floor(count / 2),
  });
  const publishAll = async () => {
    for (let i = 0; i < count; i += 20_000) await publishExamples(kafka, d, stream.slice(i, i + 20_000));
  };
  const p0 = Date.now();
  if (!live) {
    await publishAll();
    console.log(
      `published ${count} examples in ${((Date.now() - p0) / 1000).toFixed(1)} s before starting the learner`,
    );
  }
  const trainer = await startTrainer(
    trainerEnv(
      d,
      `models:\n  live:\n    online: { enabled: true, start: earliest, batchSize: ${batch}, snapshotEvery: 50000, checkpointInterval: 1s }\n`,
    ),
  );
  try {
    const learned = () => trainer.metric('continuum_trainer_online_examples_total', { model_id: 'live' });
    // Produce in slices while the learner follows: it reads what arrives.
    const producing = live ? publishAll() : Promise.resolve();
    // From the moment the learner is running (ready): reading, decoding, merging and learning everything.
    const t0 = Date.now();
    const n0 = 0;
    const samples: string[] = [];
    let last = { t: t0, n: n0 };
    const target = count - (count % batch);
    await waitFor(
      'every example to be learned',
      async () => {
        const n = await learned();
        const t = Date.now();
        if (t - last.t >= 2000) {
          samples.push(`${Math.round(((n - last.n) * 1000) / (t - last.t))}`);
          last = { t, n };
        }
        return n >= target;
      },
      { timeoutMs: 900_000, intervalMs: 100 },
    );
    await producing;
    const seconds = (Date.now() - t0) / 1000;
    const rss = await trainer.metric('process_resident_memory_bytes');
    const snapshots = await trainer.metric('continuum_trainer_online_snapshots_total', { model_id: 'live' });
    const recent = await trainer.metric('continuum_trainer_online_prequential_accuracy', {
      model_id: 'live',
    });
    const keys = (await d.client.listVersions('live')).map((v) => v.idempotencyKey);
    console.log(
      [
        `online learner: ${target - n0} examples × ${features} features in ${seconds.toFixed(1)} s = ${Math.round((target - n0) / seconds)} examples/s sustained (batch ${batch}, through Kafka, ${live ? 'while producing' : 'catching up on published examples'})`,
        `  per 2 s interval (examples/s): ${samples.join(', ')}`,
        `  snapshots registered ${snapshots} (${keys.join(', ')}), recent prequential accuracy ${recent.toFixed(3)}, trainer RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
        '(shared 2-core machine, producer in the same run: figures vary with the other work running on it)',
      ].join('\n'),
    );
    reportResult({
      bench: 'trainer-online',
      name: `online learner through Kafka, ${features} features, batch ${batch} (trainer process)`,
      role: 'continuum',
      eventsPerSec: (target - n0) / seconds,
      rssMiB: rss / 2 ** 20,
      note: `${live ? 'while producing' : 'catching up on published examples'}; ${snapshots} snapshots registered`,
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
