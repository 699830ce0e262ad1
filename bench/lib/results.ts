import { appendFileSync } from 'node:fs';

/**
 * One measured case of a benchmark. Benchmarks print their own lines; when run by `npm run bench`
 * (bench/run.ts) they also append these rows to the file BENCH_RESULTS names, for the summary table.
 */
export interface BenchResult {
  /** The benchmark (consume, producer, monitor, ...). */
  bench: string;
  /** What was measured, e.g. 'raw kafkajs', 'Continuum runtime (columnar)'. */
  name: string;
  /** 'raw' is the client library's own ceiling; ratios in the table are to the raw row of the same bench. */
  role: 'raw' | 'continuum' | 'peer' | 'component';
  eventsPerSec?: number;
  rssMiB?: number;
  heapMiB?: number;
  note?: string;
  /** For a peer: the names of the rows of the same bench it does the same work as (the table's ratios). */
  peerOf?: string[];
}

export function memoryMiB(): { rssMiB: number; heapMiB: number } {
  const m = process.memoryUsage();
  return { rssMiB: m.rss / 2 ** 20, heapMiB: m.heapUsed / 2 ** 20 };
}

export function reportResult(result: BenchResult): void {
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
}
