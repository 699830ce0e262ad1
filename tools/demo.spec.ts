import { runStart } from './demo';

const HOUR = 3_600_000;

describe('demo run placement in event time', () => {
  const now = Date.UTC(2026, 10, 29, 2, 17);
  const eightHoursBack = Date.UTC(2026, 10, 28, 18);

  it('ends with the current hour on a first run', () => {
    expect(runStart(now, undefined)).toBe(eightHoursBack);
  });

  it("starts after the previous run's eight hours when they reach past that", () => {
    const previousEnd = eightHoursBack + 8 * HOUR;
    expect(runStart(now, previousEnd)).toBe(previousEnd);
    expect(runStart(now + 60_000, previousEnd + 8 * HOUR)).toBe(previousEnd + 8 * HOUR);
  });

  it('goes back to the clock once the previous run is older than eight hours', () => {
    expect(runStart(now, eightHoursBack - HOUR)).toBe(eightHoursBack);
  });
});
