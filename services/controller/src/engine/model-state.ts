import { type Evidence, type RetrainReason } from '@continuum/events';

/**
 * Everything the controller remembers about one model between reports. It is small (a few
 * versions, a few segments) and is checkpointed to the compacted state topic after every change,
 * before the offsets of the reports that caused the change are committed.
 */
export interface ModelState {
  modelId: string;
  /** Wall-clock time of the last change. */
  updatedAt: number;
  /** The version of the newest report seen: what a SCHEDULE or MANUAL request names. */
  latestVersion: string | null;
  /** The cron expression `lastScheduledSlot` belongs to; a changed expression starts afresh. */
  scheduleCron: string | null;
  /** The latest cron slot handled (fired, suppressed or skipped as the first one seen), epoch ms. */
  lastScheduledSlot: number | null;
  performance: PerformanceTriggerState[];
  drift: DataDriftTriggerState[];
  /** Signals waiting for the de-duplication interval to end before they become one request. */
  pending: PendingRequest | null;
}

/** Performance and concept-drift trigger state of one model version. */
export interface PerformanceTriggerState {
  modelVersion: string;
  /** Newest window applied; reports for it or older windows are replays and change nothing. */
  lastWindowEnd: number;
  /** Wall-clock time this version was last reported (the least recent version is evicted first). */
  seenAt: number;
  consecutiveBreaches: number;
  /** Evidence of the current run of breaching windows (the latest K). */
  breachEvidence: Evidence[];
  armed: boolean;
  /** Consecutive non-breaching windows since the trigger fired (re-arms at rearm.cleanWindows). */
  cleanWindows: number;
  conceptArmed: boolean;
  conceptCleanReports: number;
  /**
   * Recent windows in window order, each judged once, on its first report (performance-trigger.ts):
   * the run of breaches is counted from these, so a replayed report, or an estimate decided at its
   * labels' horizon after newer windows came, counts its window once.
   */
  windows: PerformanceWindowState[];
  /** Reports of windows ending at or before this are stale (null: lastWindowEnd, an older checkpoint). */
  forgottenThrough: number | null;
  /** End of the newest window of the run that last fired: it never counts toward another request. */
  firedThrough: number | null;
}

/**
 * What a window was judged on: its realised metric (enough fresh labels), its estimate (labels missing
 * past the policy's horizon), or nothing yet (an estimate waiting for that horizon).
 */
export type WindowBasis = 'REALISED' | 'ESTIMATED' | 'AWAITING_LABELS';

/** One window of the performance trigger. */
export interface PerformanceWindowState {
  windowStart: number;
  windowEnd: number;
  basis: WindowBasis;
  breach: boolean;
  /** Past the threshold by the re-arm margin on the good side (for an estimate: its whole band). */
  recovered: boolean;
  /** AWAITING_LABELS: when the estimate stands in for the missing labels. */
  decideAt: number;
  /** What a request cites for this window (the run position is added when the run is counted). */
  evidence: Evidence;
}

/** Data-drift trigger state of one model version and segment. */
export interface DataDriftTriggerState {
  modelVersion: string;
  segment: string;
  lastWindowEnd: number;
  seenAt: number;
  armed: boolean;
  cleanReports: number;
}

/** One trigger's reason to retrain, with its evidence. */
export interface Signal {
  reason: RetrainReason;
  modelVersion: string | null;
  raisedAt: number;
  /** What identifies this signal's occasion (e.g. `DATA_DRIFT|<reportId>`): a request it opens gets its id from it. */
  key: string;
  evidence: Evidence[];
}

export interface PendingRequest {
  requestId: string;
  openedAt: number;
  /** The request is emitted at this wall-clock time with every signal merged by then. */
  deadline: number;
  signals: Signal[];
}

export function emptyModelState(modelId: string, now: number): ModelState {
  return {
    modelId,
    updatedAt: now,
    latestVersion: null,
    scheduleCron: null,
    lastScheduledSlot: null,
    performance: [],
    drift: [],
    pending: null,
  };
}
