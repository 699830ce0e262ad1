/** Progress lines: at most one per interval in a log, rewritten in place on a terminal, forced ones always shown. */
import { Progress, formatBytes } from './progress';

function clocked(interactive: boolean) {
  let now = 0;
  const lines: string[] = [];
  const raw: string[] = [];
  const io = {
    out: () => undefined,
    err: (l: string) => lines.push(l),
    errWrite: (t: string) => raw.push(t),
    interactive,
  };
  const progress = new Progress(io, () => now, 2000);
  return { progress, lines, raw, advance: (ms: number) => (now += ms) };
}

describe('Progress', () => {
  it('prints a line at most every interval when stderr is not a terminal', () => {
    const t = clocked(false);
    for (let i = 0; i < 10; i++) {
      t.progress.update(`step ${i}`);
      t.advance(500);
    }
    t.progress.update('final', true);
    t.progress.done();
    expect(t.lines).toEqual(['step 0', 'step 4', 'step 8', 'final']);
    expect(t.raw).toEqual([]);
  });

  it('rewrites one line in place on a terminal and ends it', () => {
    const t = clocked(true);
    t.progress.update('a');
    t.advance(100);
    t.progress.update('b');
    t.advance(200);
    t.progress.update('c');
    t.progress.done();
    expect(t.raw).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kc', '\n']);
    expect(t.lines).toEqual([]);
  });

  it.each([
    [512, '512 B'],
    [35_602_270, '35.6 MB'],
    [830_000, '830 kB'],
    [2.5e9, '2.5 GB'],
  ])('formats %i bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
