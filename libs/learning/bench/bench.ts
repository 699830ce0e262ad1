/**
 * Benchmark of @continuum/learning: one command, `npm run bench -w @continuum/learning`.
 *
 * - partialFit throughput (samples/s) of each model at batch sizes 1, 32, 256, 4096 with 20
 *   numeric features, on each engine: the TypeScript engine and tfjs on every available
 *   backend (cpu, wasm, and the native binding if @tensorflow/tfjs-node is installed);
 * - where the time goes: the fixed cost of one tfjs call per backend, kernels per training
 *   step, and the feature pipeline's share on the record path;
 * - predict latency p50/p99 for one event and for a batch of 256;
 * - River's LogisticRegression.learn_one on the same data, in the same run;
 * - the MLP crossover: per hidden size and rows per call, predict and train on the TypeScript
 *   engine, tfjs-wasm and the native backend (tfjs-node, when tools/tfjs-node-install ran),
 *   the numbers behind `engine: 'auto'` (create-engine.ts).
 *
 * Options: --quick (shorter measurements), --no-river, --crossover (only the crossover).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { resolveOptimizer } from '../src/network/optimizer';
import { flattenParameters, initialParameters, parameterCount, type NetworkSpec } from '../src/network/spec';
import {
  availableTfjsBackends,
  JsNetwork,
  LinearRegression,
  LogisticRegression,
  MultilayerPerceptron,
  SeededRandom,
  SoftmaxRegression,
  useTfjsBackend,
  type LabelledExample,
  type Model,
  type TfjsBackendName,
} from '../src';
import { TfjsNetwork } from '../src/tfjs';
import { memoryMiB, reportResult } from '../../../bench/lib/results';

const QUICK = process.argv.includes('--quick');
const BUDGET_MS = QUICK ? 250 : 700;
const FEATURES = 20;
const BATCHES = [1, 32, 256, 4096];
const POOL = 16_384;
const ROOT = resolve(__dirname, '..', '..', '..');

type ModelName = 'logistic' | 'softmax' | 'linear' | 'mlp';
const MODELS: ModelName[] = ['logistic', 'softmax', 'linear', 'mlp'];

const featureSpec = {
  features: Array.from({ length: FEATURES }, (_, j) => ({ name: `x${j}`, type: 'numeric' as const })),
};
/**
 * Raw features, no statistics (missing = 0): the same work as River's LogisticRegression
 * alone, which neither scales nor imputes (an absent key contributes nothing).
 */
const rawFeatureSpec = {
  features: Array.from({ length: FEATURES }, (_, j) => ({
    name: `x${j}`,
    type: 'numeric' as const,
    standardize: false,
    missing: 'zero' as const,
  })),
};

function makeModel(name: ModelName, engine: 'js' | 'tfjs'): Model {
  switch (name) {
    case 'logistic':
      return new LogisticRegression({ features: featureSpec, engine });
    case 'softmax':
      return new SoftmaxRegression({ features: featureSpec, classes: [0, 1, 2, 3], engine });
    case 'linear':
      return new LinearRegression({ features: featureSpec, engine });
    default:
      return new MultilayerPerceptron({
        features: featureSpec,
        task: 'binary',
        hiddenLayers: [64, 32],
        engine,
      });
  }
}

/** Seeded data: x ~ N(0, 1)^20; labels from fixed linear models of x. */
function makeData(n: number) {
  const rng = new SeededRandom(2026);
  const w = Array.from({ length: FEATURES }, () => rng.normal());
  const records: Record<ModelName, LabelledExample[]> = { logistic: [], softmax: [], linear: [], mlp: [] };
  const x = new Float32Array(n * FEATURES);
  for (let i = 0; i < n; i++) {
    const numeric: Record<string, number> = {};
    let z = 0;
    for (let j = 0; j < FEATURES; j++) {
      const v = rng.normal();
      numeric[`x${j}`] = v;
      x[i * FEATURES + j] = v;
      z += w[j] * v;
    }
    const binary = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    records.logistic.push({ numeric, label: binary });
    records.mlp.push({ numeric, label: binary });
    records.softmax.push({ numeric, label: Math.min(3, Math.max(0, Math.floor(z / 2 + 2))) });
    records.linear.push({ numeric, label: z + rng.normal() * 0.1 });
  }
  return { records, x };
}

/**
 * Calls `fn` repeatedly for about `budget` ms after a warm-up and returns calls per second
 * of the fastest of five equal slices: on a shared machine the best slice is the least
 * disturbed by other processes (River's side is measured the same way).
 */
function rate(fn: (i: number) => void, budget = BUDGET_MS, minCalls = 3): number {
  const warm = performance.now();
  let i = 0;
  while (performance.now() - warm < budget / 4 || i < 2) fn(i++);
  let best = 0;
  // Calls between clock reads: 1 for slow calls, up to 64 for sub-microsecond ones.
  let chunk = 1;
  for (let slice = 0; slice < 5; slice++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    for (;;) {
      const before = performance.now();
      for (let k = 0; k < chunk; k++, calls++) fn(i++);
      const after = performance.now();
      if (after - before < 0.05 && chunk < 64) chunk *= 2;
      elapsed = after - start;
      if (elapsed >= budget / 5 && calls >= minCalls) break;
    }
    best = Math.max(best, (calls / elapsed) * 1000);
  }
  return best;
}

function percentiles(fn: (i: number) => void, calls: number): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(200, calls); i++) fn(i);
  const t = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    fn(i);
    t[i] = performance.now() - s;
  }
  t.sort();
  return { p50: t[Math.floor(calls * 0.5)] * 1000, p99: t[Math.floor(calls * 0.99)] * 1000 };
}

const fmtRate = (v: number) =>
  v >= 1e6 ? `${(v / 1e6).toFixed(2)} M/s` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k/s` : `${v.toFixed(0)} /s`;
const fmtUs = (v: number) =>
  v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : v >= 1 ? `${v.toFixed(1)} µs` : `${v.toFixed(2)} µs`;
const mem = () => {
  const m = process.memoryUsage();
  return `rss ${(m.rss / 2 ** 20).toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, tfjs tensors ${tf.memory().numTensors}`;
};
const log = (s = '') => process.stdout.write(`${s}\n`);
const started = performance.now();
/** A section heading with the elapsed time, so long runs show progress. */
const section = (title: string) =>
  log(`\n## ${title}  [${((performance.now() - started) / 1000).toFixed(0)} s]\n`);

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  log(line(header));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => log(line(r)));
}

interface Engine {
  label: string;
  engine: 'js' | 'tfjs';
  backend?: TfjsBackendName;
}

/** Hidden layers of the crossover MLPs (20 inputs, one logistic output). */
const CROSSOVER_HIDDEN: number[][] = [[32], [64], [128], [256], [1024], [64, 32], [256, 256]];
const CROSSOVER_ROWS = [1, 32, 256, 1024, 4096];

/** Wall time per call (fastest of five slices, see rate) and process CPU time per call. */
function wallAndCpu(fn: () => void, budget: number): { wallMs: number; cpuMs: number } {
  let calls = 0;
  const before = process.cpuUsage();
  const perSecond = rate(
    () => {
      calls++;
      fn();
    },
    budget,
    1,
  );
  const cpu = process.cpuUsage(before);
  return { wallMs: 1000 / perSecond, cpuMs: (cpu.user + cpu.system) / 1000 / calls };
}

/**
 * Where the native backend starts to win: each MLP shape x rows per call, predict and one
 * training step on js, tfjs-wasm and tfjs-tensorflow (native). Wall time is what a caller
 * waits on an idle machine; CPU time (all threads of the process) is what the call costs the
 * machine, and is the steadier figure when other processes compete for the cores.
 */
async function crossover(backends: TfjsBackendName[]): Promise<void> {
  section('MLP crossover: engine x hidden layers x rows per call (20 inputs, logistic head)');
  const tfjsBackends = backends.filter((b) => b !== 'cpu');
  if (!tfjsBackends.includes('tensorflow'))
    log('  native backend not installed (run tools/tfjs-node-install): js and wasm only');
  const labels = ['js', ...tfjsBackends.map((b) => `tfjs-${b}`)];
  const budget = QUICK ? 150 : 300;
  const rng = new SeededRandom(11);
  const maxRows = Math.max(...CROSSOVER_ROWS);
  const x = Float32Array.from({ length: maxRows * FEATURES }, () => rng.normal());
  const y = Float32Array.from({ length: maxRows }, () => rng.int(2));
  type Cell = { wallMs: number; cpuMs: number };
  const results = new Map<string, { predict: Cell; train: Cell }>();
  const specOf = (hidden: number[]): NetworkSpec => ({
    inputSize: FEATURES,
    hidden,
    activation: 'relu',
    outputSize: 1,
    head: 'logistic',
  });
  for (const label of labels) {
    const backend = label === 'js' ? null : (label.slice(5) as TfjsBackendName);
    if (backend) await useTfjsBackend(backend);
    for (const hidden of CROSSOVER_HIDDEN) {
      const spec = specOf(hidden);
      const init = {
        spec,
        optimizer: resolveOptimizer({ type: 'adam', learningRate: 0.001 }),
        l2: 0,
        parameters: initialParameters(spec, 1),
      };
      const net = backend ? new TfjsNetwork(init) : new JsNetwork(init);
      for (const rows of CROSSOVER_ROWS) {
        const xs = x.subarray(0, rows * FEATURES);
        const ys = y.subarray(0, rows);
        results.set(`${label} ${hidden} ${rows}`, {
          predict: wallAndCpu(() => net.predict(xs, rows), budget),
          train: wallAndCpu(() => net.trainStep({ x: xs, rows, y: ys, weights: null }), budget),
        });
      }
      net.dispose();
    }
    log(`  ${label} done [${((performance.now() - started) / 1000).toFixed(0)} s] ${mem()}`);
  }
  const ms = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  for (const op of ['predict', 'train'] as const) {
    const cell = (l: string, hidden: number[], rows: number) => results.get(`${l} ${hidden} ${rows}`)![op];
    const fastest = (hidden: number[], rows: number, by: keyof Cell) =>
      labels.reduce((a, b) => (cell(b, hidden, rows)[by] < cell(a, hidden, rows)[by] ? b : a));
    log(`\n${op === 'predict' ? 'predict' : 'one training step (Adam)'}: ms per call, wall / CPU\n`);
    table(
      [
        'hidden',
        'params',
        'rows',
        ...labels.map((l) => `${l} wall / cpu`),
        'fastest (wall)',
        'fastest (cpu)',
      ],
      CROSSOVER_HIDDEN.flatMap((hidden) =>
        CROSSOVER_ROWS.map((rows) => [
          `[${hidden.join(', ')}]`,
          String(parameterCount(specOf(hidden))),
          String(rows),
          ...labels.map((l) => `${ms(cell(l, hidden, rows).wallMs)} / ${ms(cell(l, hidden, rows).cpuMs)}`),
          fastest(hidden, rows, 'wallMs'),
          fastest(hidden, rows, 'cpuMs'),
        ]),
      ),
    );
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(
    `load average before the run: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')} (${cpus().length} cores)`,
  );
  await useTfjsBackend('cpu');
  const backends = availableTfjsBackends();
  const engines: Engine[] = [
    { label: 'js', engine: 'js' },
    ...backends.map((b) => ({ label: `tfjs-${b}`, engine: 'tfjs' as const, backend: b })),
  ];
  log(`# @continuum/learning benchmark`);
  log(
    `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `tfjs ${tf.version_core}, backends: ${backends.join(', ')}${backends.includes('tensorflow') ? '' : ' (tfjs-node not installed)'}`,
  );
  log(
    `${FEATURES} numeric features, MLP hidden [64, 32] relu, ${QUICK ? 'quick' : 'full'} run; shared machine: figures are noisy.`,
  );
  if (process.argv.includes('--crossover')) {
    await crossover(backends);
    log(
      `\nTotal ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(', ')}; ${mem()}`,
    );
    return;
  }
  const { records, x } = makeData(POOL);

  // ---------------------------------------------------------------- partialFit throughput
  section('partialFit throughput, encoded rows (samples/s)');
  const throughput: Record<string, Record<string, number>> = {};
  for (const e of engines) {
    if (e.backend) await useTfjsBackend(e.backend);
    for (const name of MODELS) {
      for (const b of BATCHES) {
        const model = makeModel(name, e.engine);
        const y = model.encodeLabels(records[name]);
        const slices = Math.floor(POOL / b);
        const calls = rate((i) => {
          const s = (i % slices) * b;
          model.partialFitEncoded({
            x: x.subarray(s * FEATURES, (s + b) * FEATURES),
            rows: b,
            y: y.subarray(s, s + b),
          });
        });
        model.dispose();
        (throughput[`${name} ${e.label}`] ??= {})[b] = calls * b;
        if (b === 32)
          reportResult({
            bench: 'learning',
            name: `partialFit ${name}, ${e.label}, batch 32, ${FEATURES} features (in memory)`,
            role: 'component',
            eventsPerSec: calls * b,
            ...memoryMiB(),
            note: 'samples/s',
          });
        process.stdout.write(
          `  ${e.label.padEnd(16)} ${name.padEnd(9)} batch ${String(b).padStart(4)}: ${fmtRate(calls * b)}\n`,
        );
      }
    }
    log(`  [${((performance.now() - t0) / 1000).toFixed(0)} s] ${mem()}`);
  }
  log('');
  table(
    ['model', 'engine', ...BATCHES.map((b) => `batch ${b}`)],
    MODELS.flatMap((m) =>
      engines.map((e) => [m, e.label, ...BATCHES.map((b) => fmtRate(throughput[`${m} ${e.label}`][b]))]),
    ),
  );

  // ------------------------------------------------------- record path (pipeline included)
  section(
    'partialFit throughput from domain records (pipeline: standardisation of 20 features, label encoding), js engine',
  );
  const recordRates: Record<string, Record<number, number>> = {};
  for (const name of MODELS) {
    for (const b of BATCHES) {
      const model = makeModel(name, 'js');
      const slices = Math.floor(POOL / b);
      const batches = Array.from({ length: slices }, (_, k) => records[name].slice(k * b, (k + 1) * b));
      const calls = rate((i) => model.partialFit(batches[i % slices]));
      (recordRates[name] ??= {})[b] = calls * b;
      model.dispose();
    }
    process.stdout.write(`  ${name}: ${BATCHES.map((b) => fmtRate(recordRates[name][b])).join(', ')}\n`);
  }
  const rawRates: Record<number, number> = {};
  for (const b of BATCHES) {
    const model = new LogisticRegression({ features: rawFeatureSpec, engine: 'js' });
    const slices = Math.floor(POOL / b);
    const batches = Array.from({ length: slices }, (_, k) => records.logistic.slice(k * b, (k + 1) * b));
    rawRates[b] = rate((i) => model.partialFit(batches[i % slices])) * b;
  }
  table(
    ['model', ...BATCHES.map((b) => `batch ${b}`)],
    [
      ...MODELS.map((m) => [m, ...BATCHES.map((b) => fmtRate(recordRates[m][b]))]),
      ['logistic, no standardisation', ...BATCHES.map((b) => fmtRate(rawRates[b]))],
    ],
  );

  // ----------------------------------------------------------------- where the time goes
  section('Where the time goes');
  const overheadRows: string[][] = [];
  for (const b of backends) {
    await useTfjsBackend(b);
    const a = tf.scalar(1);
    const c = tf.scalar(2);
    const opRate = rate(() => tf.add(a, c).dispose());
    const readRate = rate(() => {
      const s = tf.add(a, c);
      s.dataSync();
      s.dispose();
    });
    tf.dispose([a, c]);
    const model = makeModel('logistic', 'tfjs');
    const y = model.encodeLabels(records.logistic);
    const profile = await tf.profile(() => {
      model.partialFitEncoded({ x: x.subarray(0, FEATURES), rows: 1, y: y.subarray(0, 1) });
    });
    const stepRate = rate((i) =>
      model.partialFitEncoded({
        x: x.subarray((i % POOL) * FEATURES, (i % POOL) * FEATURES + FEATURES),
        rows: 1,
        y: y.subarray(i % POOL, (i % POOL) + 1),
      }),
    );
    model.dispose();
    const kernels = profile.kernels.length;
    overheadRows.push([
      `tfjs-${b}`,
      fmtUs(1e6 / opRate),
      fmtUs(1e6 / readRate),
      String(kernels),
      fmtUs(1e6 / stepRate),
      fmtUs((kernels * 1e6) / opRate),
    ]);
  }
  table(
    [
      'backend',
      'one tiny op',
      'op + dataSync',
      'kernels per logistic step',
      'measured step (batch 1)',
      'kernels x op cost',
    ],
    overheadRows,
  );
  {
    const model = makeModel('logistic', 'js');
    const row = new Float32Array(FEATURES);
    const one = records.logistic.map((r) => [r]);
    const pipeRate = rate((i) => model.pipeline.learnAndTransform(one[i % POOL], row));
    const labelRate = rate((i) => model.encodeLabels(one[i % POOL]));
    const stepRate = throughput['logistic js'][1];
    log(
      `\nRecord path, logistic, batch 1, js engine, per example: pipeline.learnAndTransform (20 lookups, Welford ` +
        `updates, standardisation) ${fmtUs(1e6 / pipeRate)}, label encoding ${fmtUs(1e6 / labelRate)}, network step ` +
        `${fmtUs(1e6 / stepRate)}; partialFit from records in total ${fmtUs(1e6 / recordRates.logistic[1])}.`,
    );
    model.dispose();
  }

  // ------------------------------------------------------ full-window objective (for fit)
  section('fit: one full-window objective + gradient evaluation (what each L-BFGS iteration costs)');
  {
    const fitRows: string[][] = [];
    const n = QUICK ? 20_000 : 100_000;
    const rng = new SeededRandom(7);
    const fx = Float32Array.from({ length: n * FEATURES }, () => rng.normal());
    for (const [name, spec, rows] of [
      ['logistic', { hidden: [], outputSize: 1, head: 'logistic' }, n],
      ['softmax', { hidden: [], outputSize: 4, head: 'softmax' }, n],
      ['mlp', { hidden: [64, 32], outputSize: 1, head: 'logistic' }, n / 5],
    ] as const) {
      const full = { inputSize: FEATURES, activation: 'relu' as const, ...spec, hidden: [...spec.hidden] };
      const fy = Float32Array.from({ length: rows }, () =>
        rng.int(spec.outputSize === 1 ? 2 : spec.outputSize),
      );
      const init = {
        spec: full,
        optimizer: {
          type: 'sgd' as const,
          learningRate: 0.1,
          momentum: 0,
          decay: 'constant' as const,
          power: 0.25,
        },
        l2: 0,
        parameters: initialParameters(full, 1),
      };
      const cells = [`${name}, ${rows} rows`];
      for (const e of engines) {
        if (e.backend) await useTfjsBackend(e.backend);
        const net = e.engine === 'js' ? new JsNetwork(init) : new TfjsNetwork(init);
        const objective = net.createObjective({ x: fx, y: fy, rows });
        const p = flattenParameters(init.parameters);
        const g = new Float64Array(p.length);
        const perSecond = rate(() => objective.evaluate(p, g), BUDGET_MS, 1);
        objective.dispose();
        net.dispose();
        cells.push(fmtUs(1e6 / perSecond));
      }
      fitRows.push(cells);
    }
    table(['objective', ...engines.map((e) => e.label)], fitRows);
  }

  // -------------------------------------------------------------------- predict latency
  section('predict latency (record path, pipeline included): p50 / p99');
  const latencyRows: string[][] = [];
  for (const e of engines) {
    if (e.backend) await useTfjsBackend(e.backend);
    for (const name of MODELS) {
      const model = makeModel(name, e.engine);
      model.partialFit(records[name].slice(0, 256));
      const one = percentiles(
        (i) => model.predictRaw(records[name].slice(i % POOL, (i % POOL) + 1)),
        QUICK ? 500 : 3000,
      );
      const batches = Array.from({ length: 32 }, (_, k) => records[name].slice(k * 256, (k + 1) * 256));
      const many = percentiles((i) => model.predictRaw(batches[i % 32]), QUICK ? 100 : 400);
      model.dispose();
      latencyRows.push([
        name,
        e.label,
        `${fmtUs(one.p50)} / ${fmtUs(one.p99)}`,
        `${fmtUs(many.p50)} / ${fmtUs(many.p99)}`,
      ]);
    }
  }
  table(['model', 'engine', '1 event', 'batch of 256'], latencyRows);
  log(`\n  [${((performance.now() - t0) / 1000).toFixed(0)} s] ${mem()}`);

  // ---------------------------------------------------------------------------- River
  if (!process.argv.includes('--no-river')) {
    section('River comparison: online logistic regression');
    const dir = mkdtempSync(join(tmpdir(), 'learning-bench-'));
    try {
      const csv = join(dir, 'data.csv');
      const header = [...Array.from({ length: FEATURES }, (_, j) => `x${j}`), 'label'].join(',');
      const lines = records.logistic.map((r) =>
        [...Array.from({ length: FEATURES }, (_, j) => r.numeric![`x${j}`]), r.label].join(','),
      );
      writeFileSync(csv, `${header}\n${lines.join('\n')}\n`);
      const run = spawnSync(
        join(ROOT, 'tools', 'python-env'),
        [join(__dirname, 'river_learn_one.py'), csv, QUICK ? '0.5' : '2'],
        {
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) {
        log(`River run failed (${run.status}): ${run.stderr}`);
      } else {
        const river = JSON.parse(run.stdout.trim().split('\n').pop() as string);
        const plain = river.LogisticRegression.samplesPerSecond as number;
        const scaled = river['StandardScaler|LogisticRegression'].samplesPerSecond as number;
        // Ours again, right after River, so both see the same machine load.
        const encoded = (b: number) => {
          const model = makeModel('logistic', 'js');
          const y = model.encodeLabels(records.logistic);
          const slices = Math.floor(POOL / b);
          return (
            rate((i) => {
              const s0 = (i % slices) * b;
              model.partialFitEncoded({
                x: x.subarray(s0 * FEATURES, (s0 + b) * FEATURES),
                rows: b,
                y: y.subarray(s0, s0 + b),
              });
            }) * b
          );
        };
        const fromRecords = (b: number, features: typeof featureSpec | typeof rawFeatureSpec) => {
          const model = new LogisticRegression({ features, engine: 'js' });
          const slices = Math.floor(POOL / b);
          const batches = Array.from({ length: slices }, (_, k) =>
            records.logistic.slice(k * b, (k + 1) * b),
          );
          return rate((i) => model.partialFit(batches[i % slices])) * b;
        };
        const rows: string[][] = [
          [
            `River ${river.river} LogisticRegression.learn_one (dict in, no scaling)`,
            fmtRate(plain),
            '1.0x',
            '',
          ],
          [`River StandardScaler | LogisticRegression, learn_one`, fmtRate(scaled), '', '1.0x'],
        ];
        const ours: Record<string, number> = {};
        for (const b of BATCHES) {
          ours[`raw ${b}`] = fromRecords(b, rawFeatureSpec);
          rows.push([
            `Continuum partialFit, records, no statistics, batch ${b}`,
            fmtRate(ours[`raw ${b}`]),
            `${(ours[`raw ${b}`] / plain).toFixed(1)}x`,
            '',
          ]);
        }
        for (const b of BATCHES) {
          ours[`std ${b}`] = fromRecords(b, featureSpec);
          rows.push([
            `Continuum partialFit, records, standardised, batch ${b}`,
            fmtRate(ours[`std ${b}`]),
            `${(ours[`std ${b}`] / plain).toFixed(1)}x`,
            `${(ours[`std ${b}`] / scaled).toFixed(1)}x`,
          ]);
        }
        for (const b of [1, 32]) {
          ours[`enc ${b}`] = encoded(b);
          rows.push([
            `Continuum partialFitEncoded (rows already encoded), batch ${b}, js`,
            fmtRate(ours[`enc ${b}`]),
            `${(ours[`enc ${b}`] / plain).toFixed(1)}x`,
            '',
          ]);
        }
        table(['learner (measured back to back)', 'samples/s', 'vs River LR', 'vs River scaler|LR'], rows);
        const verdict = (v: number) => `${v.toFixed(1)}x (${v >= 10 ? 'met' : 'NOT met'})`;
        log(`\nGoal >= 10x River's learn_one for the online logistic model:`);
        log(`  one example per update, encoded rows:                   ${verdict(ours['enc 1'] / plain)}`);
        log(`  one example per update, records, no statistics:         ${verdict(ours['raw 1'] / plain)}`);
        log(`  micro-batches of 32, records, no statistics:             ${verdict(ours['raw 32'] / plain)}`);
        log(
          `  one example per update, records standardised vs scaler|LR: ${verdict(ours['std 1'] / scaled)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  await crossover(backends);
  log(
    `\nTotal ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}; ${mem()}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
