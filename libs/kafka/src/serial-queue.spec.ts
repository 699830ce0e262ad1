import { KeyedSerialQueue } from './serial-queue';

const job =
  (events: string[], name: string, ms: number, fail = false) =>
  async () => {
    events.push(`${name}:start`);
    await new Promise((r) => setTimeout(r, ms));
    events.push(`${name}:end`);
    if (fail) throw new Error(name);
    return name;
  };

describe('KeyedSerialQueue', () => {
  it('runs jobs one at a time in call order, and a failed job does not stop the next', async () => {
    const queue = new KeyedSerialQueue();
    const events: string[] = [];
    const a = queue.run(job(events, 'a', 20));
    const b = queue.run(job(events, 'b', 1, true));
    const c = queue.run(job(events, 'c', 5));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    await queue.drain();
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('serialises per key and lets different keys interleave', async () => {
    const queue = new KeyedSerialQueue();
    const events: string[] = [];
    void queue.run('p0', job(events, 'p0.a', 20));
    void queue.run('p1', job(events, 'p1.a', 1));
    void queue.run('p0', job(events, 'p0.b', 1));
    await queue.drain('p1');
    expect(events).toEqual(['p0.a:start', 'p1.a:start', 'p1.a:end']);
    await queue.drain();
    expect(events.slice(3)).toEqual(['p0.a:end', 'p0.b:start', 'p0.b:end']);
  });
});
