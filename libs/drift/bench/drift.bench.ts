/**
 * Benchmark of @continuum/drift. Run from the repository root:
 *
 *   npm run bench -w @continuum/drift            (or: node -r @swc-node/register libs/drift/bench/drift.bench.ts)
 *
 * Prints: window update throughput for a 20-numeric + 5-categorical event, time to evaluate every
 * statistic for one feature at window close, ADWIN updates/s next to River's ADWIN measured in the
 * same run (tools/python-env libs/drift/bench/river_adwin.py), and serialized state bytes per model
 * after 1M and 10M events. Set BENCH_QUICK=1 for a short run (100k / 1M events).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Adwin,
  Ddm,
  type NumericFeature,
  type ObservedEvent,
  PageHinkley,
  ReferenceProfile,
  WindowProfile,
  evaluateDrift,
  hellingerDistance,
  jensenShannonDistance,
  kullbackLeiblerDivergence,
  populationStabilityIndex,
  wassersteinDistance,
} from '../src';
import { chiSquareTest, kolmogorovSmirnovTest, twoProportionZTest } from '@continuum/stats';
import { TestRandom } from '../test/random';
import { memoryMiB, reportResult } from '../../../bench/lib/results';

const QUICK = process.env.BENCH_QUICK === '1';
const ROOT = resolve(__dirname, '..', '..', '..');
const NUMERIC = 20;
const CATEGORICAL = 5;
const CATEGORIES = Array.from({ length: 12 }, (_, i) => `cat-${i}`);

function mem(): string {
  const m = process.memoryUsage();
  return `heapUsed ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(m.rss / 2 ** 20).toFixed(1)} MiB`;
}

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Progress of long runs on stderr: a live line on a terminal, a line per quarter otherwise. */
function progress(label: string, done: number, total: number, step: number): void {
  const pct = Math.floor((100 * done) / total);
  if (process.stderr.isTTY) {
    process.stderr.write(`\r  ${label}: ${pct}%   `);
    if (done === total) process.stderr.write('\r' + ' '.repeat(60) + '\r');
  } else if (Math.floor((100 * (done - step)) / total / 25) < Math.floor(pct / 25)) {
    process.stderr.write(`  ${label}: ${pct}%\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// A model with 20 numeric and 5 categorical features.

function buildProfile(): ReferenceProfile {
  const r = new TestRandom(1);
  const rows = 20_000;
  const numeric: Record<string, number[]> = {};
  for (let f = 0; f < NUMERIC; f++)
    numeric[`n${f}`] = Array.from({ length: rows }, () => r.normal(f, 1 + f / 10));
  const categorical: Record<string, string[]> = {};
  for (let f = 0; f < CATEGORICAL; f++)
    categorical[`c${f}`] = Array.from({ length: rows }, () => r.pick(CATEGORIES.slice(0, 10)));
  return ReferenceProfile.fromColumns({ numeric, categorical });
}

/** A pool of distinct events, cycled through so that generating them is not what is measured. */
function eventPool(size: number, seed: number, shift: number): ObservedEvent[] {
  const r = new TestRandom(seed);
  return Array.from({ length: size }, () => {
    const numeric: Record<string, number> = {};
    for (let f = 0; f < NUMERIC; f++) numeric[`n${f}`] = r.normal(f + shift, 1 + f / 10);
    const categorical: Record<string, string> = {};
    for (let f = 0; f < CATEGORICAL; f++) categorical[`c${f}`] = r.pick(CATEGORIES);
    return { numeric, categorical };
  });
}

function benchUpdates(
  profile: ReferenceProfile,
  events: number,
  label: string,
): { perSecond: number; state: WindowProfile } {
  const pool = eventPool(16_384, 2, 0.1);
  const w = new WindowProfile(profile);
  const chunk = 100_000;
  const start = process.hrtime.bigint();
  for (let done = 0; done < events;) {
    const end = Math.min(events, done + chunk);
    for (let i = done; i < end; i++) w.observe(pool[i & 16_383]);
    done = end;
    if (events >= 2_000_000) progress(label, done, events, chunk);
  }
  const s = seconds(start);
  return { perSecond: events / s, state: w };
}

// ---------------------------------------------------------------------------------------------

function timeIt(fn: () => unknown, minMs = 300): number {
  fn();
  let n = 0;
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) / 1e6 < minMs) {
    fn();
    n++;
  }
  return (seconds(start) * 1e3) / n;
}

function main(): void {
  console.log(`@continuum/drift benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
  console.log('Single thread. The machine is shared (2 cores, other builds running): figures are noisy.\n');
  const profile = buildProfile();
  const featureValues = NUMERIC + CATEGORICAL;

  // 1. Window updates.
  console.log(`1. Window updates: ${NUMERIC} numeric + ${CATEGORICAL} categorical features per event`);
  console.log('   (per value: frozen-bin histogram + Welford moments + t-digest; categories + SpaceSaving)');
  benchUpdates(profile, 300_000, 'warm-up');
  const runs = QUICK ? [500_000] : [2_000_000, 2_000_000, 2_000_000];
  const rates = runs.map((n, i) => benchUpdates(profile, n, `run ${i + 1}`).perSecond);
  const best = Math.max(...rates);
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  console.log(
    `   events/s:          median ${fmt(median)}, best ${fmt(best)}   (${rates.map(fmt).join(', ')})`,
  );
  console.log(
    `   feature values/s:  median ${fmt(median * featureValues)}, best ${fmt(best * featureValues)}   (goal 5 M/s; whylogs publishes ~0.6 M/s/vCPU)`,
  );
  console.log(`   memory: ${mem()}\n`);
  reportResult({
    bench: 'drift',
    name: `window updates in memory, ${NUMERIC} numeric + ${CATEGORICAL} categorical features`,
    role: 'component',
    eventsPerSec: median,
    ...memoryMiB(),
    note: `${fmt(median * featureValues)} feature values/s (median of ${rates.length})`,
  });

  // 2. Evaluation at window close.
  console.log(
    '2. Evaluation at window close (one numeric feature, window of 1,000,000 events, reference 20,000 rows)',
  );
  const { state } = benchUpdates(profile, QUICK ? 200_000 : 1_000_000, 'filling window');
  const f = profile.feature('n3') as NumericFeature;
  const refSample = f.sample();
  const refBins = f.binCounts;
  const curBins = state.numericBinCounts(f);
  const timings: [string, () => unknown][] = [
    ['window sketch → sorted weighted sample', () => state.numericSample(f)],
    [
      'KS (statistic + p-value, from sketches)',
      () => kolmogorovSmirnovTest(refSample, state.numericSample(f)),
    ],
    ['Wasserstein-1 (from sketches)', () => wassersteinDistance(refSample, state.numericSample(f))],
    ['PSI (12 bins)', () => populationStabilityIndex(refBins, curBins)],
    ['Jensen-Shannon', () => jensenShannonDistance(refBins, curBins)],
    ['KL divergence', () => kullbackLeiblerDivergence(refBins, curBins)],
    ['Hellinger', () => hellingerDistance(refBins, curBins)],
    ['chi-square (12 bins)', () => chiSquareTest(refBins, curBins)],
    ['two-proportion Z', () => twoProportionZTest(refBins[1], 20_000, curBins[1], 1_000_000)],
  ];
  let total = 0;
  for (const [label, fn] of timings) {
    const ms = timeIt(fn);
    total += ms;
    console.log(`   ${label.padEnd(42)} ${(ms * 1000).toFixed(1).padStart(9)} µs`);
  }
  console.log(`   ${'all statistics of one feature'.padEnd(42)} ${(total * 1000).toFixed(1).padStart(9)} µs`);
  const fullMs = timeIt(() => evaluateDrift(profile, state, { features: {} }));
  console.log(
    `   ${'full report, 25 features (evaluateDrift)'.padEnd(42)} ${(fullMs * 1000).toFixed(1).padStart(9)} µs\n`,
  );

  // 3. ADWIN against River.
  const n = 1_000_000;
  console.log(`3. ADWIN (River defaults) on the same ${fmt(n)}-value stream (mean shifts every 100k values)`);
  const r = new TestRandom(3);
  const stream = new Float64Array(n);
  for (let i = 0; i < n; i++) stream[i] = r.normal(Math.floor(i / 100_000) % 2 ? 0.5 : 0, 1);
  const ours: number[] = [];
  const adwinRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    const adwin = new Adwin();
    ours.length = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      adwin.update(stream[i]);
      if (adwin.driftDetected) ours.push(i);
    }
    adwinRuns.push(n / seconds(start));
  }
  const adwinRate = Math.max(...adwinRuns);
  console.log(
    `   @continuum/drift Adwin: ${fmt(adwinRate)} updates/s (best of 3: ${adwinRuns.map(fmt).join(', ')}), ${ours.length} drifts`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'drift-bench-'));
  try {
    const file = join(dir, 'stream.f64');
    writeFileSync(file, Buffer.from(stream.buffer));
    const py = spawnSync(join(ROOT, 'tools', 'python-env'), [join(__dirname, 'river_adwin.py'), file], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    if (py.status !== 0) {
      console.log(`   River: could not run (${py.stderr.trim().split('\n').pop()})`);
    } else {
      const river = JSON.parse(py.stdout.trim().split('\n').pop() as string);
      console.log(
        `   River ${river.river} ADWIN:    ${fmt(river.updatesPerSecond)} updates/s, ${river.drifts.length} drifts`,
      );
      console.log(
        `   speed-up: ${(adwinRate / river.updatesPerSecond).toFixed(1)}×; identical detection indices: ${JSON.stringify(river.drifts) === JSON.stringify(ours)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [label, make] of [
    ['PageHinkley', () => new PageHinkley()],
    ['DDM (on a 0/1 error stream)', () => new Ddm()],
  ] as const) {
    const d = make();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) d.update(label.startsWith('DDM') ? (stream[i] > 1 ? 1 : 0) : stream[i]);
    console.log(`   ${label}: ${fmt(n / seconds(start))} updates/s`);
  }
  console.log(`   memory: ${mem()}\n`);

  // 4. State size.
  const sizes = QUICK ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
  console.log(
    `4. Serialized window state per model (${NUMERIC} numeric + ${CATEGORICAL} categorical features)`,
  );
  console.log(`   reference profile JSON: ${fmt(JSON.stringify(profile.toJSON()).length)} bytes`);
  for (const events of sizes) {
    const { state: w, perSecond } = benchUpdates(profile, events, `${fmt(events)} events`);
    const bytes = w.serialize().length;
    const retained = Math.max(...profile.numeric.map((f) => w.numericSketch(f).retainedItems));
    const k = profile.options.sketchCompression;
    const bound = 3 * k + 2; // δ + 2 centroids + 2δ buffered values
    console.log(
      `   after ${fmt(events).padStart(7)} events: ${bytes} bytes (${(bytes / featureValues).toFixed(0)} bytes/feature); ` +
        `sketch items per feature <= ${retained} (bound 3δ + 2 = ${bound}, any length); ${fmt(perSecond * featureValues)} values/s; ${mem()}`,
    );
  }
}

main();
