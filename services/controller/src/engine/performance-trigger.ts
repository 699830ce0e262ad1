import { type Evidence, type PerformanceReport } from '@continuum/events';
import { type BreachDirection, type ConceptDriftPolicy, type PerformancePolicy } from '../policy/policy';
import { type TriggerStep } from './data-drift-trigger';
import { type PerformanceTriggerState, type PerformanceWindowState } from './model-state';

/** Why a window could not be judged (`labels-late`: its labels are late and it has no estimate). */
export type PerformanceSkip = 'too-few-labels' | 'labels-late' | 'metric-missing';

/** How an estimate's band stands against its threshold. */
export type BandVerdict = 'breach' | 'band-straddles' | 'clean';

/**
 * Bounds of the ledger (and so of the checkpoint): at most this many windows per version wait for
 * their labels' horizon, and a run of breaches is remembered (and its gauge exact) up to this length.
 */
export const MAX_AWAITING_WINDOWS = 96;
export const MAX_RUN_WINDOWS = 96;

function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function hours(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${fmt(ms / 60_000)}min`;
}

/**
 * Where an estimate's band [lower, upper] lies: a breach only when the whole band is past the
 * threshold (upper < threshold when higher is better), so that a window whose realised metric
 * could still be on the good side — sampling noise — never counts as harm.
 */
export function bandVerdict(
  direction: BreachDirection,
  threshold: number,
  lower: number,
  upper: number,
  margin = 0,
): BandVerdict {
  if (direction === 'below') {
    if (upper < threshold) return 'breach';
    return lower >= threshold + margin ? 'clean' : 'band-straddles';
  }
  if (lower > threshold) return 'breach';
  return upper <= threshold - margin ? 'clean' : 'band-straddles';
}

/**
 * Why the labels of the predictions made in the report's window count as missing, or null when its
 * realised metric judges it. The evaluator's report of window W estimates the predictions made in
 * W, but its realised metric, counts and `labelDelay` describe the pairs whose label arrived in W
 * (predictions made `labelDelay` earlier), and it is published once. So labels are missing when
 * too few pairs were labelled in W (`minLabelled`; with an `estimated` block, `minLabelCoverage`
 * of its predictions — the labels that come first are not a fair sample), or, with an `estimated`
 * block, when the pairs labelled in W are older than the horizon at the median (`labels-late`):
 * W's realised metric then describes an earlier window's predictions, which that window's own
 * estimate judged, and counting it would judge those predictions twice. A window without pairs has
 * no `labelDelay`: the counts decide.
 */
export function labelsMissing(
  report: PerformanceReport,
  policy: PerformancePolicy,
): 'too-few-labels' | 'labels-late' | null {
  if (report.labelledCount < policy.minLabelled) return 'too-few-labels';
  const estimated = policy.estimated;
  if (estimated === null) return null;
  if (report.labelCoverage < estimated.minLabelCoverage) return 'too-few-labels';
  if (report.labelDelay !== null && report.labelDelay.p50 > estimated.labelsMissingForMs)
    return 'labels-late';
  return null;
}

/**
 * The window one report shows, judged under the policy at wall-clock `now`: on its realised metric
 * when its labels are there (labelsMissing); else on its estimate — standing in from
 * `labelsMissingFor` after the window's end (before that, AWAITING_LABELS) — when the policy has an
 * `estimated` block and the report an estimate of its metric; else not at all (a skip, which
 * neither counts nor breaks a run).
 */
export function judgeWindow(
  report: PerformanceReport,
  policy: PerformancePolicy,
  now: number,
): PerformanceWindowState | PerformanceSkip {
  const window = { windowStart: report.windowStart, windowEnd: report.windowEnd };
  const below = policy.direction === 'below';
  const missing = labelsMissing(report, policy);
  if (missing === null) {
    const value = report.metrics[policy.metric];
    if (value === undefined || !Number.isFinite(value)) return 'metric-missing';
    const breach = below ? value < policy.threshold : value > policy.threshold;
    const recovered = below
      ? value >= policy.threshold + policy.rearm.margin
      : value <= policy.threshold - policy.rearm.margin;
    return slim({
      ...window,
      basis: 'REALISED',
      breach,
      recovered,
      decideAt: report.windowEnd,
      evidence: {
        kind: 'PERFORMANCE_REPORT',
        reference: report.reportId,
        summary:
          `${policy.metric} ${fmt(value)} ${below ? '<' : '>'} threshold ${fmt(policy.threshold)} ` +
          `(version ${report.modelVersion}, ${report.labelledCount} labelled`,
        values: {
          [policy.metric]: value,
          threshold: policy.threshold,
          labelledCount: report.labelledCount,
          labelCoverage: report.labelCoverage,
          windowStart: report.windowStart,
          windowEnd: report.windowEnd,
        },
      },
    });
  }
  const estimated = policy.estimated;
  if (!estimated) return missing;
  const estimate = report.estimatedMetrics[estimated.metric];
  if (
    estimate === undefined ||
    ![estimate.value, estimate.lower, estimate.upper, estimate.samplingError].every(Number.isFinite)
  ) {
    return missing;
  }
  const late =
    missing === 'labels-late' && report.labelDelay !== null
      ? `; the ${report.labelledCount} pairs labelled in it came ${hours(report.labelDelay.p50)} after their predictions at the median`
      : '';
  const verdict = bandVerdict(
    estimated.direction,
    estimated.threshold,
    estimate.lower,
    estimate.upper,
    policy.rearm.margin,
  );
  const decideAt = report.windowEnd + estimated.labelsMissingForMs;
  const side = estimated.direction === 'below' ? '<' : '>';
  const bound = estimated.direction === 'below' ? 'upper' : 'lower';
  return slim({
    ...window,
    basis: now >= decideAt ? 'ESTIMATED' : 'AWAITING_LABELS',
    breach: verdict === 'breach',
    recovered: verdict === 'clean',
    decideAt,
    evidence: {
      kind: 'ESTIMATED_PERFORMANCE',
      reference: report.reportId,
      summary:
        `estimated ${estimated.metric} ${fmt(estimate.value)} [${fmt(estimate.lower)}, ${fmt(estimate.upper)}] ` +
        `(${report.estimationMethod ?? 'estimate'}, whole band ${verdict === 'breach' ? '' : 'not '}${side} threshold ${fmt(estimated.threshold)}: ${bound} bound ${fmt(estimate[bound])}; ` +
        `labels missing ${hours(estimated.labelsMissingForMs)} after the window's end${late}, version ${report.modelVersion}, ` +
        `${report.labelledCount} of ${report.predictionCount} labelled`,
      values: {
        [estimated.metric]: estimate.value,
        lower: estimate.lower,
        upper: estimate.upper,
        samplingError: estimate.samplingError,
        threshold: estimated.threshold,
        labelledCount: report.labelledCount,
        labelCoverage: report.labelCoverage,
        labelsMissingForMs: estimated.labelsMissingForMs,
        ...(late && report.labelDelay !== null ? { labelDelayP50Ms: report.labelDelay.p50 } : {}),
        windowStart: report.windowStart,
        windowEnd: report.windowEnd,
      },
    },
  });
}

/**
 * Only a breaching window is ever cited by a request: a window that does not breach keeps its
 * reference and, for an estimate, its band (what its outcome is counted by), which keeps the
 * checkpoint small.
 */
function slim(window: PerformanceWindowState): PerformanceWindowState {
  if (window.breach) return window;
  const { kind, reference, values } = window.evidence;
  const band =
    kind === 'ESTIMATED_PERFORMANCE'
      ? { lower: values.lower, upper: values.upper }
      : ({} as Record<string, number>);
  return { ...window, evidence: { kind, reference, summary: '', values: band } };
}

/** Windows ending at or before this are forgotten: their reports are stale. */
function floorOf(state: PerformanceTriggerState): number {
  return state.forgottenThrough ?? state.lastWindowEnd;
}

/**
 * Puts a window's judgement into the version's ledger; true when it was recorded. A window has one
 * entry, its first judgement: the evaluator publishes a window's report once (a re-publication
 * after a crash carries the same reportId and content), and a later window's labels describe this
 * window's predictions only through that later window (labelsMissing). So a report of a window
 * already in the ledger, or older than what the ledger remembers, is a replay and not recorded.
 */
export function recordWindow(state: PerformanceTriggerState, window: PerformanceWindowState): boolean {
  if (window.windowEnd <= floorOf(state)) return false;
  if (state.windows.some((w) => w.windowEnd === window.windowEnd)) return false;
  state.windows.push(window);
  state.windows.sort((a, b) => a.windowEnd - b.windowEnd);
  return true;
}

/** Awaiting windows whose labels' horizon has passed at `now`: their estimates now stand in. */
export function decideOverdue(state: PerformanceTriggerState, now: number): PerformanceWindowState[] {
  const decided: PerformanceWindowState[] = [];
  for (const w of state.windows) {
    if (w.basis === 'AWAITING_LABELS' && w.decideAt <= now) {
      w.basis = 'ESTIMATED';
      decided.push(w);
    }
  }
  return decided;
}

const decided = (w: PerformanceWindowState): boolean => w.basis !== 'AWAITING_LABELS';

/** The newest decided windows of one kind (breaching or not), in window order. */
function trailing(state: PerformanceTriggerState, breach: boolean): PerformanceWindowState[] {
  const run: PerformanceWindowState[] = [];
  for (let i = state.windows.length - 1; i >= 0; i--) {
    const w = state.windows[i];
    if (!decided(w)) continue;
    if (w.breach !== breach) break;
    run.unshift(w);
  }
  return run;
}

/**
 * Counts the K-consecutive-windows rule and its hysteresis over the ledger after `changed` windows
 * were recorded or decided. The run is the newest decided windows that breach, in window order
 * (awaiting windows neither count nor break it); windows of a run that already fired never count
 * toward another request. After firing, the trigger re-arms when a window after it recovers past
 * the threshold by `rearm.margin`, or after `rearm.cleanWindows` consecutive windows without a breach.
 */
export function countRun(
  state: PerformanceTriggerState,
  policy: PerformancePolicy,
  changed: readonly PerformanceWindowState[],
): TriggerStep {
  const firedThrough = state.firedThrough ?? Number.MIN_SAFE_INTEGER;
  const run = trailing(state, true);
  const countable = run.filter((w) => w.windowEnd > firedThrough);
  const clean = trailing(state, false).filter((w) => w.windowEnd > firedThrough);
  state.consecutiveBreaches = run.length;
  state.cleanWindows = state.armed ? 0 : clean.length;
  state.breachEvidence = countable.slice(-policy.consecutiveWindows).map((w) => {
    const position = countable.indexOf(w) + 1;
    return {
      ...w.evidence,
      summary: `${w.evidence.summary}, breach ${position} of ${policy.consecutiveWindows} in a row)`,
      values: {
        ...w.evidence.values,
        consecutiveBreaches: position,
        consecutiveWindows: policy.consecutiveWindows,
      },
    };
  });
  if (!state.armed && clean.length > 0) {
    if (clean.length >= policy.rearm.cleanWindows || clean.some((w) => w.recovered)) {
      state.armed = true;
      state.cleanWindows = 0;
      return 'rearmed';
    }
    return 'clean';
  }
  if (state.armed && countable.length >= policy.consecutiveWindows) return 'fire';
  const breachInRun = changed.some((w) => decided(w) && w.breach && run.includes(w));
  if (!state.armed && breachInRun && run.length >= policy.consecutiveWindows) return 'hysteresis';
  return 'clean';
}

/** The run that fired went into a request: disarm, and keep its windows from counting again. */
export function disarmPerformance(state: PerformanceTriggerState): void {
  state.armed = false;
  state.cleanWindows = 0;
  const run = trailing(state, true);
  if (run.length > 0) state.firedThrough = run[run.length - 1].windowEnd;
}

/**
 * Keeps the ledger bounded: the newest decided windows the rules can still look at (K, the re-arm
 * count, and the current run of breaches up to MAX_RUN_WINDOWS) and the awaiting windows after
 * them, at most MAX_AWAITING_WINDOWS.
 * Windows dropped are forgotten: their later reports are stale.
 */
export function pruneWindows(state: PerformanceTriggerState, policy: PerformancePolicy): void {
  const run = Math.min(trailing(state, true).length, MAX_RUN_WINDOWS);
  const keepDecided = Math.max(policy.consecutiveWindows, policy.rearm.cleanWindows, run);
  const decidedEnds = state.windows.filter(decided).map((w) => w.windowEnd);
  let cut = Number.MIN_SAFE_INTEGER;
  if (decidedEnds.length > keepDecided) cut = decidedEnds[decidedEnds.length - keepDecided];
  const awaiting = state.windows.filter((w) => !decided(w) && w.windowEnd >= cut);
  if (awaiting.length > MAX_AWAITING_WINDOWS) {
    cut = Math.max(cut, awaiting[awaiting.length - MAX_AWAITING_WINDOWS].windowEnd);
  }
  const dropped = state.windows.filter((w) => w.windowEnd < cut);
  if (dropped.length === 0) return;
  state.windows = state.windows.filter((w) => w.windowEnd >= cut);
  state.forgottenThrough = Math.max(floorOf(state), dropped[dropped.length - 1].windowEnd);
}

export interface ConceptDriftAssessment {
  triggered: boolean;
  evidence: Evidence;
}

/** A report's concept-drift detections from the detectors the policy listens to (all when none are listed). */
export function assessConceptDrift(
  policy: ConceptDriftPolicy,
  report: PerformanceReport,
): ConceptDriftAssessment {
  const listened = report.conceptDrift.filter(
    (s) => policy.detectors.length === 0 || policy.detectors.includes(s.detector.toUpperCase()),
  );
  const detected = listened.filter((s) => s.driftDetected || s.detections > 0);
  const values: Record<string, number> = { windowStart: report.windowStart, windowEnd: report.windowEnd };
  for (const s of listened) {
    values[`${s.detector}.detections`] = s.detections;
    values[`${s.detector}.observations`] = s.observations;
    values[`${s.detector}.driftDetected`] = s.driftDetected ? 1 : 0;
  }
  const summary =
    detected.length > 0
      ? `${detected.map((s) => `${s.detector} detected concept drift (${s.detections} detection(s) in the window, ${s.observations} errors seen)`).join('; ')}; version ${report.modelVersion}`
      : `no concept drift detected by ${listened.map((s) => s.detector).join(', ') || 'any detector'}`;
  return {
    triggered: detected.length > 0,
    evidence: { kind: 'CONCEPT_DRIFT', reference: report.reportId, summary, values },
  };
}

/** Hysteresis of the concept-drift trigger: after firing, re-arm after N reports without a detection. */
export function stepConceptDrift(
  state: PerformanceTriggerState,
  triggered: boolean,
  policy: ConceptDriftPolicy,
): TriggerStep {
  if (triggered) {
    state.conceptCleanReports = 0;
    return state.conceptArmed ? 'fire' : 'hysteresis';
  }
  if (state.conceptArmed) return 'clean';
  state.conceptCleanReports += 1;
  if (state.conceptCleanReports >= policy.rearmCleanReports) {
    state.conceptArmed = true;
    state.conceptCleanReports = 0;
    return 'rearmed';
  }
  return 'clean';
}
