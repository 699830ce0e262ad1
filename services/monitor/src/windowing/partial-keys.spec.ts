import { type MonitorWindowPartial } from '@continuum/events';
import { keyPartition } from '../kafka/model-partition';
import {
  closedRecordKey,
  partialRecordKey,
  progressRecordKey,
  recordKind,
  samplesRecordKey,
} from './partial-keys';

const stream = {
  subject: { modelId: 'fraud', source: 'PREDICTIONS' as const, modelVersion: '3' },
  segment: 'country=FR',
};

function partial(overrides: Partial<MonitorWindowPartial> = {}): MonitorWindowPartial {
  return {
    stream,
    windowStart: 0,
    windowEnd: 60_000,
    sourceTopic: 'ct.predictions',
    sourcePartition: 4,
    referenceId: 'r',
    eventCount: 10,
    droppedLateEvents: 0,
    earlierEventCount: 0,
    state: Buffer.from([1]),
    ...overrides,
  };
}

describe('ct.monitor-partials keys', () => {
  it('a window partial is keyed by its full identity (stream, window, source topic and partition), not its content', () => {
    const key = partialRecordKey(partial());
    expect(partialRecordKey(partial({ eventCount: 99, state: Buffer.from([2]), referenceId: 'other' }))).toBe(
      key,
    );
    expect(partialRecordKey(partial({ sourcePartition: 5 }))).not.toBe(key);
    expect(partialRecordKey(partial({ windowStart: 60_000, windowEnd: 120_000 }))).not.toBe(key);
    expect(partialRecordKey(partial({ stream: { ...stream, segment: '*' } }))).not.toBe(key);
    expect(partialRecordKey(partial({ sourceTopic: 'ct.features' }))).not.toBe(key);
  });

  it('names the kind of each record', () => {
    expect(recordKind(partialRecordKey(partial()))).toBe('window');
    expect(recordKind(progressRecordKey('ct.predictions', 2))).toBe('progress');
    expect(recordKind(closedRecordKey(stream))).toBe('closed');
    expect(recordKind(samplesRecordKey('["m","PREDICTIONS","1"]', 'ct.predictions', 1, 42))).toBe('samples');
    expect(recordKind('something|else')).toBeUndefined();
  });

  it("partitions by model with Kafka's murmur2 (Java client test vectors)", () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const java: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of java) {
      for (const n of [1, 3, 6, 7]) expect(keyPartition(key, n)).toBe((hash & 0x7fffffff) % n);
    }
  });
});
