/**
 * Stage 1 in memory, without Kafka: the monitor's per-event CPU path on the events of the monitor
 * benchmark (20 numeric + 2 categorical features, a score, segment keys country and channel, so
 * each event is windowed in 3 streams; one-minute windows of 50,000 events).
 *
 *   node -r @swc-node/register services/monitor/bench/stage-one.bench.ts          (100,000 events)
 *   BENCH_STAGE_ONE_EVENTS=1000000 node --cpu-prof -r @swc-node/register services/monitor/bench/stage-one.bench.ts
 *
 * Rows: Avro bodies decoded by avsc into objects and windowed one event at a time (the monitor
 * before issue 14), decoded by the columnar reader and windowed column-wise (the monitor now), and
 * the windowing alone on pre-decoded columns. Each is run three times; the best run is printed.
 * Also run first by monitor.bench.ts (rows of the 'monitor' benchmark in `npm run bench`).
 */
import { type ReferenceProfile } from '@continuum/drift';
import { ColumnarReader, type ColumnarRecords, type Prediction, PredictionContract } from '@continuum/events';
import { memoryMiB, reportResult } from '../../../bench/lib/results';
import { type ResolvedReference } from '../src/references/resolved-reference';
import { SourceColumns } from '../src/streams/columnar-events';
import { fromPrediction } from '../src/streams/monitored-event';
import { PartitionWindows, StageOneOutput } from '../src/windowing/partition-windows';
import { SeededRandom, T0, featureNames, score, syntheticReference } from '../test/fixtures/synthetic-stream';

const FEATURES = featureNames(20);
const BATCH = 3_000;
const PER_WINDOW = 50_000;
const CATEGORIES = { plan: ['basic', 'pro', 'enterprise'], device: ['ios', 'android', 'web'] };
const COUNTRIES = ['FR', 'DE', 'US', 'ES', 'IT'];
const CHANNELS = ['web', 'app'];

function bodies(n: number): Buffer[] {
  const rnd = new SeededRandom(2024);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const numeric: Record<string, number | null> = {};
    for (const f of FEATURES) numeric[f] = rnd.normal();
    const value: Prediction = {
      eventId: `m-${i}`,
      modelId: 'bench-model',
      modelVersion: '1',
      timestamp: T0 + Math.floor((i * 60_000) / PER_WINDOW),
      entityId: null,
      numeric,
      categorical: { plan: rnd.pick(CATEGORIES.plan), device: rnd.pick(CATEGORIES.device) },
      segments: { country: rnd.pick(COUNTRIES), channel: rnd.pick(CHANNELS) },
      output: { score: score(numeric), predictedClass: null, classProbabilities: {} },
    };
    out.push(PredictionContract.type.toBuffer(value));
  }
  return out;
}

function stageOne(profile: ReferenceProfile): PartitionWindows {
  const reference: ResolvedReference = {
    id: 'M:bench',
    profile,
    kind: 'MODEL_VERSION',
    modelId: 'bench-model',
    modelVersion: '1',
    effectiveFrom: -Infinity,
  };
  return new PartitionWindows(
    {
      topic: 'ct.predictions',
      partition: 0,
      source: 'PREDICTIONS',
      window: { sizeMs: 60_000, hopMs: 60_000, latenessMs: 0 },
      segmentKeys: ['country', 'channel'],
      maxSegmentsPerKey: 20,
      bootstrapEvents: 1000,
    },
    { referenceFor: () => reference, byReferenceId: () => reference },
  );
}

interface Measured {
  eventsPerSec: number;
  /** Process CPU time (user + system) per event, best run: what a loaded machine distorts least. */
  cpuMicrosPerEvent: number;
  partials: number;
}

function measure(label: string, n: number, work: () => number): Measured {
  let best = 0;
  let cpuBest = Infinity;
  let partials = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    partials = work();
    const used = process.cpuUsage(cpu);
    best = Math.max(best, n / ((performance.now() - start) / 1000));
    cpuBest = Math.min(cpuBest, (used.user + used.system) / n);
  }
  const { rssMiB, heapMiB } = memoryMiB();
  process.stderr.write(
    `${label}: ${Math.round(best).toLocaleString('en')} events/s, ${cpuBest.toFixed(1)} µs CPU per event (best of 3), ${partials} partials, RSS ${rssMiB.toFixed(0)} MiB, heap ${heapMiB.toFixed(0)} MiB\n`,
  );
  return { eventsPerSec: best, cpuMicrosPerEvent: cpuBest, partials };
}

/** Runs the three cases on `n` events; reports rows under `bench` when given. */
export function stageOneBench(n: number, bench?: string): void {
  const profile = syntheticReference(7, 5_000, FEATURES.length, CATEGORIES);
  const input = bodies(n);
  const batches: Buffer[][] = [];
  for (let at = 0; at < n; at += BATCH) batches.push(input.slice(at, at + BATCH));
  const reader = ColumnarReader.for(PredictionContract) as ColumnarReader<Prediction>;
  const decodeColumns = (batch: Buffer[]): ColumnarRecords<Prediction> => {
    const records = reader.newRecords() as ColumnarRecords<Prediction>;
    records.reset(batch.length);
    for (const body of batch) records.appendBody(body, 0);
    return records;
  };
  const window = (state: PartitionWindows, offset: number, events: ReturnType<typeof fromPrediction>[]) => {
    const out = new StageOneOutput();
    state.beginBatch();
    for (let i = 0; i < events.length; i++) state.observe(offset + i, events[i], out);
    return out.partials.length;
  };

  // BENCH_STAGE_ONE_CASES=windowing (or objects, columns; comma-separated) runs only those, e.g. for A/B runs.
  const cases = (process.env.BENCH_STAGE_ONE_CASES ?? 'objects,columns,windowing').split(',');
  const skipped: Measured = { eventsPerSec: NaN, cpuMicrosPerEvent: NaN, partials: NaN };
  const measureCase = (name: string, label: string, work: () => number): Measured =>
    cases.includes(name) ? measure(label, n, work) : skipped;
  const objects = measureCase('objects', 'objects: avsc decode + per-event window updates', () => {
    const state = stageOne(profile);
    let partials = 0;
    batches.forEach((batch, b) => {
      const events = batch.map((body) =>
        fromPrediction(PredictionContract.type.fromBuffer(body) as Prediction),
      );
      partials += window(state, b * BATCH, events);
    });
    return partials;
  });
  const columnar = measureCase('columns', 'columns: columnar decode + column-wise window updates', () => {
    const state = stageOne(profile);
    let partials = 0;
    batches.forEach((batch, b) => {
      const columns = SourceColumns.ofPredictions(decodeColumns(batch));
      const events = batch.map((_, row) => columns.event(row) as ReturnType<typeof fromPrediction>);
      partials += window(state, b * BATCH, events);
    });
    return partials;
  });
  const decoded = batches.map((batch) => ({
    columns: SourceColumns.ofPredictions(decodeColumns(batch)),
    size: batch.length,
  }));
  const windowing = measureCase('windowing', 'windowing alone, pre-decoded columns', () => {
    const state = stageOne(profile);
    let partials = 0;
    decoded.forEach(({ columns, size }, b) => {
      const events = Array.from(
        { length: size },
        (_, row) => columns.event(row) as ReturnType<typeof fromPrediction>,
      );
      partials += window(state, b * BATCH, events);
    });
    return partials;
  });
  if (cases.includes('objects') && cases.includes('columns') && objects.partials !== columnar.partials) {
    throw new Error(`the two paths published ${objects.partials} and ${columnar.partials} partials`);
  }
  if (bench) {
    const note = (m: Measured) =>
      `${n.toLocaleString('en')} events in memory, 3 streams each; ${m.cpuMicrosPerEvent.toFixed(1)} µs CPU per event`;
    const { rssMiB, heapMiB } = memoryMiB();
    for (const [name, m] of [
      ['stage 1 in memory: avsc objects, per-event updates', objects],
      ['stage 1 in memory: columnar, column-wise updates', columnar],
      ['stage 1 in memory: windowing only (pre-decoded)', windowing],
    ] as const) {
      if (Number.isNaN(m.eventsPerSec)) continue;
      reportResult({
        bench,
        name,
        role: 'component',
        eventsPerSec: m.eventsPerSec,
        rssMiB,
        heapMiB,
        note: note(m),
      });
    }
  }
}

if (require.main === module) stageOneBench(Number(process.env.BENCH_STAGE_ONE_EVENTS ?? 100_000));
