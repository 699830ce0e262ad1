import { type DriftDetector, restoreDetector } from '@continuum/drift';
import { inWarning } from '../evaluation/detectors';
import { type LabelValue, type ScoredPair, addPair, persistencePrediction } from '../evaluation/task';
import { windowEstimationFromJSON } from '../evaluation/estimation';
import { WindowState } from '../evaluation/window-state';
import { keys, parts } from '../state/keys';
import { type Counts, type PairRow, type VersionInfo } from './join-state';
import { type PartitionBatch } from './partition-batch';

/** What a version's detector signalled in the window being closed. */
interface WindowSignal {
  detections: number;
  warning: boolean;
  observed: boolean;
}

interface TrackedDetector {
  detector: DriftDetector;
  info: VersionInfo;
  signal: WindowSignal;
}

/** Detectors restored during one close, by version key. */
type Detectors = Map<string, TrackedDetector>;

/**
 * Closes every window ending in (closedThrough, upTo]: computes each model version's window state
 * from the stored pairs (in join-time order, feeding the error detector and the persistence
 * baseline), adds the windows that only have counts, and hands the windows' key ranges over as
 * garbage. Windows come out in (window, model, version) order.
 */
export async function closeWindows(batch: PartitionBatch, upTo: number): Promise<void> {
  const { state, meta, partition: p } = batch;
  const from = meta.closedThrough ?? 0;
  // Counts first (small: one per model version and window).
  const counts = new Map<number, Map<string, Counts>>();
  const nRange = keys.windows('N', p, from, upTo);
  for await (const [key, c] of state.range<Counts>(nRange.gte, nRange.lt)) {
    const [, , ws, modelId, version] = parts(key);
    const byWindow = counts.get(Number(ws)) ?? new Map<string, Counts>();
    counts.set(Number(ws), byWindow);
    byWindow.set(`${modelId}\u0000${version}`, c);
  }
  const rRange = keys.windows('R', p, from, upTo);
  let current: { ws: number; modelId: string; states: Map<string, WindowState> } | undefined;
  let lastLabel: { value: LabelValue | undefined } = { value: undefined };
  const detectors: Detectors = new Map();
  const finishCurrent = () => {
    if (!current) return;
    finishModel(
      batch,
      current.ws,
      current.modelId,
      current.states,
      counts.get(current.ws),
      detectors,
      lastLabel.value,
    );
    current = undefined;
  };
  for await (const [key, row] of state.range<PairRow>(rRange.gte, rRange.lt)) {
    const [, , wsText, modelId] = parts(key);
    const ws = Number(wsText);
    if (!current || current.ws !== ws || current.modelId !== modelId) {
      finishCurrent();
      // Count-only windows before this one report their detectors' counts as of their own end.
      await finishCountsOnly(batch, counts, ws, detectors);
      current = { ws, modelId, states: new Map() };
      const bKey = keys.lastLabel(p, modelId);
      await state.load([bKey]);
      lastLabel = { value: state.get<{ y: LabelValue }>(bKey)?.y };
    }
    const tracked = await trackedDetector(batch, modelId, row.v, detectors);
    const windowState = current.states.get(row.v) ?? new WindowState();
    current.states.set(row.v, windowState);
    const { metrics, baseline } = windowState.useTask(tracked.info.task);
    const pair: ScoredPair = { score: row.s, predictedClass: row.c, probabilities: row.q, label: row.y };
    const error = addPair(metrics, pair);
    windowState.labelledCount++;
    windowState.delay.add(row.lt - row.pt);
    if (lastLabel.value !== undefined) {
      const guess = persistencePrediction(tracked.info.task, lastLabel.value, row.y);
      if (guess) addPair(baseline, guess);
    }
    lastLabel.value = row.y;
    tracked.detector.update(error);
    tracked.info.n++;
    tracked.signal.observed = true;
    if (tracked.detector.driftDetected) tracked.signal.detections++;
    if (inWarning(tracked.detector)) tracked.signal.warning = true;
  }
  finishCurrent();
  await finishCountsOnly(batch, counts, Infinity, detectors);
  batch.closed.sort(
    (a, b) =>
      a.windowStart - b.windowStart || cmp(a.modelId, b.modelId) || cmp(a.modelVersion, b.modelVersion),
  );
  for (const { detector, info } of detectors.values()) info.detector = detector.toJSON();
  for (const [key, tracked] of detectors) state.set(key, tracked.info);
  meta.closedThrough = upTo;
  batch.closedThrough = upTo;
  for (const r of [rRange, nRange]) {
    state.discardRange(r.gte, r.lt);
    batch.garbage.push(r);
  }
}

/**
 * Closes the windows starting before `before` that have predictions or expiries but no pairs for
 * some versions (those left in `counts`), and removes them from `counts`.
 */
async function finishCountsOnly(
  batch: PartitionBatch,
  counts: Map<number, Map<string, Counts>>,
  before: number,
  detectors: Detectors,
): Promise<void> {
  const { state, partition: p } = batch;
  const W = batch.settings.windowMs;
  for (const [ws, byWindow] of counts) {
    if (ws >= before) continue;
    counts.delete(ws);
    for (const [mv, c] of byWindow) {
      const [modelId, version] = mv.split('\u0000');
      const windowState = new WindowState();
      windowState.predictionCount = c.p;
      windowState.expiredUnlabelled = c.x;
      windowState.estimation = c.e ? windowEstimationFromJSON(c.e) : null;
      const key = keys.version(p, modelId, version);
      await state.load([key]);
      // The detector's count may have moved on in an earlier window of this close.
      const info = detectors.get(key)?.info ?? state.get<VersionInfo>(key);
      if (info) {
        windowState.task = info.task;
        windowState.drift = {
          detector: info.detector.detector,
          driftDetected: false,
          warningDetected: false,
          observations: info.n,
          detections: 0,
        };
      }
      batch.closed.push({
        modelId,
        modelVersion: version,
        windowStart: ws,
        windowEnd: ws + W,
        state: windowState,
      });
    }
  }
}

/** Completes one model's windows states (versions in order) with their counts and drift signal. */
function finishModel(
  batch: PartitionBatch,
  ws: number,
  modelId: string,
  states: Map<string, WindowState>,
  counts: Map<string, Counts> | undefined,
  detectors: Detectors,
  lastLabel: LabelValue | undefined,
): void {
  const W = batch.settings.windowMs;
  for (const [version, state] of [...states.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const mv = `${modelId}\u0000${version}`;
    const c = counts?.get(mv);
    if (c) {
      state.predictionCount = c.p;
      state.expiredUnlabelled = c.x;
      state.estimation = c.e ? windowEstimationFromJSON(c.e) : null;
      counts?.delete(mv);
    }
    const tracked = detectors.get(keys.version(batch.partition, modelId, version)) as TrackedDetector;
    state.drift = {
      detector: tracked.detector.name,
      driftDetected: tracked.signal.detections > 0,
      warningDetected: tracked.signal.warning,
      observations: tracked.info.n,
      detections: tracked.signal.detections,
    };
    batch.stats.detections += tracked.signal.detections;
    tracked.signal.detections = 0;
    tracked.signal.warning = false;
    batch.closed.push({ modelId, modelVersion: version, windowStart: ws, windowEnd: ws + W, state });
  }
  if (lastLabel !== undefined) batch.state.set(keys.lastLabel(batch.partition, modelId), { y: lastLabel });
}

/** The version's detector as restored for this close (its task and detector exist since its first pair). */
async function trackedDetector(
  batch: PartitionBatch,
  modelId: string,
  version: string,
  detectors: Detectors,
): Promise<TrackedDetector> {
  const key = keys.version(batch.partition, modelId, version);
  let tracked = detectors.get(key);
  if (!tracked) {
    await batch.state.load([key]);
    const info = batch.state.get<VersionInfo>(key);
    if (!info)
      throw new Error(
        `no task/detector state for model ${modelId} version ${version} on partition ${batch.partition}`,
      );
    tracked = {
      detector: restoreDetector(info.detector),
      info: { ...info },
      signal: { detections: 0, warning: false, observed: false },
    };
    detectors.set(key, tracked);
  }
  return tracked;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
