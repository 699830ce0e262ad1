import { createHash, randomInt } from 'node:crypto';
import { type EventCodecs, type MonitorCheckpoint, MonitorCheckpointContract } from '@continuum/events';
import { type KafkaClient, keyPartition, readToEnd } from '@continuum/kafka';
import { type EventProducer, type OutgoingEvent } from '@continuum/kafka';
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

export function manifestKey(group: string, source: SourcePartition): string {
  return `${group}|${source.topic}|${source.partition}`;
}

function chunkKey(manifest: string, write: number, index: number): string {
  return `${manifest}|${write}|${index}`;
}

/**
 * Stage 1 checkpoints in the compacted ct.monitor-checkpoints, all records of a source partition
 * on one partition of the topic. A checkpoint is written as chunks whose keys carry a random id of
 * the write (the manifest's `slot`), then the manifest naming that id, then tombstones for the
 * chunks of the writes before. Chunks of two writes never share a key, so neither a crash while
 * writing nor a former owner still writing after a rebalance can damage the checkpoint the
 * manifest names; the manifest's SHA-256 checks it.
 */
export class CheckpointStore {
  /** Chunk keys of each source's checkpoint writes this instance knows of (to tombstone them). */
  private readonly written = new Map<string, string[]>();

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly writer: EventProducer,
    private readonly topic: string,
    private readonly group: string,
    private readonly topicPartitions: number,
    private readonly sessionTimeoutMs: number,
  ) {}

  /** Reads the checkpoint topic to its current end and returns the latest checkpoint of each source. */
  async load(sources: readonly SourcePartition[]): Promise<Map<string, StoredCheckpoint>> {
    const wanted = new Set(sources.map((s) => manifestKey(this.group, s)));
    const owner = (key: string): string | undefined => {
      if (wanted.has(key)) return key;
      for (const w of wanted) if (key.startsWith(`${w}|`)) return w;
      return undefined;
    };
    const manifests = new Map<string, MonitorCheckpoint>();
    const chunks = new Map<string, Map<string, Buffer>>();
    const undecodable: string[] = [];
    await readToEnd(this.client, this.codecs, {
      topic: this.topic,
      contract: MonitorCheckpointContract,
      groupIdPrefix: `${this.group}-checkpoint-reader`,
      sessionTimeoutMs: this.sessionTimeoutMs,
      // Only this instance's sources, and only their records are decoded.
      acceptKey: (key) => key !== null && owner(key) !== undefined,
      onUndecodable: (r) => void undecodable.push(`${r.key}@${r.partition}:${r.offset}`),
      onRecord: ({ key, value }) => {
        const source = owner(key as string) as string;
        if (key === source) {
          if (value) manifests.set(key, value);
          else manifests.delete(key);
          return;
        }
        let perSource = chunks.get(source);
        if (!perSource) chunks.set(source, (perSource = new Map()));
        if (value) perSource.set(key as string, value.chunk?.data ?? Buffer.alloc(0));
        else perSource.delete(key as string);
      },
    });
    if (undecodable.length > 0) {
      throw new InvalidCheckpointError(`checkpoint records cannot be decoded: ${undecodable.join(', ')}`);
    }
    const out = new Map<string, StoredCheckpoint>();
    for (const source of sources) {
      const key = manifestKey(this.group, source);
      const present = chunks.get(key) ?? new Map<string, Buffer>();
      // Every chunk record present is tombstoned by the next write: the named checkpoint's and any
      // left by an interrupted write.
      this.written.set(key, [...present.keys()]);
      const manifest = manifests.get(key)?.manifest;
      if (!manifest) continue;
      const parts: Buffer[] = [];
      for (let i = 0; i < manifest.chunks; i++) {
        const part = present.get(chunkKey(key, manifest.slot, i));
        if (!part)
          throw new InvalidCheckpointError(`checkpoint ${key} lacks chunk ${i} of write ${manifest.slot}`);
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
    const write = randomInt(0, 2 ** 31 - 1);
    const partition = keyPartition(key, this.topicPartitions);
    const base = { group: this.group, sourceTopic: source.topic, sourcePartition: source.partition };
    const records: Array<OutgoingEvent<MonitorCheckpoint>> = [];
    const count = Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      keys.push(chunkKey(key, write, i));
      records.push({
        key: keys[i],
        partition,
        value: {
          ...base,
          manifest: null,
          chunk: { slot: write, index: i, data: body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES) },
        },
      });
    }
    records.push({
      key,
      partition,
      value: {
        ...base,
        manifest: {
          slot: write,
          chunks: count,
          size: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          nextOffset,
          writtenAt: Date.now(),
        },
        chunk: null,
      },
    });
    for (const old of this.written.get(key) ?? []) records.push({ key: old, partition, value: null });
    await this.writer.send(this.topic, MonitorCheckpointContract, records);
    this.written.set(key, keys);
  }
}
