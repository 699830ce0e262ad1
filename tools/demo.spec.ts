import { ROUND_MS, runStart } from './demo/house-prices-demo';
import { parseServicesEnv } from './demo/settings';

describe('demo run placement in event time', () => {
  const now = Date.UTC(2026, 10, 29, 2, 17, 30);
  const sixHoursBack = Date.UTC(2026, 10, 28, 20, 10);

  it('starts six hours before the current 10-minute slot on a first run', () => {
    expect(runStart(now, undefined)).toBe(sixHoursBack);
  });

  it("starts after the previous run's last round when that is later, on a slot boundary", () => {
    const previousEnd = sixHoursBack + 40 * ROUND_MS;
    expect(runStart(now, previousEnd)).toBe(previousEnd);
    expect(runStart(now, previousEnd - 1234)).toBe(previousEnd);
  });

  it('goes back to the clock once the previous run is older than that', () => {
    expect(runStart(now, sixHoursBack - ROUND_MS)).toBe(sixHoursBack);
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
