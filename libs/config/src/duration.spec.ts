import { duration, formatDuration, parseDuration } from './duration';
import { loadConfig } from './load-config';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90d', 90 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1.5h', 5_400_000],
    ['1.5d', 129_600_000],
    ['0', 0],
    ['60000', 60_000],
    [1234, 1234],
  ])('parses %p', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'h', '1x', '1h 30m', '-1h', '1hour', '1h30', '6 hours', '1y', -5, Number.NaN])(
    'rejects %p',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('formats in the largest exact units, and round-trips', () => {
    expect(
      [5_400_000, 90 * 86_400_000, 0, 21_600_000, 90_000, 1500, 604_800_000].map(formatDuration),
    ).toEqual(['1h30m', '90d', '0', '6h', '1m30s', '1s500ms', '7d']);
    for (const ms of [1, 999, 61_001, 86_400_000 + 1]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('is a config field whose bad value gives one message naming the variable', () => {
    const spec = {
      window: duration({ env: 'EVALUATOR_WINDOW', description: 'w', default: 3_600_000, min: 1 }),
    };
    expect(loadConfig('evaluator', spec, {}).window).toBe(3_600_000);
    expect(loadConfig('evaluator', spec, { EVALUATOR_WINDOW: '15m' }).window).toBe(900_000);
    expect(() => loadConfig('evaluator', spec, { EVALUATOR_WINDOW: 'soon' })).toThrow(
      /EVALUATOR_WINDOW="soon" must be a duration/,
    );
    expect(() => loadConfig('evaluator', spec, { EVALUATOR_WINDOW: '0' })).toThrow(
      /EVALUATOR_WINDOW="0" must be at least 1ms/,
    );
  });
});
