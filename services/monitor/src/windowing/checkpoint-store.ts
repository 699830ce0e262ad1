import { createHash } from 'node:crypto';
import { type KafkaMessage } from 'kafkajs';
import { type EventCodecs, type MonitorCheckpoint, MonitorCheckpointContract } from '@continuum/events';
import { type KafkaClient } from '@continuum/kafka';
import { type InternalWriter, type KeyedRecord } from '../kafka/internal-writer';
import { keyPartition } from '../kafka/model-partition';
import { TopicTail } from '../kafka/topic-tail';
import { InvalidCheckpointError } from './partition-windows';

/** Checkpoint records stay well under the broker's default 1 MB record limit. */
export const CHUNK_BYTES = 512 * 1024;

export interface SourcePartition {
  readonly topic: string;
  readonly partition: number;
}

export interface StoredCheckpoint {
  readonly body: Buffer;
  readonly nextOffset: number;
}

interface SlotState {
  /** Slot of the checkpoint the manifest names now (-1: none yet). */
  slot: number;
  /** Chunk records present in each slot (to tombstone the surplus when a slot is rewritten smaller). */
  chunks: [number, number];
}

export function manifestKey(group: string, source: SourcePartition): string {
  return `${group}|${source.topic}|${source.partition}`;
}

/**
 * Stage 1 checkpoints in the compacted ct.monitor-checkpoints: a checkpoint is written as chunks
 * into the slot the manifest does not name, then the manifest naming that slot, all on one
 * partition of the topic. A crash while writing leaves the previous manifest and its chunks
 * intact; the manifest's SHA-256 catches any other inconsistency.
 */
export class CheckpointStore {
  private readonly slots = new Map<string, SlotState>();

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly writer: InternalWriter,
    private readonly topic: string,
    private readonly group: string,
    private readonly topicPartitions: number,
    private readonly sessionTimeoutMs: number,
  ) {}

  /** Reads the checkpoint topic to its current end and returns the latest checkpoint of each source. */
  async load(sources: readonly SourcePartition[]): Promise<Map<string, StoredCheckpoint>> {
    const wanted = new Set(sources.map((s) => manifestKey(this.group, s)));
    const manifests = new Map<string, MonitorCheckpoint>();
    const chunks = new Map<string, Buffer>();
    const decoder = this.codecs.decoderFor(MonitorCheckpointContract);
    const tail = new TopicTail(this.client, {
      groupIdPrefix: `${this.group}-checkpoint-reader`,
      topics: [this.topic],
      sessionTimeoutMs: this.sessionTimeoutMs,
      onBatch: async (_topic, _partition, messages: KafkaMessage[]) => {
        const mine = messages.filter((m) => {
          const key = m.key?.toString() ?? '';
          if (wanted.has(key)) return true;
          for (const w of wanted) if (key.startsWith(`${w}|`)) return true;
          return false;
        });
        await decoder.prepare(mine.map((m) => m.value));
        for (const m of mine) {
          const key = (m.key as Buffer).toString();
          if (wanted.has(key)) {
            if (m.value) manifests.set(key, decoder.decode(m.value));
            else manifests.delete(key);
          } else if (m.value) chunks.set(key, decoder.decode(m.value).chunk?.data ?? Buffer.alloc(0));
          else chunks.delete(key);
        }
      },
    });
    await tail.start();
    try {
      await tail.caughtUp();
    } finally {
      await tail.stop();
    }
    const out = new Map<string, StoredCheckpoint>();
    for (const source of sources) {
      const key = manifestKey(this.group, source);
      const counts: [number, number] = [0, 0];
      for (const slot of [0, 1] as const) while (chunks.has(`${key}|${slot}|${counts[slot]}`)) counts[slot]++;
      const manifest = manifests.get(key)?.manifest;
      this.slots.set(key, { slot: manifest?.slot ?? -1, chunks: counts });
      if (!manifest) continue;
      const parts: Buffer[] = [];
      for (let i = 0; i < manifest.chunks; i++) {
        const part = chunks.get(`${key}|${manifest.slot}|${i}`);
        if (!part)
          throw new InvalidCheckpointError(`checkpoint ${key} lacks chunk ${i} of slot ${manifest.slot}`);
        parts.push(part);
      }
      const body = Buffer.concat(parts);
      const sha = createHash('sha256').update(body).digest('hex');
      if (body.length !== manifest.size || sha !== manifest.sha256) {
        throw new InvalidCheckpointError(`checkpoint ${key} does not match its manifest (size or SHA-256)`);
      }
      out.set(key, { body, nextOffset: manifest.nextOffset });
    }
    return out;
  }

  /** Writes a checkpoint covering the records before `nextOffset`; resolves when the broker has it. */
  async save(source: SourcePartition, body: Buffer, nextOffset: number): Promise<void> {
    const key = manifestKey(this.group, source);
    const state = this.slots.get(key) ?? { slot: -1, chunks: [0, 0] };
    const slot = state.slot === 0 ? 1 : 0;
    const partition = keyPartition(key, this.topicPartitions);
    const base = { group: this.group, sourceTopic: source.topic, sourcePartition: source.partition };
    const records: Array<KeyedRecord<MonitorCheckpoint>> = [];
    const count = Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
    for (let i = 0; i < count; i++) {
      records.push({
        key: `${key}|${slot}|${i}`,
        partition,
        value: {
          ...base,
          manifest: null,
          chunk: { slot, index: i, data: body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES) },
        },
      });
    }
    for (let i = count; i < state.chunks[slot]; i++)
      records.push({ key: `${key}|${slot}|${i}`, partition, value: null });
    records.push({
      key,
      partition,
      value: {
        ...base,
        manifest: {
          slot,
          chunks: count,
          size: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          nextOffset,
          writtenAt: Date.now(),
        },
        chunk: null,
      },
    });
    await this.writer.send(this.topic, MonitorCheckpointContract, records);
    state.slot = slot;
    state.chunks[slot] = count;
    this.slots.set(key, state);
  }
}
