import { type Label, type Prediction, type PredictionOutput } from '@continuum/events';
import { createDetector, detectorFor } from '../evaluation/detectors';
import { type LabelValue, inferTask, taskMismatch } from '../evaluation/task';
import { keys } from '../state/keys';
import {
  type JoinedPair,
  type LabelEntry,
  type PredictionEntry,
  type StoredPrediction,
  type VersionInfo,
  pairRowOf,
  storedPrediction,
} from './join-state';
import { type PartitionBatch } from './partition-batch';
import { type SourceRecord } from './partition-progress';
import { predictionExpiresAt } from './waiting-expiry';

/** A batch's records not yet in the state, with their index in the batch (for dead-lettering). */
export type FreshRecords<T> = Array<{ index: number; record: SourceRecord<T> }>;

/**
 * The join by eventId (per model): a prediction waits for its label and a label for its
 * predictions, as long as |label time − prediction time| < horizon, whatever the order in which
 * the two topics are read, so a replay joins exactly the same pairs. A pair's join time is
 * max(prediction time, label time) — when the truth became usable — and decides its window.
 */
/**
 * `advancesEventTime` is false for records re-routed through ct.evaluator-repartition: their event
 * time was counted at the partition they were read from; counted here too, a re-routed record could
 * run ahead of this partition's own sources and close windows before their records arrive.
 */
export async function joinPredictions(
  batch: PartitionBatch,
  fresh: FreshRecords<Prediction>,
  advancesEventTime = true,
): Promise<void> {
  const { state, meta, stats, partition: p, settings } = batch;
  await state.load(
    fresh.flatMap(({ record: { value } }) => [
      keys.prediction(p, value.eventId, value.modelId),
      keys.label(p, value.eventId, value.modelId),
      keys.version(p, value.modelId, value.modelVersion),
    ]),
  );
  await settings.estimation?.prepare(
    fresh.map(({ record: { value } }) => [value.modelId, value.modelVersion]),
  );
  for (const { index, record } of fresh) {
    const x = record.value;
    if (advancesEventTime)
      meta.maxPredictionTime = Math.max(meta.maxPredictionTime ?? x.timestamp, x.timestamp);
    const pKey = keys.prediction(p, x.eventId, x.modelId);
    const stored = state.get<PredictionEntry>(pKey);
    const entry = stored ?? { v: {} };
    if (entry.v[x.modelVersion] !== undefined) {
      stats.duplicatePredictions++;
      continue;
    }
    // The TTL index follows the entry's earliest version (predictionExpiresAt).
    const expiresBefore = stored ? predictionExpiresAt(stored, settings) : undefined;
    const label = state.get<LabelEntry>(keys.label(p, x.eventId, x.modelId));
    if (label && batch.withinHorizon(x.timestamp, label.t)) {
      const joined = joinPair(batch, x.eventId, x.modelId, x.modelVersion, storedPrediction(x), label);
      // A pair that cannot be evaluated is settled too (dead-lettered), not left waiting.
      if (joined.problem) batch.rejected.push({ index, reason: joined.problem });
      else {
        label.m++;
        state.set(keys.label(p, x.eventId, x.modelId), label);
      }
      entry.v[x.modelVersion] = joined.marker;
    } else {
      entry.v[x.modelVersion] = storedPrediction(x);
      meta.waitingPredictions++;
    }
    countPrediction(batch, x);
    reindexPrediction(batch, x.eventId, x.modelId, expiresBefore, entry);
    state.set(pKey, entry);
  }
}

/** The labels' side of the join; a second, different label for an event is dead-lettered. */
export async function joinLabels(
  batch: PartitionBatch,
  fresh: FreshRecords<Label>,
  advancesEventTime = true,
): Promise<void> {
  const { state, meta, stats, partition: p, settings } = batch;
  await state.load(
    fresh.flatMap(({ record: { value } }) => [
      keys.prediction(p, value.eventId, value.modelId),
      keys.label(p, value.eventId, value.modelId),
    ]),
  );
  // Version infos of the predictions these labels will join.
  const versionKeys: string[] = [];
  for (const { record } of fresh) {
    const entry = state.get<PredictionEntry>(keys.prediction(p, record.value.eventId, record.value.modelId));
    if (entry)
      for (const v of Object.keys(entry.v)) versionKeys.push(keys.version(p, record.value.modelId, v));
  }
  await state.load(versionKeys);
  for (const { index, record } of fresh) {
    const y = record.value;
    if (advancesEventTime) meta.maxLabelTime = Math.max(meta.maxLabelTime ?? y.timestamp, y.timestamp);
    const lKey = keys.label(p, y.eventId, y.modelId);
    const existing = state.get<LabelEntry>(lKey);
    if (existing) {
      if (existing.y === y.label) stats.duplicateLabels++;
      else
        batch.rejected.push({
          index,
          reason: `a different label (${JSON.stringify(existing.y)}) was already received for event ${y.eventId} of model ${y.modelId}; the first label is kept`,
        });
      continue;
    }
    const label: LabelEntry = { t: y.timestamp, y: y.label, m: 0 };
    const pKey = keys.prediction(p, y.eventId, y.modelId);
    const entry = state.get<PredictionEntry>(pKey);
    const problems: string[] = [];
    if (entry) {
      const expiresBefore = predictionExpiresAt(entry, settings);
      for (const version of Object.keys(entry.v).sort()) {
        const prediction = entry.v[version];
        if (prediction.joined || !batch.withinHorizon(prediction.t, label.t)) continue;
        const joined = joinPair(batch, y.eventId, y.modelId, version, prediction, label);
        if (joined.problem) problems.push(joined.problem);
        else label.m++;
        entry.v[version] = joined.marker;
        meta.waitingPredictions--;
      }
      reindexPrediction(batch, y.eventId, y.modelId, expiresBefore, entry);
      state.set(pKey, entry);
    }
    if (problems.length > 0) batch.rejected.push({ index, reason: problems.join('; ') });
    state.set(lKey, label);
    state.set(keys.expiry(p, label.t + settings.horizonMs, 'L', y.eventId, y.modelId), 1);
    meta.waitingLabels++;
  }
}

/** Moves a prediction entry's TTL index key when the entry's expiry changed (the index is local only). */
function reindexPrediction(
  batch: PartitionBatch,
  eventId: string,
  modelId: string,
  before: number | undefined,
  entry: PredictionEntry,
): void {
  const after = predictionExpiresAt(entry, batch.settings);
  if (after === before) return;
  const p = batch.partition;
  if (before !== undefined) batch.state.delete(keys.expiry(p, before, 'P', eventId, modelId));
  batch.state.set(keys.expiry(p, after, 'P', eventId, modelId), 1);
}

/**
 * Joins one prediction with its label. Returns the version's joined marker (carrying the pair when
 * it went into an open window) and, when the pair cannot be evaluated, why.
 */
function joinPair(
  batch: PartitionBatch,
  eventId: string,
  modelId: string,
  version: string,
  prediction: StoredPrediction,
  label: LabelEntry,
): { marker: StoredPrediction; problem?: string } {
  const marker: StoredPrediction = { t: prediction.t, joined: true };
  const output = prediction.output as PredictionOutput;
  const info = versionInfo(batch, modelId, version, output, label.y);
  if (typeof info === 'string') return { marker, problem: info };
  const problem = taskMismatch(info.task, output, label.y);
  if (problem) {
    return {
      marker,
      problem: `cannot evaluate event ${eventId} for model ${modelId} version ${version}: ${problem}; set EVALUATOR_MODEL_TASKS if the inferred task is wrong`,
    };
  }
  const joinTime = Math.max(prediction.t, label.t);
  const windowStart = batch.windowStart(joinTime);
  if (batch.isClosed(windowStart)) batch.stats.latePairs++;
  else {
    marker.r = {
      lt: label.t,
      s: output.score,
      c: output.predictedClass,
      q: Object.keys(output.classProbabilities).length > 0 ? output.classProbabilities : null,
      y: label.y,
    };
    batch.state.set(
      keys.pair(batch.partition, windowStart, modelId, joinTime, eventId, version),
      pairRowOf(version, marker as StoredPrediction & { r: JoinedPair }),
    );
  }
  batch.examples.push({
    eventId,
    modelId,
    modelVersion: version,
    predictionTimestamp: prediction.t,
    labelTimestamp: label.t,
    entityId: prediction.entityId ?? null,
    numeric: prediction.numeric ?? {},
    categorical: prediction.categorical ?? {},
    segments: prediction.segments ?? {},
    output,
    label: label.y,
  });
  batch.stats.joined++;
  return { marker };
}

/** The version's task and detector, created on its first pair. Requires the key to be loaded. */
function versionInfo(
  batch: PartitionBatch,
  modelId: string,
  version: string,
  output: PredictionOutput,
  label: LabelValue,
): VersionInfo | string {
  const key = keys.version(batch.partition, modelId, version);
  const known = batch.state.get<VersionInfo>(key);
  if (known) return known;
  let task = batch.settings.taskOverrides.get(modelId);
  if (task === undefined) {
    const inferred = inferTask(output, label);
    if ('problem' in inferred)
      return `cannot evaluate model ${modelId} version ${version}: ${inferred.problem}`;
    task = inferred.task;
  }
  const detector = createDetector(detectorFor(batch.settings.detector, task), `${modelId}/${version}`);
  const info: VersionInfo = { task, detector: detector.toJSON(), n: 0 };
  batch.state.set(key, info);
  return info;
}

/** Counts a prediction in the window of its time, and adds it to the window's label-free estimate as it arrives. */
function countPrediction(batch: PartitionBatch, x: Prediction): void {
  const ws = batch.windowStart(x.timestamp);
  if (batch.isClosed(ws)) {
    batch.stats.latePredictions++;
    return;
  }
  const key = keys.counts(batch.partition, ws, x.modelId, x.modelVersion);
  batch.bump(key).p++;
  const estimation = batch.settings.estimation?.get(x.modelId, x.modelVersion);
  if (estimation)
    batch.estimate(key, estimation, {
      score: x.output.score,
      numeric: x.numeric,
      categorical: x.categorical,
    });
}
