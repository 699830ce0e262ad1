import pino from 'pino';
import { Writable } from 'node:stream';
import { DependencyTimeoutError, type ProbeResult, waitForDependency } from './dependency-wait';

/** A logger that keeps its lines, and a clock that advances only when the wait sleeps. */
function harness(answers: ProbeResult[]) {
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  let clock = 0;
  let probes = 0;
  return {
    lines,
    probes: () => probes,
    wait: {
      name: 'the schema registry',
      target: 'http://127.0.0.1:1/apis/ccompat/v7',
      timeoutMs: 5_000,
      timeoutEnv: 'STARTUP_WAIT_TIMEOUT',
      logger: pino(sink),
      now: () => clock,
      sleep: async (ms: number) => void (clock += ms),
      probe: async () => answers[Math.min(probes++, answers.length - 1)],
    },
  };
}

describe('waitForDependency', () => {
  it('says nothing when the dependency answers at once', async () => {
    const h = harness([{ ok: true }]);
    await waitForDependency(h.wait);
    expect(h.lines).toEqual([]);
  });

  it('logs one line when waiting begins and one when it ends, however many attempts it takes', async () => {
    const down: ProbeResult = { ok: false, reason: 'connect ECONNREFUSED' };
    const h = harness([down, down, down, down, { ok: true }]);
    await waitForDependency(h.wait);
    expect(h.probes()).toBe(5);
    expect(h.lines.map((l) => l.msg)).toEqual([
      'waiting for the schema registry at http://127.0.0.1:1/apis/ccompat/v7 (up to 5 s)',
      'the schema registry answered after 2.0 s',
    ]);
  });

  it('gives up after the timeout naming the dependency, the last reason and the setting', async () => {
    const h = harness([{ ok: false, reason: 'HTTP 503' }]);
    const attempt = waitForDependency(h.wait);
    await expect(attempt).rejects.toBeInstanceOf(DependencyTimeoutError);
    await expect(attempt).rejects.toThrow(
      'the schema registry at http://127.0.0.1:1/apis/ccompat/v7 did not answer within 5 s (last: HTTP 503); start it or raise STARTUP_WAIT_TIMEOUT',
    );
    expect(h.lines).toHaveLength(1);
  });
});
