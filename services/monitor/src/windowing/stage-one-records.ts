import { type MonitorPartial, type MonitorPartitionProgress } from '@continuum/events';
import { type OutgoingEvent, keyPartition } from '@continuum/kafka';
import { subjectKey } from '../streams/stream-identity';
import { partialRecordKey, progressRecordKey, samplesRecordKey } from './partial-keys';
import { type SourcePartition } from './checkpoint-store';
import { type StageOneOutput } from './partition-windows';

const NONE = { window: null, progress: null, closed: null, samples: null } as const;

/**
 * The ct.monitor-partials records of what stage 1 produced for one source partition: window
 * partials and bootstrap samples, each on its model's partition (murmur2 of the model id), where
 * stage 2's owner of that model reads them.
 */
export function windowRecords(
  out: StageOneOutput,
  source: SourcePartition,
  partialsPartitions: number,
): Array<OutgoingEvent<MonitorPartial>> {
  const records: Array<OutgoingEvent<MonitorPartial>> = [];
  for (const window of out.partials) {
    records.push({
      key: partialRecordKey(window),
      partition: keyPartition(window.stream.subject.modelId, partialsPartitions),
      value: { ...NONE, window },
    });
  }
  for (const { subject, events } of out.samples.values()) {
    records.push({
      key: samplesRecordKey(subjectKey(subject), source.topic, source.partition, events[0].offset),
      partition: keyPartition(subject.modelId, partialsPartitions),
      value: {
        ...NONE,
        samples: { subject, sourceTopic: source.topic, sourcePartition: source.partition, events },
      },
    });
  }
  return records;
}

/**
 * A progress record on EVERY partials partition: stage 2 judges a window only by the progress
 * read on the window's own partition, after the partials it announces.
 */
export function progressRecords(
  progress: MonitorPartitionProgress,
  partialsPartitions: number,
): Array<OutgoingEvent<MonitorPartial>> {
  const key = progressRecordKey(progress.sourceTopic, progress.sourcePartition);
  return Array.from({ length: partialsPartitions }, (_, partition) => ({
    key,
    partition,
    value: { ...NONE, progress },
  }));
}
