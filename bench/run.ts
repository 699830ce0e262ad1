/**
 * `npm run bench`: runs every benchmark of the repository one after the other (tools/infra up
 * first) and prints one table: events/s, the ratio to the raw client measured in the same
 * benchmark run (kafkajs consumer or producer) and to the Python peers, RSS and V8 heap. Each
 * benchmark's own output goes to the console and to .cache/bench/<name>.log.
 *
 *   npm run bench                              every benchmark, sizes for a run of ~30 min idle
 *   BENCH_ONLY=consume,producer npm run bench  a selection
 *   BENCH_FULL=1 npm run bench                 each benchmark's own default sizes (issue 14's 10 M events)
 *
 * Ratios are the point on a shared machine: the raw and peer rows are measured minutes apart from
 * the Continuum rows of the same benchmark, so load affects both.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchResult } from './lib/results';

const ROOT = join(__dirname, '..');
const FULL = process.env.BENCH_FULL === '1';

interface Benchmark {
  name: string;
  file: string;
  args?: string[];
  /** Sizes for the default (not BENCH_FULL) run; the benchmark's own defaults otherwise. */
  quick?: Record<string, string>;
  /** Settings of every run. */
  env?: Record<string, string>;
  nodeFlags?: string[];
  /** Also run when BENCH_ONLY names this (e.g. the evaluator's service run under 'evaluator'). */
  selectedBy?: string;
}

const BENCHMARKS: Benchmark[] = [
  { name: 'consume', file: 'bench/consume-throughput.ts', quick: { BENCH_EVENTS: '300000' } },
  { name: 'producer', file: 'bench/producer-path.ts', quick: { BENCH_EVENTS: '200000' } },
  {
    name: 'monitor',
    file: 'services/monitor/bench/monitor.bench.ts',
    quick: { BENCH_EVENTS: '300000' },
    env: { BENCH_PREFILL: '1' },
  },
  {
    name: 'evaluator',
    file: 'services/evaluator/bench/evaluator.bench.ts',
    nodeFlags: ['--expose-gc'],
    args: FULL ? [] : ['--events', '1000000'],
  },
  {
    // The evaluator service itself, from pre-filled ct.predictions and ct.labels through its real
    // Kafka intake (decode, validation, join, examples, changelog, commit): scale.ts with 1 instance.
    name: 'evaluator-service',
    file: 'bench/scale.ts',
    selectedBy: 'evaluator',
    env: { BENCH_SCALE_SERVICES: 'evaluator', BENCH_SCALE_COUNTS: '1' },
    quick: { BENCH_SCALE_EVENTS: '120000' },
  },
  {
    name: 'scale',
    file: 'bench/scale.ts',
    quick: { BENCH_SCALE_EVENTS: '120000' },
  },
  { name: 'scorer', file: 'services/scorer/bench/bench.ts' },
  { name: 'drift', file: 'libs/drift/bench/drift.bench.ts', quick: { BENCH_QUICK: '1' } },
  { name: 'learning', file: 'libs/learning/bench/bench.ts' },
  { name: 'trainer-online', file: 'services/trainer/bench/online.bench.ts' },
  { name: 'trainer-retrain', file: 'services/trainer/bench/retrain.bench.ts' },
  { name: 'registry', file: 'services/registry/bench/registry.bench.ts' },
  { name: 'controller', file: 'services/controller/scripts/bench-engine.ts' },
  { name: 'state-changelog', file: 'libs/kafka/bench/state-changelog.bench.ts' },
  {
    name: 'ks-calibration',
    file: 'libs/drift/bench/ks-calibration.ts',
    quick: { KS_CALIBRATION_QUICK: '1' },
  },
];

function run(bench: Benchmark, results: string, logs: string): Promise<number | string> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  if (only && !only.includes(bench.name) && !(bench.selectedBy && only.includes(bench.selectedBy)))
    return Promise.resolve('skipped');
  const log = createWriteStream(join(logs, `${bench.name}.log`));
  const env = {
    ...bench.env,
    ...(FULL ? {} : bench.quick),
    ...process.env,
    BENCH_RESULTS: results,
    BENCH_NAME: bench.name,
  };
  const args = [
    ...(bench.nodeFlags ?? []),
    '-r',
    '@swc-node/register',
    '-r',
    join(ROOT, 'bench/lib/memory-probe.ts'),
    join(ROOT, bench.file),
    ...(bench.args ?? []),
  ];
  process.stdout.write(`\n=== ${bench.name}: node ${bench.file} ${(bench.args ?? []).join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timeout = setTimeout(
      () => child.kill('SIGTERM'),
      Number(process.env.BENCH_TIMEOUT_MS ?? 3_600_000),
    );
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        process.stdout.write(chunk);
        log.write(chunk);
      });
    }
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      log.end();
      resolve(code ?? String(signal));
    });
  });
}

function fmtRate(x: number | undefined): string {
  if (x === undefined) return '—';
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1);
}

function fmtMiB(x: number | undefined): string {
  return x === undefined ? '—' : x.toFixed(0);
}

/** The summary table, one row per measured case. */
export function table(rows: BenchResult[], exits: Map<string, number | string>): string {
  const header = ['bench', 'case', 'events/s', 'x raw', 'x peers', 'RSS MiB', 'heap MiB', 'note'];
  const lines: string[][] = [];
  for (const [bench, exit] of exits) {
    if (exit === 'skipped') continue;
    const mine = rows.filter((r) => r.bench === bench);
    const raw = mine.find((r) => r.role === 'raw')?.eventsPerSec;
    const peers = mine.filter((r) => r.role === 'peer' && r.eventsPerSec);
    const peersOf = (r: BenchResult) => peers.filter((p) => !p.peerOf || p.peerOf.includes(r.name));
    const measured = mine.filter((r) => r.eventsPerSec !== undefined || r.note !== undefined);
    const peak = mine.find((r) => r.name.startsWith('(benchmark process'));
    for (const r of measured) {
      const ratio = r.eventsPerSec && raw && r.role !== 'raw' ? `${(r.eventsPerSec / raw).toFixed(2)}` : '';
      const toPeers =
        r.role !== 'peer' && r.eventsPerSec
          ? peersOf(r)
              .map((p) => `${(r.eventsPerSec! / p.eventsPerSec!).toFixed(2)} [p${peers.indexOf(p) + 1}]`)
              .join(' ')
          : r.role === 'peer'
            ? `[p${peers.indexOf(r) + 1}]`
            : '';
      lines.push([
        bench,
        r.name,
        fmtRate(r.eventsPerSec),
        ratio,
        toPeers,
        fmtMiB(r.rssMiB),
        fmtMiB(r.heapMiB),
        r.note ?? '',
      ]);
    }
    lines.push([
      bench,
      exit === 0 ? '(process peak memory)' : `(FAILED: exit ${exit}, see .cache/bench/${bench}.log)`,
      '',
      '',
      '',
      fmtMiB(peak?.rssMiB),
      fmtMiB(peak?.heapMiB),
      '',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join(
    '\n',
  );
}

async function main(): Promise<void> {
  const logs = join(ROOT, '.cache', 'bench');
  mkdirSync(logs, { recursive: true });
  const results = join(logs, 'results.jsonl');
  rmSync(results, { force: true });
  const exits = new Map<string, number | string>();
  const started = new Date();
  for (const bench of BENCHMARKS) exits.set(bench.name, await run(bench, results, logs));
  const rows = existsSync(results)
    ? readFileSync(results, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as BenchResult)
    : [];
  console.log(
    `\nContinuum benchmarks, ${started.toISOString()} → ${new Date().toISOString()}, Node ${process.version}, ` +
      `${FULL ? 'full sizes' : 'quick sizes (BENCH_FULL=1 for full)'}; x raw = events/s / the raw client's in the same benchmark run; ` +
      `x peers = / each Python peer [p1], [p2]... of that run\n`,
  );
  console.log(table(rows, exits));
  if ([...exits.values()].some((e) => e !== 0 && e !== 'skipped')) process.exitCode = 1;
}

if (require.main === module) void main();
