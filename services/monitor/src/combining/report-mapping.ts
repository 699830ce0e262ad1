import {
  type DriftEvaluationOptions,
  type DriftReport as WindowDriftReport,
  type FeatureDrift as WindowFeatureDrift,
  type ReferenceProfile,
  type WindowProfile,
} from '@continuum/drift';
import { type DriftReport, type FeatureDrift } from '@continuum/events';
import { referenceTag, type ResolvedReference } from '../references/resolved-reference';
import { ALL_TRAFFIC, type Stream } from '../streams/stream-identity';
import { type PendingWindow } from './combiner-state';
import { mergeStates } from './segment-choice';

const CORRECTIONS = {
  'benjamini-hochberg': 'BENJAMINI_HOCHBERG',
  bonferroni: 'BONFERRONI',
  none: 'NONE',
} as const;

/**
 * The report's segment: the stream's segment for predictions; prefixed with `features:` for
 * feature observations, which describe all the model's traffic rather than a version's
 * predictions (so a consumer watching segment '*' is not sent both).
 */
export function reportSegment(stream: Stream): string {
  return stream.subject.source === 'FEATURES' ? `features:${stream.segment}` : stream.segment;
}

/** Deterministic: the same stream, window and reference always give the same id. */
export function reportId(stream: Stream, start: number, end: number, referenceId: string): string {
  const { modelId, source, modelVersion } = stream.subject;
  const version = source === 'FEATURES' ? 'features' : `v${modelVersion}`;
  return `drift|${modelId}|${version}|${stream.segment}|${start}-${end}|${referenceTag(referenceId)}`;
}

/** How one window of a stream is judged (pure). */
export interface SegmentJudgement {
  /** evaluateDrift's options for the segment: its reference; nothing tested when too small. */
  readonly options: Pick<DriftEvaluationOptions, 'segment' | 'minSampleSize' | 'smallReferenceRows'>;
  readonly tooSmallToJudge: boolean;
}

/**
 * A segment's window (not '*') is compared with its own segment's reference from the profile (the
 * global one when the profile has none: the report says segmentFallback), with the p-value tests
 * (KS, chi-square, Z, whatever the reference's size) whose thresholds come from the sampling
 * distribution at the window's size — a fixed distance threshold (Wasserstein, JS ≥ 0.1) is crossed
 * by noise alone in a segment of a few hundred events (issue 13: 9 of 234 segment-windows of ~500
 * events) — and is not tested at all below `minSegmentEvents` events.
 */
export function judgeSegment(stream: Stream, eventCount: number, minSegmentEvents: number): SegmentJudgement {
  if (stream.segment === ALL_TRAFFIC) return { options: {}, tooSmallToJudge: false };
  const tooSmall = eventCount < minSegmentEvents;
  const options = { segment: stream.segment, smallReferenceRows: Infinity };
  return {
    options: tooSmall ? { ...options, minSampleSize: Infinity } : options,
    tooSmallToJudge: tooSmall,
  };
}

function featureDrift(f: WindowFeatureDrift): FeatureDrift {
  return {
    feature: f.feature,
    featureType: f.featureType,
    statistic: f.statistic,
    value: f.value,
    pValue: f.pValue,
    adjustedPValue: f.adjustedPValue,
    threshold: f.threshold,
    effectSize: f.effectSize,
    drifted: f.drifted,
    sampleSize: f.sampleSize,
  };
}

/** Maps libs/drift's report of one window onto the ct.drift-reports record. */
export function toDriftReportEvent(
  report: WindowDriftReport,
  context: {
    stream: Stream;
    start: number;
    end: number;
    reference: ResolvedReference;
    producedAt: number;
    /** Events of the stream dropped as late since its previous report. */
    lateEvents: number;
    /** The segment had fewer events than the minimum segment size: no feature was tested. */
    tooSmallToJudge?: boolean;
  },
): DriftReport {
  const { stream, start, end, reference } = context;
  return {
    reportId: reportId(stream, start, end, reference.id),
    modelId: stream.subject.modelId,
    modelVersion: stream.subject.source === 'FEATURES' ? reference.modelVersion : stream.subject.modelVersion,
    segment: reportSegment(stream),
    windowStart: start,
    windowEnd: end,
    eventCount: report.eventCount,
    lateEvents: context.lateEvents,
    referenceKind: reference.kind,
    referenceCount: report.referenceCount,
    referenceSegment: report.referenceSegment,
    segmentFallback: report.segmentFallback,
    tooSmallToJudge: context.tooSmallToJudge ?? false,
    correction: CORRECTIONS[report.correction],
    features: report.features.map(featureDrift),
    prediction: report.prediction ? featureDrift(report.prediction) : null,
    driftedFeatures: report.driftedFeatures,
    dataQuality: report.dataQuality
      .filter((q) => q.role === 'input')
      .map((q) => ({
        feature: q.feature,
        count: q.count,
        missingRate: q.missingRate,
        outOfRangeRate: q.outOfRangeRate,
        // With a truncated reference vocabulary "unseen" cannot be told from "rare": the share
        // outside the tracked categories is what can be measured.
        unseenCategoryRate: q.unseenCategoryRate ?? q.otherCategoryRate,
        typeViolations: q.typeViolations,
      })),
    contractViolations: report.contractViolations.map((v) => ({ ...v })),
    producedAt: context.producedAt,
  };
}

/**
 * Merges a window's partials of one reference IN SOURCE-PARTITION ORDER: sketch merges are
 * order-sensitive, so every deployment (one instance or many) merges identically.
 */
export function mergePartials(
  profile: ReferenceProfile,
  window: PendingWindow,
  referenceId: string,
): WindowProfile {
  const parts = [...window.parts.entries()]
    .filter(([, p]) => p.partial.referenceId === referenceId)
    .sort((a, b) => a[0] - b[0])
    .map(([, p]) => p.partial);
  return mergeStates(profile, { start: window.start, end: window.end }, parts);
}

/** The references a window's partials were built against, in first-partition order. */
export function referencesOf(window: PendingWindow): string[] {
  const ids: string[] = [];
  for (const [, p] of [...window.parts.entries()].sort((a, b) => a[0] - b[0])) {
    if (!ids.includes(p.partial.referenceId)) ids.push(p.partial.referenceId);
  }
  return ids;
}
