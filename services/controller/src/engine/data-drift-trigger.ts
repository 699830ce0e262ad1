import { type DriftReport, type Evidence, type FeatureDrift } from '@continuum/events';
import { type DataDriftPolicy } from '../policy/policy';
import { type DataDriftTriggerState } from './model-state';

/** At most this many drifted features are itemised in one piece of evidence. */
const MAX_FEATURES_IN_EVIDENCE = 25;

export interface DataDriftAssessment {
  /** The trigger condition: at least m features drifted, or the prediction drifted (if enabled). */
  triggered: boolean;
  evidence: Evidence;
}

function num(value: number | null): string {
  if (value === null) return 'n/a';
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toPrecision(3) : value.toExponential(2);
}

function describe(f: FeatureDrift): string {
  const p = f.adjustedPValue ?? f.pValue;
  return `${f.feature} ${f.statistic}=${num(f.value)}${p === null ? '' : ` p=${num(p)}`}`;
}

function featureValues(values: Record<string, number>, prefix: string, f: FeatureDrift): void {
  values[`${prefix}.value`] = f.value;
  values[`${prefix}.threshold`] = f.threshold;
  if (f.pValue !== null) values[`${prefix}.pValue`] = f.pValue;
  if (f.adjustedPValue !== null) values[`${prefix}.adjustedPValue`] = f.adjustedPValue;
  if (f.effectSize !== null) values[`${prefix}.effectSize`] = f.effectSize;
}

/**
 * Judges one drift report against the policy. The monitor's `drifted` flags already include the
 * multiple-testing correction and effect-size floors, so the controller counts flags only.
 */
export function assessDriftReport(policy: DataDriftPolicy, report: DriftReport): DataDriftAssessment {
  const drifted = report.features.filter((f) => f.drifted);
  const m = policy.minDriftedFeatures;
  const byFeatures = m !== null && drifted.length >= m;
  const byPrediction = policy.predictionDrift && report.prediction?.drifted === true;
  const values: Record<string, number> = {
    driftedFeatures: drifted.length,
    features: report.features.length,
    eventCount: report.eventCount,
    windowStart: report.windowStart,
    windowEnd: report.windowEnd,
  };
  if (m !== null) values.minDriftedFeatures = m;
  for (const f of drifted.slice(0, MAX_FEATURES_IN_EVIDENCE))
    featureValues(values, `feature.${f.feature}`, f);
  if (report.prediction) featureValues(values, 'prediction', report.prediction);
  const parts = [
    `${drifted.length} of ${report.features.length} features drifted` +
      (m === null ? '' : ` (trigger at ${m})`) +
      (drifted.length > 0
        ? `: ${drifted.slice(0, MAX_FEATURES_IN_EVIDENCE).map(describe).join(', ')}` +
          (drifted.length > MAX_FEATURES_IN_EVIDENCE ? ', ...' : '')
        : ''),
  ];
  if (report.prediction?.drifted) parts.push(`prediction drifted: ${describe(report.prediction)}`);
  parts.push(
    `version ${report.modelVersion}, segment '${report.segment}', ${report.correction} correction, ` +
      `${report.referenceKind.toLowerCase()} reference`,
  );
  return {
    triggered: byFeatures || byPrediction,
    evidence: { kind: 'DRIFT_REPORT', reference: report.reportId, summary: parts.join('; '), values },
  };
}

export type TriggerStep = 'fire' | 'hysteresis' | 'clean' | 'rearmed';

/**
 * Advances the hysteresis of a drift trigger by one report. A trigger that fired stays disarmed
 * until `rearmCleanReports` consecutive reports without the condition.
 */
export function stepDataDrift(
  state: DataDriftTriggerState,
  triggered: boolean,
  policy: DataDriftPolicy,
): TriggerStep {
  if (triggered) {
    state.cleanReports = 0;
    return state.armed ? 'fire' : 'hysteresis';
  }
  if (state.armed) return 'clean';
  state.cleanReports += 1;
  if (state.cleanReports >= policy.rearmCleanReports) {
    state.armed = true;
    state.cleanReports = 0;
    return 'rearmed';
  }
  return 'clean';
}
