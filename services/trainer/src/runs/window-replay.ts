import { Topics, type TrainingOffsetRange } from '@continuum/events';
import { type EventCodecs } from '@continuum/events';
import { type KafkaClient, offsetsForTimestamp, readRange, topicOffsets } from '@continuum/kafka';
import { type TrainingPlan } from '../core/plan';
import { toTrainingExample } from '../core/training-example';
import { WindowCollector, type CollectedWindow } from '../core/window-collector';

/**
 * Pins a training window: per partition of ct.examples, from the first offset at or after the
 * plan's replay time to the end offset now. Later records are not part of the run, so a replay
 * (a restart, or a re-training from lineage) reads exactly the same records.
 */
export async function pinRanges(
  client: KafkaClient,
  topic: string,
  replayFrom: number,
): Promise<TrainingOffsetRange[]> {
  const ends = await topicOffsets(client, topic);
  const starts = await offsetsForTimestamp(client, topic, replayFrom);
  const ranges: TrainingOffsetRange[] = [];
  for (const [p, [low, high]] of Object.entries(ends)) {
    const partition = Number(p);
    const start = Number(starts[partition] ?? high);
    const fromOffset = Math.max(Number(low), start < 0 ? Number(high) : start);
    ranges.push({ topic, partition, fromOffset, toOffset: Number(high) });
  }
  return ranges.sort((a, b) => a.partition - b.partition);
}

export interface ReplayProgress {
  read: number;
  total: number;
  kept: number;
}

/**
 * Replays the pinned ranges of ct.examples into the plan's window collector (bounded memory),
 * keeping the model's records only. `onProgress` is called after every record with running counts
 * (cheap; callers throttle what they log).
 */
export async function replayWindow(
  client: KafkaClient,
  codecs: EventCodecs,
  plan: TrainingPlan,
  ranges: readonly TrainingOffsetRange[],
  options: { timeoutMs: number; onProgress?: (progress: ReplayProgress) => void },
): Promise<CollectedWindow> {
  const collector = new WindowCollector(plan);
  const nonEmpty = ranges.filter((r) => r.toOffset > r.fromOffset);
  const total = nonEmpty.reduce((sum, r) => sum + (r.toOffset - r.fromOffset), 0);
  const byTopic = new Map<string, Record<number, readonly [string, string]>>();
  for (const r of nonEmpty) {
    const map = byTopic.get(r.topic) ?? {};
    map[r.partition] = [String(r.fromOffset), String(r.toOffset)];
    byTopic.set(r.topic, map);
  }
  let read = 0;
  for (const [topic, offsets] of byTopic) {
    await readRange(client, codecs, {
      topic,
      contract: Topics.examples.contract,
      ranges: offsets,
      groupIdPrefix: 'continuum-trainer-replay',
      timeoutMs: options.timeoutMs,
      onRecord: (record) => {
        read++;
        const value = record.value;
        if (
          value &&
          value.modelId === plan.modelId &&
          // After a change, only the new regime (examples whose event is at or after it).
          (plan.changePoint == null || value.predictionTimestamp >= plan.changePoint)
        )
          collector.offer(toTrainingExample(value, record.partition, Number(record.offset)));
        options.onProgress?.({ read, total, kept: collector.kept });
      },
    });
  }
  return collector.finish();
}
