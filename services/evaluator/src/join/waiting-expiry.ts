import { type KeyValueStore, type WriteOp } from '../state/key-value-store';
import { type EntryKind, keys, parts } from '../state/keys';
import { type LabelEntry, type PredictionEntry } from './join-state';
import { type PartitionBatch } from './partition-batch';

/** Index keys handled per state round trip. */
const CHUNK = 1000;

/**
 * When a waiting prediction entry's TTL index fires: at its earliest version's time + horizon.
 * The TTL index (X) is a function of the P and L entries alone — this and `label.t + horizon` —
 * so it is kept on the local disk only and rebuilt from them after a restore.
 */
export function predictionExpiresAt(entry: PredictionEntry, horizonMs: number): number {
  let earliest = Infinity;
  for (const version in entry.v) earliest = Math.min(earliest, entry.v[version].t);
  return earliest + horizonMs;
}

/** Rebuilds a partition's TTL index (X) from its P and L entries, e.g. after a restore. */
export async function rebuildExpiryIndex(
  store: KeyValueStore,
  partition: number,
  horizonMs: number,
  heartbeat: () => Promise<void> = async () => undefined,
): Promise<void> {
  for (const kind of ['P', 'L'] as const) {
    const range = keys.partition(kind, partition);
    let ops: WriteOp[] = [];
    for await (const [key, raw] of store.range(range.gte, range.lt)) {
      const [, , eventId, modelId] = parts(key);
      const expiresAt =
        kind === 'L'
          ? (JSON.parse(raw) as LabelEntry).t + horizonMs
          : predictionExpiresAt(JSON.parse(raw) as PredictionEntry, horizonMs);
      ops.push({ type: 'put', key: keys.expiry(partition, expiresAt, kind, eventId, modelId), value: '1' });
      if (ops.length >= CHUNK) {
        await store.write(ops);
        await heartbeat();
        ops = [];
      }
    }
    await store.write(ops);
  }
}

/**
 * TTL expiry by event time: a waiting prediction or label is dropped once the watermark passes its
 * time + horizon (no record of the other side can join it any more). An unlabelled prediction is
 * counted as expired in the window where its horizon ended; a label that joined nothing is counted
 * as unmatched.
 */
export async function expireWaiting(batch: PartitionBatch, watermark: number): Promise<void> {
  const range = keys.expiredBy(batch.partition, watermark);
  let chunk: string[] = [];
  for await (const [key] of batch.state.range(range.gte, range.lt)) {
    chunk.push(key);
    if (chunk.length >= CHUNK) {
      await expireChunk(batch, chunk, watermark);
      chunk = [];
    }
  }
  if (chunk.length > 0) await expireChunk(batch, chunk, watermark);
}

async function expireChunk(batch: PartitionBatch, indexKeys: string[], watermark: number): Promise<void> {
  const { state, meta, stats, partition: p } = batch;
  const H = batch.settings.horizonMs;
  const entries = indexKeys.map((k) => {
    const [, , , kind, eventId, modelId] = parts(k);
    return {
      indexKey: k,
      kind: kind as EntryKind,
      eventId,
      modelId,
      key: keys.entry(kind as EntryKind, p, eventId, modelId),
    };
  });
  await state.load(entries.map((e) => e.key));
  for (const e of entries) {
    state.delete(e.indexKey);
    if (e.kind === 'L') {
      const label = state.get<LabelEntry>(e.key);
      if (!label) continue;
      if (label.t + H > watermark) {
        // Defensive: an entry re-indexed later than this index key.
        state.set(keys.expiry(p, label.t + H, 'L', e.eventId, e.modelId), 1);
        continue;
      }
      if (label.m === 0) stats.expiredLabelsUnmatched++;
      meta.waitingLabels--;
      state.delete(e.key);
      continue;
    }
    const entry = state.get<PredictionEntry>(e.key);
    if (!entry) continue;
    let earliestLeft = Infinity;
    for (const [version, prediction] of Object.entries(entry.v)) {
      if (prediction.t + H > watermark) {
        earliestLeft = Math.min(earliestLeft, prediction.t);
        continue;
      }
      if (!prediction.joined) {
        stats.expiredPredictions++;
        meta.waitingPredictions--;
        const ws = batch.windowStart(prediction.t + H);
        if (!batch.isClosed(ws)) batch.bump(keys.counts(p, ws, e.modelId, version)).x++;
      }
      delete entry.v[version];
    }
    if (earliestLeft === Infinity) state.delete(e.key);
    else {
      state.set(e.key, entry);
      state.set(keys.expiry(p, earliestLeft + H, 'P', e.eventId, e.modelId), 1);
    }
  }
}
