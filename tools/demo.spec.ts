import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUND_MS, START_BACK_MS, runStart } from './demo/house-prices-demo';
import { parseServicesEnv } from './demo/settings';

describe('demo run placement in event time', () => {
  const now = Date.UTC(2026, 10, 29, 2, 17, 30);
  const dayBack = Date.UTC(2026, 10, 28, 2, 17);

  it('starts a day before the current minute on a first run', () => {
    expect(runStart(now, undefined)).toBe(dayBack);
    expect(dayBack).toBe(now - (now % ROUND_MS) - START_BACK_MS);
  });

  it("starts after the previous run's last round when that is later, on a round boundary", () => {
    const previousEnd = dayBack + 40 * ROUND_MS;
    expect(runStart(now, previousEnd)).toBe(previousEnd);
    expect(runStart(now, previousEnd - 1234)).toBe(previousEnd);
  });

  it('goes back to the clock once the previous run is older than that', () => {
    expect(runStart(now, dayBack - ROUND_MS)).toBe(dayBack);
  });
});

describe("the demo's service settings", () => {
  it('reads KEY=value lines, skips comments, and makes tools/ paths absolute', () => {
    const env = parseServicesEnv(
      '# comment\n\nMONITOR_SEGMENT_KEYS=city\nX_FILE=tools/demo/a.yaml\n',
      '/repo',
    );
    expect(env).toEqual({ MONITOR_SEGMENT_KEYS: 'city', X_FILE: '/repo/tools/demo/a.yaml' });
  });

  it('refuses a line that is not KEY=value, naming it', () => {
    expect(() => parseServicesEnv('MONITOR_WINDOW 10m')).toThrow('line 1 is not KEY=value');
  });
});

describe('services started without the demo settings', () => {
  it('names a running service whose environment lacks the marker, not a stopped one', () => {
    const cache = mkdtempSync(join(tmpdir(), 'demo-run-'));
    mkdirSync(join(cache, 'run'));
    // This test process plays a running service started without the demo's settings.
    writeFileSync(join(cache, 'run', 'monitor.pid'), String(process.pid));
    // A pid no process has: a service that stopped and left its pid file.
    writeFileSync(join(cache, 'run', 'scorer.pid'), '2147483646');
    const previous = process.env.CONTINUUM_CACHE_DIR;
    process.env.CONTINUUM_CACHE_DIR = cache;
    try {
      jest.isolateModules(() => {
        const { servicesWithoutDemoSettings } = jest.requireActual<typeof import('./demo')>('./demo');
        expect(servicesWithoutDemoSettings('CONTINUUM_DEMO=house-prices')).toEqual(['monitor']);
        // A service whose environment carries the marker is not named.
        const own = readFileSync(`/proc/${process.pid}/environ`, 'utf8').split('\0')[0];
        expect(servicesWithoutDemoSettings(own)).toEqual([]);
      });
    } finally {
      if (previous === undefined) delete process.env.CONTINUUM_CACHE_DIR;
      else process.env.CONTINUUM_CACHE_DIR = previous;
    }
  });
});
