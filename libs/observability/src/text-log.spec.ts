import { formatLogLine } from './text-log';

describe('text log lines', () => {
  it('puts time, level, service and message first, then the other fields', () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 'warn',
        time: '2026-11-29T01:02:03.456Z',
        service: 'monitor',
        pid: 7,
        context: 'Bootstrap',
        msg: 'waiting for Kafka',
        target: '127.0.0.1:9092',
        attempt: 3,
        detail: 'connect ECONNREFUSED',
      }),
    );
    expect(line).toBe(
      '01:02:03.456 WARN  monitor [Bootstrap] waiting for Kafka target=127.0.0.1:9092 attempt=3 detail="connect ECONNREFUSED"\n',
    );
  });

  it("shows an error's stack below the line", () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 'fatal',
        service: 's',
        msg: 'failed',
        err: { message: 'boom', stack: 'Error: boom\n    at x' },
      }),
    );
    expect(line).toBe(' FATAL s failed\nError: boom\n    at x\n');
  });

  it('passes a line that is not JSON through', () => {
    expect(formatLogLine('plain')).toBe('plain\n');
  });
});
