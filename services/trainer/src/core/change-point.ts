import { type RetrainRequest } from '@continuum/events';

/**
 * After a detected change, train on data from after the change, and only once enough of it is
 * labelled (labels of a new regime often arrive days after its features drift). These settings
 * say how many labelled examples after the change a drift-triggered retrain waits for, and how
 * long it may wait.
 */
export interface ChangePointSettings {
  /** Off (the default): change-triggered requests train like any other, on the window up to acceptance. */
  enabled: boolean;
  /** Labelled examples after the change point needed to train; null: the window's size (FIXED_COUNT/REPRESENTATIVE `count`), else DEFAULT_MIN_EXAMPLES_AFTER_CHANGE. */
  minExamples: number | null;
  /** Longest wait after acceptance (ms); then train on what exists if at least `floorExamples`, else fail. */
  maxWaitMs: number;
  /** Fewest examples after the change a retrain trains on once `maxWaitMs` has passed. */
  floorExamples: number;
}

export const DEFAULT_MIN_EXAMPLES_AFTER_CHANGE = 1_000;

export const DEFAULT_CHANGE_POINT_SETTINGS: ChangePointSettings = {
  enabled: false,
  minExamples: null,
  maxWaitMs: 7 * 24 * 3600_000,
  floorExamples: 200,
};

/** Reasons whose evidence says when the change began (the drifting or first breaching window's start). */
const CHANGE_REASONS: ReadonlySet<RetrainRequest['reason']> = new Set([
  'DATA_DRIFT',
  'CONCEPT_DRIFT',
  'PERFORMANCE',
]);
/** ESTIMATED_PERFORMANCE: a window of predictions judged on its estimate (labels still missing). */
const CHANGE_EVIDENCE: ReadonlySet<string> = new Set([
  'DRIFT_REPORT',
  'CONCEPT_DRIFT',
  'PERFORMANCE_REPORT',
  'ESTIMATED_PERFORMANCE',
]);

/**
 * When the change a request answers began: the earliest `windowStart` of its drift, concept-drift
 * or performance evidence, realised or estimated (the controller records each report's window
 * there; for consecutive performance breaches the earliest is the first breaching window). Null for requests that do not
 * answer a change (schedule, manual, contract) or whose evidence carries no window.
 */
export function changePointOf(request: RetrainRequest): number | null {
  if (!CHANGE_REASONS.has(request.reason)) return null;
  let start: number | null = null;
  for (const e of request.evidence) {
    if (!CHANGE_EVIDENCE.has(e.kind)) continue;
    const t = e.values.windowStart;
    if (typeof t === 'number' && Number.isFinite(t) && (start === null || t < start)) start = t;
  }
  return start;
}

/** Labelled examples after the change needed before training: the policy's, else the window's size, else the default. */
export function requiredExamplesAfterChange(
  settings: ChangePointSettings,
  window: RetrainRequest['window'],
): number {
  if (settings.minExamples !== null) return settings.minExamples;
  if ((window.kind === 'FIXED_COUNT' || window.kind === 'REPRESENTATIVE') && window.count !== null)
    return window.count;
  return DEFAULT_MIN_EXAMPLES_AFTER_CHANGE;
}

export interface ChangePointWaitInput {
  /** Event time the change began. */
  changePoint: number;
  /** When the request was accepted (the durable ACCEPTED event's time: a restart waits from it, not from its own start). */
  acceptedAt: number;
  now: number;
  /** Labelled examples of the model with event time at or after the change point seen so far. */
  examplesAfterChange: number;
  required: number;
  settings: ChangePointSettings;
}

export type ChangePointDecision =
  | { action: 'TRAIN'; why: 'ENOUGH_EXAMPLES' | 'WAIT_EXPIRED'; examples: number }
  | { action: 'WAIT'; examples: number; required: number; deadline: number }
  | { action: 'FAIL'; examples: number; reason: string };

/**
 * Whether a change-triggered retrain trains now, keeps waiting for labels of the new regime, or
 * gives up. Pure: the clock is passed in.
 */
export function decideChangePointWait(input: ChangePointWaitInput): ChangePointDecision {
  const { examplesAfterChange: examples, required, settings } = input;
  if (examples >= required) return { action: 'TRAIN', why: 'ENOUGH_EXAMPLES', examples };
  const deadline = input.acceptedAt + settings.maxWaitMs;
  if (input.now < deadline) return { action: 'WAIT', examples, required, deadline };
  if (examples >= settings.floorExamples) return { action: 'TRAIN', why: 'WAIT_EXPIRED', examples };
  return {
    action: 'FAIL',
    examples,
    reason:
      `only ${examples} labelled examples after the change at ${new Date(input.changePoint).toISOString()} ` +
      `within ${settings.maxWaitMs} ms of acceptance (${required} wanted, at least ${settings.floorExamples} needed)`,
  };
}
