import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS, DASHBOARD_DIR, dashboardJson } from './dashboards';

const ROOT = join(__dirname, '..', '..', '..');

/** Every TypeScript source file of the services and libraries (not tests). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'test', 'bench', 'vectors'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

describe('Grafana dashboards', () => {
  it('are generated from generate/dashboards.ts (run npm run dashboards)', () => {
    for (const dashboard of DASHBOARDS) {
      const onDisk = JSON.parse(readFileSync(join(DASHBOARD_DIR, dashboard.file), 'utf8'));
      expect(onDisk).toEqual(JSON.parse(JSON.stringify(dashboardJson(dashboard))));
    }
  });

  it('take the Prometheus datasource as a variable, used by every panel, query and variable', () => {
    for (const dashboard of DASHBOARDS) {
      const json = dashboardJson(dashboard) as {
        templating: { list: Array<{ name: string; type: string; datasource?: { uid: string } }> };
        panels: Array<{
          type: string;
          datasource?: { uid: string };
          targets?: Array<{ datasource: { uid: string } }>;
        }>;
      };
      expect(json.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      const uids = [
        ...json.templating.list.filter((v) => v.datasource).map((v) => v.datasource!.uid),
        ...json.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid),
        ...json.panels.flatMap((p) => p.targets ?? []).map((t) => t.datasource.uid),
      ];
      expect(new Set(uids)).toEqual(new Set(['${datasource}']));
    }
  });

  it('query only metrics the services really emit', () => {
    const code = [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'services'))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const queried = new Set<string>();
    for (const dashboard of DASHBOARDS) {
      for (const row of dashboard.rows) {
        for (const panel of row.panels) {
          for (const expr of [panel.expr].flat()) {
            for (const [name] of expr.matchAll(/continuum_[a-z_]+/g))
              queried.add(name.replace(/_(bucket|sum|count)$/, ''));
          }
        }
      }
    }
    expect(queried.size).toBeGreaterThan(10);
    const missing = [...queried].filter((name) => !code.includes(`'${name}'`));
    expect(missing).toEqual([]);
  });
});
