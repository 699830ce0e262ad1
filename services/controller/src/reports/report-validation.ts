import { type DriftReport, type PerformanceReport } from '@continuum/events';

/**
 * Domain checks Avro cannot express. A message names the field; the runtime dead-letters the
 * record with it. NaN metrics are not errors (e.g. ROC AUC of a one-class window): the metric is
 * then treated as missing for that window.
 */
function checkWindow(report: {
  reportId: string;
  modelId: string;
  modelVersion: string;
  windowStart: number;
  windowEnd: number;
}): string | undefined {
  if (report.reportId.length === 0) return 'reportId is empty';
  if (report.modelId.length === 0) return 'modelId is empty';
  if (report.modelVersion.length === 0) return 'modelVersion is empty';
  if (!Number.isFinite(report.windowEnd) || report.windowEnd < report.windowStart) {
    return `windowEnd ${report.windowEnd} is before windowStart ${report.windowStart}`;
  }
  return undefined;
}

export function validateDriftReport(report: DriftReport): string | undefined {
  const window = checkWindow(report);
  if (window) return window;
  if (report.segment.length === 0) return 'segment is empty';
  const names = new Set<string>();
  for (const f of report.features) {
    if (names.has(f.feature)) return `feature '${f.feature}' appears twice`;
    names.add(f.feature);
  }
  return undefined;
}

export function validatePerformanceReport(report: PerformanceReport): string | undefined {
  const window = checkWindow(report);
  if (window) return window;
  if (report.labelledCount < 0) return `labelledCount ${report.labelledCount} is negative`;
  for (const s of report.conceptDrift) {
    if (s.detections < 0) return `conceptDrift '${s.detector}' detections ${s.detections} is negative`;
  }
  return undefined;
}
