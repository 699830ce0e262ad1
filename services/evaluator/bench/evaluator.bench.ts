/**
 * Evaluator benchmark: the service's pure join + metrics path (PartitionEvaluator on a real LevelDB
 * store in a temporary directory, fsync per batch as in the service), without Kafka.
 *
 *   npm run bench -w @continuum/evaluator-service [-- --events 10000000 --batch 1000 --delay 30m]
 *
 * Stream: one partition, 100 predictions per second of event time with a binary model, every label
 * `delay` after its prediction (so ~100/s × delay predictions wait on disk at any time), 1 h windows.
 * Prints joined pairs/s and, at every million events (predictions + labels), RSS, heap and the
 * store's size on disk: the waiting state is on disk, so the heap must stay flat.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Label, type Prediction } from '@continuum/events';
import { parseDuration } from '@continuum/config';
import { PartitionEvaluator, type SourceRecord } from '../src/join/partition-evaluator';
import { LevelStore } from '../src/state/level-store';
import { reportResult } from '../../../bench/lib/results';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const EVENTS = Number(arg('events', '10000000'));
const BATCH = Number(arg('batch', '1000'));
const DELAY = requiredDuration(arg('delay', '30m'), '--delay');

function requiredDuration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`${flag} must be a duration such as 30m`);
  return ms;
}
const RATE_MS = 10; // one prediction every 10 ms of event time
const T0 = Date.UTC(2026, 0, 1);
const MB = 1024 * 1024;

function prediction(i: number): Prediction {
  const x = ((i * 2654435761) % 1000) / 1000;
  return {
    eventId: `e${i}`,
    modelId: 'churn',
    modelVersion: i % 10 === 0 ? '2' : '1',
    timestamp: T0 + i * RATE_MS,
    entityId: `c${i % 5000}`,
    numeric: { tenure: i % 48, spend: x * 100, visits: i % 17 },
    categorical: { plan: i % 2 === 0 ? 'basic' : 'pro' },
    segments: { region: i % 3 === 0 ? 'eu' : 'us' },
    output: { score: x, predictedClass: null, classProbabilities: {} },
  };
}

function label(i: number): Label {
  const x = ((i * 2654435761) % 1000) / 1000;
  return {
    eventId: `e${i}`,
    modelId: 'churn',
    timestamp: T0 + i * RATE_MS + DELAY,
    label: (i * 7919) % 1000 < x * 1000 ? 1 : 0,
  };
}

function du(dir: string): string {
  try {
    return execSync(`du -sm ${dir}`).toString().split('\t')[0] + ' MB';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'evaluator-bench-'));
  const store = await LevelStore.open(dir);
  const evaluator = new PartitionEvaluator(0, store, {
    horizonMs: 90 * 86_400_000,
    windowMs: 3_600_000,
    allowedLatenessMs: 0,
    detector: 'ADWIN',
    taskOverrides: new Map(),
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const lag = DELAY / RATE_MS; // predictions ahead of labels
  let nextPrediction = 0;
  let nextLabel = 0;
  let predictionOffset = 0;
  let labelOffset = 0;
  let events = 0;
  let joined = 0;
  let windows = 0;
  let partialBytes = 0;
  let nextReport = 1_000_000;
  const started = process.hrtime.bigint();
  // CPU time of the whole process (LevelDB's threads included): on a shared machine it moves far
  // less with the load than wall time does.
  const cpuStart = process.cpuUsage();
  let sliceStart = started;
  let sliceEvents = 0;
  let sliceJoined = 0;
  console.log(
    `evaluator bench: ${EVENTS.toLocaleString()} events, batch ${BATCH}, label delay ${arg('delay', '30m')} (~${lag.toLocaleString()} predictions waiting), LevelDB in ${dir}`,
  );
  console.log(
    'events       pairs/s(slice)  events/s(slice)  joined      waiting    windows  rss MB  heap MB  store',
  );
  while (events < EVENTS) {
    // Keep both topics in event-time order: labels trail predictions by `lag` predictions.
    // A label batch goes first once its latest label is not later than the next prediction.
    const labelsDue = nextLabel + BATCH - 1 + lag <= nextPrediction;
    let result;
    if (labelsDue) {
      const records: Array<SourceRecord<Label>> = [];
      for (let k = 0; k < BATCH; k++)
        records.push({ offset: String(labelOffset++), value: label(nextLabel++) });
      result = await evaluator.processLabels(records);
    } else {
      const records: Array<SourceRecord<Prediction>> = [];
      for (let k = 0; k < BATCH; k++)
        records.push({ offset: String(predictionOffset++), value: prediction(nextPrediction++) });
      result = await evaluator.processPredictions(records);
    }
    for (const w of result.closed) partialBytes += JSON.stringify(w.state.toJSON()).length;
    await store.write(result.ops);
    evaluator.committed(result);
    for (const g of result.garbage) await store.clearRange(g.gte, g.lt);
    events += BATCH;
    sliceEvents += BATCH;
    joined += result.stats.joined;
    sliceJoined += result.stats.joined;
    windows += result.closed.length;
    if (events >= nextReport || events >= EVENTS) {
      gc?.();
      const now = process.hrtime.bigint();
      const seconds = Number(now - sliceStart) / 1e9;
      const mem = process.memoryUsage();
      const meta = await evaluator.progress();
      console.log(
        [
          events.toLocaleString().padEnd(12),
          Math.round(sliceJoined / seconds)
            .toLocaleString()
            .padStart(14),
          Math.round(sliceEvents / seconds)
            .toLocaleString()
            .padStart(16),
          joined.toLocaleString().padStart(10),
          meta.waitingPredictions.toLocaleString().padStart(10),
          String(windows).padStart(8),
          (mem.rss / MB).toFixed(0).padStart(7),
          (mem.heapUsed / MB).toFixed(1).padStart(8),
          ` ${du(dir)}`,
        ].join(' '),
      );
      sliceStart = now;
      sliceEvents = 0;
      sliceJoined = 0;
      nextReport += 1_000_000;
    }
  }
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMicrosPerEvent = (cpu.user + cpu.system) / events;
  console.log(
    `total: ${events.toLocaleString()} events in ${total.toFixed(1)} s = ${Math.round(events / total).toLocaleString()} events/s, ${Math.round(joined / total).toLocaleString()} joined pairs/s; ${windows} window states closed (${(partialBytes / Math.max(1, windows) / 1024).toFixed(1)} KB each as JSON)`,
  );
  console.log(
    `CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)}, system ${(cpu.system / 1e6).toFixed(1)}) = ${cpuMicrosPerEvent.toFixed(1)} µs per event, i.e. ${Math.round(1e6 / cpuMicrosPerEvent).toLocaleString()} events/s per core if nothing else ran; load average ${loadavg()[0].toFixed(1)}`,
  );
  reportResult({
    bench: 'evaluator',
    name: 'evaluator join + metrics path (LevelDB, no Kafka)',
    role: 'component',
    eventsPerSec: events / total,
    rssMiB: process.memoryUsage().rss / MB,
    heapMiB: process.memoryUsage().heapUsed / MB,
    note: `${events.toLocaleString()} events, ${cpuMicrosPerEvent.toFixed(0)} µs CPU/event; goal >= 50k/s with Kafka`,
  });
  console.log(
    `heap measured ${gc ? 'after a forced GC (--expose-gc)' : 'without a forced GC (run node with --expose-gc for steadier figures)'}; 2 shared cores: figures are noisy.`,
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
