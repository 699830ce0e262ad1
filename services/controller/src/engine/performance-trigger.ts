import { type Evidence, type PerformanceReport } from '@continuum/events';
import { type ConceptDriftPolicy, type PerformancePolicy } from '../policy/policy';
import { type TriggerStep } from './data-drift-trigger';
import { type PerformanceTriggerState } from './model-state';

export type PerformanceSkip = 'too-few-labels' | 'metric-missing';

function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/**
 * Advances the K-consecutive-windows rule and its hysteresis by one window. A breach is the metric
 * below the threshold (or above it, for losses and errors). After firing, the trigger re-arms when
 * a window recovers past the threshold by `rearm.margin`, or after `rearm.cleanWindows`
 * consecutive windows without a breach.
 */
export function stepPerformance(
  state: PerformanceTriggerState,
  report: PerformanceReport,
  policy: PerformancePolicy,
): TriggerStep | PerformanceSkip {
  if (report.labelledCount < policy.minLabelled) return 'too-few-labels';
  const value = report.metrics[policy.metric];
  if (value === undefined || !Number.isFinite(value)) return 'metric-missing';
  const below = policy.direction === 'below';
  const breach = below ? value < policy.threshold : value > policy.threshold;
  if (breach) {
    state.consecutiveBreaches += 1;
    state.cleanWindows = 0;
    state.breachEvidence.push({
      kind: 'PERFORMANCE_REPORT',
      reference: report.reportId,
      summary:
        `${policy.metric} ${fmt(value)} ${below ? '<' : '>'} threshold ${fmt(policy.threshold)} ` +
        `(version ${report.modelVersion}, ${report.labelledCount} labelled, breach ${state.consecutiveBreaches} of ${policy.consecutiveWindows} in a row)`,
      values: {
        [policy.metric]: value,
        threshold: policy.threshold,
        consecutiveBreaches: state.consecutiveBreaches,
        consecutiveWindows: policy.consecutiveWindows,
        labelledCount: report.labelledCount,
        labelCoverage: report.labelCoverage,
        windowStart: report.windowStart,
        windowEnd: report.windowEnd,
      },
    });
    if (state.breachEvidence.length > policy.consecutiveWindows) {
      state.breachEvidence.splice(0, state.breachEvidence.length - policy.consecutiveWindows);
    }
    if (state.consecutiveBreaches < policy.consecutiveWindows) return 'clean';
    return state.armed ? 'fire' : 'hysteresis';
  }
  state.consecutiveBreaches = 0;
  state.breachEvidence = [];
  if (state.armed) return 'clean';
  const recovered = below
    ? value >= policy.threshold + policy.rearm.margin
    : value <= policy.threshold - policy.rearm.margin;
  state.cleanWindows += 1;
  if (recovered || state.cleanWindows >= policy.rearm.cleanWindows) {
    state.armed = true;
    state.cleanWindows = 0;
    return 'rearmed';
  }
  return 'clean';
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
