import { CronSchedule } from './schedule';

const utc = (iso: string) => Date.parse(iso);

describe('cron slots', () => {
  it('latest slot at or before now, and next slot after it', () => {
    const daily = new CronSchedule('0 2 * * *', 'UTC');
    expect(daily.latestSlot(utc('2026-03-10T02:00:00.000Z'))).toBe(utc('2026-03-10T02:00:00Z'));
    expect(daily.latestSlot(utc('2026-03-10T01:59:59.999Z'))).toBe(utc('2026-03-09T02:00:00Z'));
    expect(daily.nextSlot(utc('2026-03-10T02:00:00.000Z'))).toBe(utc('2026-03-11T02:00:00Z'));
  });

  it('evaluates in the timezone, through daylight-saving changes', () => {
    const paris = new CronSchedule('30 2 * * *', 'Europe/Paris');
    // Winter: 02:30 in Paris is 01:30 UTC.
    expect(paris.latestSlot(utc('2026-03-28T12:00:00Z'))).toBe(utc('2026-03-28T01:30:00Z'));
    // 29 March 2026: 02:30 does not exist (02:00 -> 03:00); the slot moves to 03:00 local = 01:00 UTC.
    expect(paris.latestSlot(utc('2026-03-29T12:00:00Z'))).toBe(utc('2026-03-29T01:00:00Z'));
    // Summer: 02:30 is 00:30 UTC.
    expect(paris.latestSlot(utc('2026-03-30T12:00:00Z'))).toBe(utc('2026-03-30T00:30:00Z'));
    // 25 October 2026: 02:30 happens twice; the slot is the first one only.
    const slots = [utc('2026-10-25T00:31:00Z'), utc('2026-10-25T01:31:00Z'), utc('2026-10-25T12:00:00Z')].map(
      (t) => paris.latestSlot(t),
    );
    expect(slots).toEqual([
      utc('2026-10-25T00:30:00Z'),
      utc('2026-10-25T00:30:00Z'),
      utc('2026-10-25T00:30:00Z'),
    ]);
  });

  it('supports weekly and second-level expressions', () => {
    const mondays = new CronSchedule('0 3 * * 1', 'UTC');
    expect(mondays.latestSlot(utc('2026-01-08T00:00:00Z'))).toBe(utc('2026-01-05T03:00:00Z'));
    const everyFive = new CronSchedule('*/5 * * * * *', 'UTC');
    expect(everyFive.latestSlot(utc('2026-01-01T00:00:07.500Z'))).toBe(utc('2026-01-01T00:00:05Z'));
  });

  it('rejects bad expressions and timezones', () => {
    expect(() => new CronSchedule('61 * * * *', 'UTC')).toThrow(/minute/);
    expect(() => new CronSchedule('0 2 * * *', 'Nowhere/City')).toThrow(/timezone/i);
  });
});
