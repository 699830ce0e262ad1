import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Starts V8's sampling profiler (a same-thread inspector session: Node refuses --cpu-prof in
 * NODE_OPTIONS); the function it returns stops it and writes the profile to `file` (for Chrome
 * DevTools or speedscope). Stopping serialises the profile on this thread: stop after the clock.
 */
export async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** Where a sampled function belongs, by its script (first match wins). */
const CATEGORIES: Array<[string, (url: string, fn: string) => boolean]> = [
  ['idle (waiting for the broker)', (_u, fn) => fn === '(idle)'],
  ['GC', (_u, fn) => fn === '(garbage collector)'],
  ['CRC32C (kafkajs, byte at a time)', (u) => u.includes('recordBatch/crc32C')],
  ['one-pass record batch (continuumRecordBatch)', (u) => u.includes('continuumRecordBatch')],
  [
    'record encoding (kafkajs Record/RecordBatch/Encoder/Long)',
    (u) => /kafkajs\/src\/(protocol\/(recordBatch|encoder\.js)|utils\/long)/.test(u),
  ],
  ['produce request encoding (kafkajs)', (u) => u.includes('kafkajs/src/protocol/requests/produce')],
  ['murmur2 partitioner (kafkajs)', (u) => u.includes('kafkajs/src/producer/partitioners')],
  [
    'idempotence bookkeeping (kafkajs eosManager, lock)',
    (u) => /kafkajs\/src\/(producer\/eosManager|utils\/lock)/.test(u),
  ],
  ['producer send path (kafkajs grouping, retrier)', (u) => /kafkajs\/src\/(producer|retry)/.test(u)],
  [
    'network and request queue (kafkajs)',
    (u) => /kafkajs\/src\/(network|protocol\/(request|decoder))/.test(u),
  ],
  ['kafkajs other', (u) => u.includes('kafkajs/')],
  ['Avro encoding (avsc, libs/events)', (u) => u.includes('avsc') || u.includes('libs/events')],
  ['Continuum EventProducer (libs/kafka)', (u) => u.includes('libs/kafka')],
  ['Node internals (buffers, sockets, promises)', (u) => u.startsWith('node:')],
  ['native / program', () => true],
];

export interface ProfileShare {
  name: string;
  ms: number;
  share: number;
}

/** Self time per category and the `top` hottest functions, as shares of all samples. */
export function summarize(
  profile: CpuProfile,
  top = 15,
): { categories: ProfileShare[]; functions: ProfileShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<number, number>();
  let total = 0;
  // The session's own Profiler.stop call, sampled while it serialises: not the measured work.
  const profilerStop = new Set(
    profile.nodes
      .filter((n) => n.callFrame.functionName === 'dispatch' && n.callFrame.url === '')
      .map((n) => n.id),
  );
  profile.samples.forEach((id, i) => {
    if (profilerStop.has(id)) return;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id);
    if (!frame) continue;
    const category = CATEGORIES.find(([, test]) => test(frame.url, frame.functionName))?.[0] ?? 'other';
    categories.set(category, (categories.get(category) ?? 0) + us);
    const where = frame.url
      ? ` ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '')}:${frame.lineNumber + 1}`
      : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const shares = (m: Map<string, number>) =>
    [...m]
      .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return { categories: shares(categories), functions: shares(functions).slice(0, top) };
}

export function printSummary(title: string, file: string): void {
  const { categories, functions } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const row = (s: ProfileShare) =>
    `  ${(100 * s.share).toFixed(1).padStart(5)} %  ${s.ms.toFixed(0).padStart(6)} ms  ${s.name}`;
  console.log(`${title} (V8 profile ${file}), self time by category:`);
  for (const c of categories) console.log(row(c));
  console.log('  hottest functions:');
  for (const f of functions) console.log(row(f));
}

/** CPU seconds (user + system, all threads) a process has used, from /proc; undefined if unreadable. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15 (clock ticks).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The shared broker of this checkout (tools/infra marks it -Dcontinuum.infra=kafka@<checkout>). */
export function infraBrokerPid(checkout = process.cwd()): number | undefined {
  const mark = `-Dcontinuum.infra=kafka@${checkout}\u0000`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(mark)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
