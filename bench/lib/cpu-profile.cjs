/**
 * Preloaded into service processes through NODE_OPTIONS=--require by bench/scale.ts when
 * BENCH_SCALE_CPU_PROF names a directory (Node refuses --cpu-prof in NODE_OPTIONS): starts V8's
 * profiler through the inspector and writes a .cpuprofile there when the process exits.
 */
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // A same-thread inspector session answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
