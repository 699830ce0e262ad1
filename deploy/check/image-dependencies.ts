/**
 * What each service's image installs, computed from the workspace manifests the way
 * `npm ci --omit=dev --workspace services/<service>` (deploy/Dockerfile) resolves it: the service's
 * `dependencies`, and those of every workspace package it reaches through them, transitively.
 * Root `dependencies` are not part of any image (the Dockerfile installs without the workspace root).
 * Run: node -r @swc-node/register deploy/check/image-dependencies.ts  (prints each image's set)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Packages that load a model runtime: only images whose service runs models may carry them. */
export const MODEL_RUNTIME = /^@tensorflow\//;

export interface ImageDependencies {
  /** Workspace packages (libs) the service reaches, itself excluded. */
  workspace: string[];
  /** Registry packages installed into the image, with the workspace package that asked first. */
  external: Map<string, string>;
}

/**
 * The closure of one workspace package's production dependencies over the workspace. Required
 * (non-optional) peer dependencies count: npm 7+ installs them.
 */
export function imageDependencies(
  service: string,
  manifests: ReadonlyMap<string, Manifest>,
): ImageDependencies {
  const workspace = new Set<string>();
  const external = new Map<string, string>();
  const pending = [service];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const manifest = manifests.get(name);
    if (!manifest) throw new Error(`${name} is not a workspace package`);
    const optional = manifest.peerDependenciesMeta ?? {};
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional),
    ];
    for (const dep of wanted) {
      if (manifests.has(dep)) {
        if (dep !== service && !workspace.has(dep)) {
          workspace.add(dep);
          pending.push(dep);
        }
      } else if (!external.has(dep)) {
        external.set(dep, name);
      }
    }
  }
  return { workspace: [...workspace].sort(), external };
}

export const REPO_ROOT = join(__dirname, '..', '..');

/** Every workspace package's manifest (libs/*, services/*), by package name, with its directory. */
export function workspaceManifests(root = REPO_ROOT): Map<string, Manifest & { dir: string }> {
  const manifests = new Map<string, Manifest & { dir: string }>();
  for (const group of ['libs', 'services']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(group, entry.name);
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
      } catch {
        continue;
      }
      manifests.set(manifest.name, { ...manifest, dir });
    }
  }
  return manifests;
}

if (require.main === module) {
  const manifests = workspaceManifests();
  for (const [name, manifest] of manifests) {
    if (!manifest.dir.startsWith('services/')) continue;
    const { workspace, external } = imageDependencies(name, manifests);
    const runtime = [...external.keys()].filter((d) => MODEL_RUNTIME.test(d));
    process.stdout.write(
      `${manifest.dir}: ${external.size} packages${runtime.length ? ` (model runtime: ${runtime.join(', ')})` : ''}; libs ${workspace.join(', ')}\n`,
    );
  }
}
