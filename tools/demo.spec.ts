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
