/**
 * Time per exact two-sample KS p-value, the half-lattice sweeps (src/math/ks-two-sample-exact.ts)
 * beside the full-lattice recursion they replace (test/ks-two-sample-reference.ts, SciPy's), in the
 * same run. Run from the repository root:
 *
 *   npm run bench -w @continuum/stats      (or: node -r @swc-node/register libs/stats/bench/ks-exact.bench.ts)
 *
 * Sizes are the monitor's (reference 1,000-10,000 rows, window 300-10,000 events); λ = D·√(n·m/(n+m))
 * from no drift (λ ≈ 0.5-1.2, p ≈ 0.96-0.11) through p ≈ 1e-3 to strong drift. Prints the CPU time
 * per p-value of each, the ratio, their largest relative difference, and the process memory.
 */
import { loadavg } from 'node:os';
import { twoSampleExactSf } from '../src/math/ks-two-sample-exact';
import { referenceTwoSampleSf } from '../test/ks-two-sample-reference';

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [1000, 300],
  [1000, 4999],
  [2000, 7000],
  [5000, 9987],
  [10000, 3001],
  [10000, 9999],
];
const LAMBDAS = [0.5, 0.8, 1.2, 1.9, 3, 6];
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 300);

/**
 * Best mean CPU time (user + system, ms) per call over three rounds of at least MIN_MS / 3 each:
 * CPU time rather than wall time, so that other processes on a shared machine count less.
 */
function msPerCall(f: () => number): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    let calls = 0;
    let elapsed = 0;
    do {
      f();
      calls++;
      const used = process.cpuUsage(start);
      elapsed = (used.user + used.system) / 1000;
    } while (elapsed < MIN_MS / 3);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

function main(): void {
  const rows: string[] = [];
  let sumNew = 0;
  let sumOld = 0;
  let worst = 0;
  // Warm-up: both implementations compiled by the JIT before anything is timed.
  for (const [n, m] of SIZES) {
    for (const lambda of LAMBDAS) {
      const d = lambda / Math.sqrt((n * m) / (n + m));
      twoSampleExactSf(n, m, d);
      referenceTwoSampleSf(n, m, d);
    }
  }
  rows.push('| n (reference) | m (window) |   λ | p-value  | before (ms CPU) | after (ms CPU) | speed-up |');
  rows.push('| ------------: | ---------: | --: | -------- | --------------: | -------------: | -------: |');
  for (const [n, m] of SIZES) {
    for (const lambda of LAMBDAS) {
      const d = lambda / Math.sqrt((n * m) / (n + m));
      const fast = twoSampleExactSf(n, m, d).p;
      const reference = referenceTwoSampleSf(n, m, d);
      if (reference > 1e-300) worst = Math.max(worst, Math.abs(fast - reference) / reference);
      const before = msPerCall(() => referenceTwoSampleSf(n, m, d));
      const after = msPerCall(() => twoSampleExactSf(n, m, d).p);
      sumOld += before;
      sumNew += after;
      rows.push(
        `| ${n} | ${m} | ${lambda} | ${reference.toExponential(2)} | ${before.toFixed(3)} | ${after.toFixed(3)} | ${(before / after).toFixed(1)}× |`,
      );
    }
  }
  const mem = process.memoryUsage();
  console.log(rows.join('\n'));
  console.log(
    `\nall ${SIZES.length * LAMBDAS.length} cases: before ${sumOld.toFixed(1)} ms, after ${sumNew.toFixed(1)} ms ` +
      `(${(sumOld / sumNew).toFixed(1)}×); largest relative difference ${worst.toExponential(1)}; ` +
      `RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB; ` +
      `load average ${loadavg()[0].toFixed(1)}`,
  );
}

main();
