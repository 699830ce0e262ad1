/**
 * Preloaded into every benchmark process by bench/run.ts (`node -r`): samples the process's RSS
 * and V8 heap every 200 ms and, on exit, reports the peaks as a row of the summary table.
 */
import { memoryMiB, reportResult } from './results';

let rssMiB = 0;
let heapMiB = 0;
const sample = () => {
  const m = memoryMiB();
  rssMiB = Math.max(rssMiB, m.rssMiB);
  heapMiB = Math.max(heapMiB, m.heapMiB);
};
setInterval(sample, 200).unref();
process.on('exit', () => {
  sample();
  reportResult({
    bench: process.env.BENCH_NAME ?? 'unknown',
    name: '(benchmark process peak memory)',
    role: 'component',
    rssMiB,
    heapMiB,
  });
});
