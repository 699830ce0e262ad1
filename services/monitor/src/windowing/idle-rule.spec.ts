import { caughtUp, idleVerdict } from './idle-rule';

describe('the idle rule of a source partition', () => {
  const quiet = { quietSince: 1_000, nextOffset: 500 };

  it('is idle only when quiet for the timeout AND caught up with the log end the broker gave now', () => {
    expect(idleVerdict(quiet, 500, 31_000, 30_000)).toEqual({ idle: true });
  });

  it('is not idle while records wait on the broker, however long the silence (a stalled consumer)', () => {
    expect(idleVerdict(quiet, 501, 1_000_000, 30_000)).toEqual({
      idle: false,
      reason: 'records-left-to-read',
    });
  });

  it('is not idle when the broker did not answer (down, restarting): silence is not evidence', () => {
    expect(idleVerdict(quiet, undefined, 1_000_000, 30_000)).toEqual({
      idle: false,
      reason: 'log-end-unknown',
    });
  });

  it('is not idle before the timeout, even when caught up', () => {
    expect(idleVerdict(quiet, 500, 30_999, 30_000)).toEqual({ idle: false, reason: 'recent-records' });
  });

  it('caughtUp needs a known position and log end', () => {
    expect(caughtUp(10, 10)).toBe(true);
    expect(caughtUp(10, 11)).toBe(false);
    expect(caughtUp(-1, 0)).toBe(false);
    expect(caughtUp(0, undefined)).toBe(false);
  });
});
