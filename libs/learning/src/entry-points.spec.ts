import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** Requires the given modules in a fresh Node process; returns the @tensorflow modules it loaded. */
function tensorflowModulesLoadedBy(modules: string[]): string[] {
  const script = `
    for (const m of ${JSON.stringify(modules)}) require(m);
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@tensorflow'))));
  `;
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json') },
  });
  return JSON.parse(out) as string[];
}

describe('entry points and TensorFlow.js', () => {
  it('importing the metrics (@continuum/stats) and the main entry of @continuum/learning loads no TensorFlow.js', () => {
    expect(tensorflowModulesLoadedBy(['./libs/stats/src/index.ts', './libs/learning/src/index.ts'])).toEqual(
      [],
    );
  });

  it('the tfjs entry point does load it (so the check above can fail)', () => {
    expect(tensorflowModulesLoadedBy(['./libs/learning/src/tfjs.ts']).length).toBeGreaterThan(0);
  });
});
