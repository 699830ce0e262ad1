import pino from 'pino';
import { Writable } from 'node:stream';
import { ConnectionState, ConnectionWatch } from './connection-state';
import { type ProbeResult } from './dependency-wait';
import { HealthChecks } from './health';
import { Metrics } from './metrics';

const up: ProbeResult = { ok: true };
const refused: ProbeResult = { ok: false, reason: '127.0.0.1:9092: connect ECONNREFUSED 127.0.0.1:9092' };

describe('ConnectionState', () => {
  it('starts connected: the service waited for its dependencies before starting', () => {
    const s = new ConnectionState({ failuresToLose: 2 });
    expect(s.connected).toBe(true);
    expect(s.reason).toBe('');
  });

  it('is lost only after failuresToLose failed probes in a row, since the first of them', () => {
    const s = new ConnectionState({ failuresToLose: 2 });
    expect(s.record(refused, 1_000)).toBeUndefined();
    expect(s.connected).toBe(true);
    expect(s.record(refused, 3_000)).toEqual({ kind: 'lost', reason: refused.reason, since: 1_000 });
    expect(s.connected).toBe(false);
    expect(s.since).toBe(1_000);
    expect(s.reason).toBe(refused.reason);
    // Further failures change nothing (one log line per outage).
    expect(s.record(refused, 5_000)).toBeUndefined();
  });

  it('a success between failures resets the count: one blip is not an outage', () => {
    const s = new ConnectionState({ failuresToLose: 2 });
    s.record(refused, 1_000);
    expect(s.record(up, 2_000)).toBeUndefined();
    expect(s.record(refused, 3_000)).toBeUndefined();
    expect(s.connected).toBe(true);
  });

  it('is back on the first successful probe, saying how long it was lost', () => {
    const s = new ConnectionState({ failuresToLose: 1 });
    s.record(refused, 10_000);
    expect(s.record(up, 50_000)).toEqual({ kind: 'restored', downForMs: 40_000 });
    expect(s.connected).toBe(true);
    expect(s.since).toBeUndefined();
  });

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => new ConnectionState({ failuresToLose: 0 })).toThrow(RangeError);
  });
});

describe('ConnectionWatch', () => {
  function harness(answers: ProbeResult[]) {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    let clock = 0;
    let i = 0;
    const metrics = new Metrics('test');
    const health = new HealthChecks();
    const watch = new ConnectionWatch(
      [
        {
          check: 'kafka-broker',
          name: 'Kafka',
          target: '127.0.0.1:9092',
          gauge: { name: 'continuum_kafka_connected', help: 'test' },
          probe: async () => answers[Math.min(i++, answers.length - 1)],
          advice: 'check KAFKA_BROKERS',
        },
      ],
      { intervalMs: 1_000, failuresToLose: 2, now: () => (clock += 1_000) },
      metrics,
      health,
      pino(sink),
    );
    const gauge = async () =>
      (await metrics.registry.getSingleMetric('continuum_kafka_connected')!.get()).values[0].value;
    return { lines, watch, health, gauge };
  }

  it('readiness, the gauge and one log line per change follow the probes', async () => {
    const h = harness([refused, refused, refused, up]);
    expect((await h.health.report()).ready).toBe(true);
    expect(await h.gauge()).toBe(1);

    await h.watch.probeAll();
    expect((await h.health.report()).ready).toBe(true);

    await h.watch.probeAll();
    const down = await h.health.report();
    expect(down.ready).toBe(false);
    expect(down.checks['kafka-broker'].detail).toContain('ECONNREFUSED');
    expect(down.checks['kafka-broker'].detail).toContain('unreachable since');
    expect(await h.gauge()).toBe(0);

    await h.watch.probeAll();
    await h.watch.probeAll();
    expect((await h.health.report()).ready).toBe(true);
    expect(await h.gauge()).toBe(1);

    expect(h.lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^Kafka at 127\.0\.0\.1:9092 is unreachable \(.*ECONNREFUSED.*\): readiness reports not ready/,
      ),
      expect.stringMatching(/^Kafka at 127\.0\.0\.1:9092 answers again after \d+ s: ready again$/),
    ]);
  });

  it('a probe that throws counts as a failed probe, with its message as the reason', async () => {
    const h = harness([]);
    const metrics = new Metrics('test2');
    const health = new HealthChecks();
    const watch = new ConnectionWatch(
      [
        {
          check: 'schema-registry',
          name: 'the schema registry',
          target: 'http://127.0.0.1:8081',
          gauge: { name: 'continuum_schema_registry_reachable', help: 'test' },
          probe: () => Promise.reject(new Error('refused the credentials (HTTP 401)')),
          advice: 'check SCHEMA_REGISTRY_URL',
        },
      ],
      { intervalMs: 1_000, failuresToLose: 1 },
      metrics,
      health,
      pino(new Writable({ write: (_c, _e, done) => done() })),
    );
    await watch.probeAll();
    const report = await health.report();
    expect(report.ready).toBe(false);
    expect(report.checks['schema-registry'].detail).toContain('HTTP 401');
    expect(h.lines).toEqual([]);
  });
});
