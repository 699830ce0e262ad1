#!/usr/bin/env node
// Every workspace package declares the packages it imports (issue 9): for each package under libs/*,
// services/* and tools/testing, every import, require or `import()` of another package in its files must
// be named in its own package.json — `dependencies` for production code, `dependencies` or
// `devDependencies` for tests, benchmarks and scripts. Node's built-ins need no declaration. A package
// that resolves only through the root's node_modules works here and fails wherever the package is built
// or installed alone. Run by `npm run lint`; exits 1 with one line per undeclared import.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

const root = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? process.cwd();
const packageDirs = [...packagesUnder('libs'), ...packagesUnder('services'), 'tools/testing'];
const SOURCE = /\.(c|m)?(t|j)sx?$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.cache', 'vectors', 'venv', '.venv']);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Files outside production code: they may use devDependencies. */
function isDevOnly(path) {
  const parts = path.split(sep);
  return (
    /\.(spec|int-spec|fault-spec|bench)\.[cm]?[tj]s$/.test(path) ||
    parts.some((p) => ['test', 'bench', 'scripts', 'generate', '__tests__'].includes(p)) ||
    /\.config\.[cm]?[tj]s$/.test(path)
  );
}

function packagesUnder(dir) {
  return readdirSync(join(root, dir))
    .map((name) => join(dir, name))
    .filter((d) => {
      try {
        return statSync(join(root, d, 'package.json')).isFile();
      } catch {
        return false;
      }
    });
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.'))
        yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield join(dir, entry.name);
  }
}

/** '@scope/name/sub' → '@scope/name', 'name/sub' → 'name'; undefined for relative and absolute paths. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Workspace package name → the workspace packages its production code depends on. */
const workspace = new Map();
for (const dir of packageDirs) {
  const m = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  workspace.set(
    m.name,
    Object.keys(m.dependencies ?? {}).filter((d) => d.startsWith('@continuum/')),
  );
}

/** Whether workspace package `from` depends on `to`, directly or through other workspace packages. */
function dependsOn(from, to, seen = new Set()) {
  if (seen.has(from)) return false;
  seen.add(from);
  return (workspace.get(from) ?? []).some((d) => d === to || dependsOn(d, to, seen));
}

const problems = [];
/** Per package dir: the undeclared packages, each with whether production code imports it. */
const missing = new Map();
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const production = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const development = new Set([...production, ...Object.keys(manifest.devDependencies ?? {})]);
  for (const file of sourceFiles(join(root, dir))) {
    const path = relative(root, file);
    const text = readFileSync(file, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const declared = isDevOnly(relative(join(root, dir), file)) ? development : production;
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name === undefined || builtins.has(fileName) || builtins.has(name) || name === manifest.name)
        continue;
      // The one exception: a test of a package that the imported workspace package depends on (the kafka and
      // events libraries' integration tests use @continuum/testing, built on them) cannot declare it without a
      // dependency cycle; npm workspaces resolve it all the same.
      const cycle = declared !== production && workspace.has(name) && dependsOn(name, manifest.name);
      if (!declared.has(name) && !cycle) {
        const wanted = missing.get(dir) ?? new Map();
        missing.set(dir, wanted);
        wanted.set(name, (wanted.get(name) ?? false) || declared === production);
        if (problems.some((p) => p.startsWith(`${path}:`) && p.includes(`'${fileName}'`))) continue;
        const line = text.slice(0, text.indexOf(fileName)).split('\n').length;
        const where = development.has(name) ? ' (it is only in devDependencies)' : '';
        problems.push(
          `${path}:${line}: imports '${fileName}' but ${dir}/package.json does not declare '${name}'${where}`,
        );
      }
    }
  }
}

if (problems.length > 0 && process.argv.includes('--fix')) {
  fix();
  console.log(`added the missing declarations; run npm install to update package-lock.json`);
  process.exit(0);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} undeclared import(s): add each package to the importing package's package.json ` +
      '(dependencies for production code, devDependencies for tests, benchmarks and scripts; ' +
      '`node tools/dependency-check/check-dependencies.mjs --fix` adds them with the version range the ' +
      'workspace already uses).',
  );
  process.exit(1);
}
console.log(
  `dependency check: every import of ${packageDirs.length} packages is declared in its own package.json`,
);

/** The version range the workspace already uses for a package: another manifest's, the root's, or the installed one. */
function rangeFor(name) {
  if (name.startsWith('@continuum/')) return '*';
  const manifests = [...packageDirs, '.'].map((d) =>
    JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')),
  );
  for (const m of manifests) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      const range = m[field]?.[name];
      if (range) return range;
    }
  }
  return `^${JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`;
}

function fix() {
  for (const [dir, wanted] of missing) {
    const file = join(root, dir, 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    for (const [name, production] of wanted) {
      const field = production ? 'dependencies' : 'devDependencies';
      if (production && manifest.devDependencies?.[name]) delete manifest.devDependencies[name];
      manifest[field] = { ...(manifest[field] ?? {}), [name]: rangeFor(name) };
    }
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}
