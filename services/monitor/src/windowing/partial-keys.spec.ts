import { type MonitorWindowPartial } from '@continuum/events';
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
    foldedValues: null,
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
});
