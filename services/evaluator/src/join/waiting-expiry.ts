import { type KeyValueStore, type WriteOp } from '../state/key-value-store';
import { type EntryKind, keys, parts } from '../state/keys';
import {
  type JoinedPair,
  type LabelEntry,
  type PredictionEntry,
  type StoredPrediction,
  pairRowOf,
} from './join-state';
import { type PartitionBatch } from './partition-batch';
import { type EventTimeSettings, type PartitionMeta, emptyMeta, windowStartOf } from './partition-progress';

/** Index keys handled per state round trip. */
const CHUNK = 1000;

/**
 * When a prediction version's entry expires: its time + horizon, and for a joined version that
 * carries its pair (StoredPrediction.r) not before the pair's window has closed, since the window's
 * pair row is rebuilt from it after a restore.
 */
export function versionExpiresAt(prediction: StoredPrediction, settings: EventTimeSettings): number {
  const horizon = prediction.t + settings.horizonMs;
  if (!prediction.r) return horizon;
  const windowStart = windowStartOf(Math.max(prediction.t, prediction.r.lt), settings.windowMs);
  return Math.max(horizon, windowStart + settings.windowMs + settings.allowedLatenessMs);
}

/**
 * When a prediction entry's TTL index fires: at its earliest version's expiry. The TTL index (X) is
 * a function of the P and L entries alone — this and `label.t + horizon` — so it is kept on the
 * local disk only and rebuilt from them after a restore.
 */
export function predictionExpiresAt(entry: PredictionEntry, settings: EventTimeSettings): number {
  let earliest = Infinity;
  for (const version in entry.v) earliest = Math.min(earliest, versionExpiresAt(entry.v[version], settings));
  return earliest;
}

/**
 * Rebuilds a partition's local indexes from its restored entries: the TTL index (X) from the P and
 * L entries, and the pair rows (R) of its open windows from the joined markers that carry them.
 * Their ranges are empty when it is called (ChangelogStore clears a partition before a restore).
 */
export async function rebuildLocalIndexes(
  store: KeyValueStore,
  partition: number,
  settings: EventTimeSettings,
  heartbeat: () => Promise<void> = async () => undefined,
): Promise<void> {
  const [rawMeta] = await store.getMany([keys.meta(partition)]);
  const meta = rawMeta === undefined ? emptyMeta() : (JSON.parse(rawMeta) as PartitionMeta);
  const W = settings.windowMs;
  let ops: WriteOp[] = [];
  const put = async (key: string, value: unknown) => {
    ops.push({ type: 'put', key, value: JSON.stringify(value) });
    if (ops.length < CHUNK) return;
    await store.write(ops);
    await heartbeat();
    ops = [];
  };
  for (const kind of ['P', 'L'] as const) {
    const range = keys.partition(kind, partition);
    for await (const [key, raw] of store.range(range.gte, range.lt)) {
      const [, , eventId, modelId] = parts(key);
      if (kind === 'L') {
        const label = JSON.parse(raw) as LabelEntry;
        await put(keys.expiry(partition, label.t + settings.horizonMs, 'L', eventId, modelId), 1);
        continue;
      }
      const entry = JSON.parse(raw) as PredictionEntry;
      await put(keys.expiry(partition, predictionExpiresAt(entry, settings), 'P', eventId, modelId), 1);
      for (const [version, prediction] of Object.entries(entry.v)) {
        if (!prediction.r) continue;
        const joinTime = Math.max(prediction.t, prediction.r.lt);
        const windowStart = windowStartOf(joinTime, W);
        if (meta.closedThrough !== null && windowStart + W <= meta.closedThrough) continue;
        const row = pairRowOf(version, prediction as StoredPrediction & { r: JoinedPair });
        await put(keys.pair(partition, windowStart, modelId, joinTime, eventId, version), row);
      }
    }
  }
  await store.write(ops);
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
  const { state, meta, stats, partition: p, settings } = batch;
  const H = settings.horizonMs;
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
    let left = 0;
    for (const [version, prediction] of Object.entries(entry.v)) {
      if (versionExpiresAt(prediction, settings) > watermark) {
        left++;
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
    if (left === 0) state.delete(e.key);
    else {
      state.set(e.key, entry);
      state.set(keys.expiry(p, predictionExpiresAt(entry, settings), 'P', e.eventId, e.modelId), 1);
    }
  }
}
