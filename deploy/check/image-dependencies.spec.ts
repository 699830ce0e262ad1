import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import {
  MODEL_RUNTIME,
  REPO_ROOT,
  type Manifest,
  imageDependencies,
  workspaceManifests,
} from './image-dependencies';

const manifests = workspaceManifests();
const SERVICES = [...manifests.values()].filter((m) => m.dir.startsWith('services/'));
/** The services that load and run models (scoring, training, shadow evaluation of candidates). */
const RUNS_MODELS = new Set([
  '@continuum/trainer-service',
  '@continuum/scorer-service',
  '@continuum/promoter-service',
]);

function productionSources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(entry) && !/\.(spec|int-spec|fault-spec)\.ts$/.test(entry)) out.push(path);
    }
  };
  walk(join(REPO_ROOT, dir, 'src'));
  return out;
}

/** Bare package names a source file loads at run time (type-only imports excluded). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"./][^'"]*)['"]/gm;
  for (const m of text.matchAll(pattern)) names.push(m[1]);
  for (const m of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)) names.push(m[1]);
  return names.map((n) => (n.startsWith('@') ? n.split('/').slice(0, 2).join('/') : n.split('/')[0]));
}

const builtins = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));

describe('per-service image dependencies (deploy/Dockerfile installs one workspace)', () => {
  it('finds the seven services', () => {
    expect(SERVICES.map((s) => s.name).sort()).toEqual(
      ['controller', 'evaluator', 'monitor', 'promoter', 'registry', 'scorer', 'trainer'].map(
        (s) => `@continuum/${s}-service`,
      ),
    );
  });

  it.each(SERVICES.map((s) => [s.name]))('%s: TensorFlow.js only if it runs models', (service) => {
    const runtime = [...imageDependencies(service, manifests).external.keys()].filter((d) =>
      MODEL_RUNTIME.test(d),
    );
    if (RUNS_MODELS.has(service)) expect(runtime.length).toBeGreaterThan(0);
    else expect(runtime).toEqual([]);
  });

  it.each(SERVICES.map((s) => [s.name]))(
    '%s: every package its code (and its libs) loads at run time is in its image',
    (service) => {
      const { workspace, external } = imageDependencies(service, manifests);
      const missing: string[] = [];
      for (const name of [service, ...workspace]) {
        const manifest = manifests.get(name)!;
        // An optional peer is loaded lazily, by the code paths of the services that declare it.
        const optionalPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
          (p) => manifest.peerDependenciesMeta?.[p]?.optional,
        );
        for (const file of productionSources(manifest.dir)) {
          for (const dep of runtimeImports(file)) {
            if (builtins.has(dep) || dep === name || workspace.includes(dep) || external.has(dep)) continue;
            if (optionalPeers.includes(dep)) continue;
            missing.push(`${dep} (${file.slice(REPO_ROOT.length + 1)})`);
          }
        }
      }
      expect(missing).toEqual([]);
    },
  );

  it('the closure follows workspace packages and required peers, not optional ones', () => {
    const toy = new Map<string, Manifest>([
      ['svc', { name: 'svc', dependencies: { lib: '*', a: '1' } }],
      [
        'lib',
        {
          name: 'lib',
          dependencies: { b: '1' },
          peerDependencies: { c: '1', heavy: '1' },
          peerDependenciesMeta: { heavy: { optional: true } },
        },
      ],
      ['other', { name: 'other', dependencies: { d: '1' } }],
    ]);
    const { workspace, external } = imageDependencies('svc', toy);
    expect(workspace).toEqual(['lib']);
    expect([...external.keys()].sort()).toEqual(['a', 'b', 'c']);
  });
});
