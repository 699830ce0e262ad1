import {
  KafkaClientError,
  byteBoundedRuns,
  loadConfluentKafka,
  memberAssignment,
  toRuntimeError,
} from './confluent-client';
import { KafkaRuntimeError, KafkaTimeoutError, KafkaUsageError } from './errors';
import { loadKafkaConfig } from './kafka-config';

/** Errors shaped like the layer's KafkaJSError: a message, librdkafka's code and its name. */
function librdkafkaError(message: string, code: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, type: `CODE_${code}`, retriable: false, ...extra });
}

describe('toRuntimeError', () => {
  const retriable = new Set([-195, 3, 14]);

  it('is retriable exactly when the code is in the retriable set or the client says so', () => {
    for (const code of [-195, 3, 14, 36, -186, 0]) {
      const mapped = toRuntimeError(librdkafkaError('x', code), retriable) as KafkaClientError;
      expect(mapped).toBeInstanceOf(KafkaClientError);
      expect(mapped).toBeInstanceOf(KafkaRuntimeError);
      expect(mapped.retriable).toBe(retriable.has(code));
      expect(mapped.code).toBe(code);
    }
    const transactional = toRuntimeError(librdkafkaError('x', 36, { retriable: true }), retriable);
    expect((transactional as KafkaClientError).retriable).toBe(true);
  });

  it('keeps the message, the code name and the original error as cause', () => {
    const original = librdkafkaError('Broker: Unknown topic or partition', 3);
    const mapped = toRuntimeError(original, retriable) as KafkaClientError;
    expect(mapped.message).toBe('Broker: Unknown topic or partition');
    expect(mapped.type).toBe('CODE_3');
    expect(mapped.cause).toBe(original);
  });

  it('makes an aggregate retriable only when every part is', () => {
    const aggregate = (codes: number[]) =>
      Object.assign(new Error('Topic creation errors'), {
        errors: codes.map((c) => librdkafkaError('p', c)),
      });
    expect((toRuntimeError(aggregate([3, 14]), retriable) as KafkaClientError).retriable).toBe(true);
    expect((toRuntimeError(aggregate([3, 36]), retriable) as KafkaClientError).retriable).toBe(false);
  });

  it("passes the runtime's own errors and non-errors through", () => {
    const own = new KafkaTimeoutError('late');
    expect(toRuntimeError(own, retriable)).toBe(own);
    expect(toRuntimeError('text', retriable)).toBe('text');
  });
});

describe('memberAssignment', () => {
  it('groups a flat assignment by topic with sorted partitions, as kafkajs reports it', () => {
    expect(
      memberAssignment([
        { topic: 'b', partition: 2 },
        { topic: 'a', partition: 1 },
        { topic: 'b', partition: 0 },
      ]),
    ).toEqual({ a: [1], b: [0, 2] });
    expect(memberAssignment([])).toEqual({});
  });
});

describe('KAFKA_CLIENT=confluent without the package', () => {
  const missing = { CONTINUUM_CACHE_DIR: '/nonexistent/continuum-cache' };

  it('says where it looked and to run tools/librdkafka-install', () => {
    expect(() => loadConfluentKafka(missing)).toThrow(KafkaUsageError);
    expect(() => loadConfluentKafka(missing)).toThrow(
      /\/nonexistent\/continuum-cache\/confluent-kafka\/node_modules\/@confluentinc\/kafka-javascript.*run tools\/librdkafka-install/,
    );
  });

  it('fails the configuration at start-up with that message', () => {
    expect(() => loadKafkaConfig('svc', { ...missing, KAFKA_CLIENT: 'confluent' })).toThrow(
      /^Invalid configuration for svc: KAFKA_CLIENT=confluent needs @confluentinc\/kafka-javascript.*run tools\/librdkafka-install/,
    );
    expect(loadKafkaConfig('svc', { ...missing, KAFKA_CLIENT: 'kafkajs' }).client).toBe('kafkajs');
  });
});

describe('byteBoundedRuns', () => {
  const message = (bytes: number) => ({ key: Buffer.alloc(1), value: Buffer.alloc(bytes - 1) });

  it('keeps order and every record, each run within the bound unless one record exceeds it', () => {
    const sizes = [10, 30, 50, 5, 200, 1, 1, 60, 40];
    const messages = sizes.map(message);
    const runs = byteBoundedRuns(messages, 100);
    expect(runs.flat()).toEqual(messages);
    for (const run of runs) {
      const bytes = run.reduce((n, m) => n + m.key.length + m.value.length, 0);
      expect(run.length === 1 || bytes <= 100).toBe(true);
    }
    // Greedy: a run ends only where the next record would cross the bound.
    expect(runs.map((r) => r.length)).toEqual([4, 1, 3, 1]);
    expect(byteBoundedRuns([], 100)).toEqual([]);
  });
});
