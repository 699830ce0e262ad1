import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Gauge } from 'prom-client';
import { type PerformanceReport } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { type BatchStats } from '../join/partition-evaluator';
import { EVALUATOR_CONFIG } from '../tokens';

type VersionLabels = 'model_id' | 'model_version';

/**
 * The evaluator's Prometheus series. Per-version series are bounded: at most EVALUATOR_MAX_SERIES
 * model versions have gauges; reporting a new one beyond that removes the least recently reported
 * version's series.
 */
@Injectable()
export class EvaluatorMetrics {
  private readonly metric: Gauge<VersionLabels | 'metric'>;
  private readonly driftDetections: Counter<VersionLabels>;
  private readonly events: Counter<'event'>;
  private readonly watermark: Gauge<'partition'>;
  private readonly waiting: Gauge<'partition' | 'side'>;
  private readonly reports: Counter<never>;
  private readonly restoredRecords: Counter<'partition'>;
  private readonly restoreSeconds: Gauge<'partition'>;
  /** Reported versions, least recently reported first, with the metric names they have series for. */
  private readonly series = new Map<
    string,
    { modelId: string; modelVersion: string; metrics: Set<string> }
  >();

  constructor(
    metrics: Metrics,
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
  ) {
    this.metric = metrics.gauge(
      'continuum_evaluator_metric',
      'Last closed window of a model version: performance metrics, labelled_count, prediction_count, label_coverage, label_delay_p50_ms/p90/p99/max/mean, baseline_<metric>.',
      ['model_id', 'model_version', 'metric'],
    );
    this.driftDetections = metrics.counter(
      'continuum_evaluator_concept_drift_detections_total',
      "Concept-drift detections on model versions' error streams (in published reports).",
      ['model_id', 'model_version'],
    );
    this.events = metrics.counter(
      'continuum_evaluator_events_total',
      'Join and window events: joined, duplicate_prediction, duplicate_label, late_prediction, late_pair, expired_unlabelled_prediction, expired_unmatched_label, replayed_record, example_published, partial_published, report_published, duplicate_partial, state_gap.',
      ['event'],
    );
    this.watermark = metrics.gauge(
      'continuum_evaluator_watermark_ms',
      'Event-time watermark per partition: min(latest prediction time, latest label time).',
      ['partition'],
    );
    this.waiting = metrics.gauge(
      'continuum_evaluator_waiting_entries',
      'Predictions waiting for a label and labels kept for their horizon, per partition (on disk).',
      ['partition', 'side'],
    );
    this.reports = metrics.counter('continuum_evaluator_reports_total', 'Performance reports published.');
    this.restoredRecords = metrics.counter(
      'continuum_evaluator_state_restored_records_total',
      "ct.evaluator-changelog records read to restore a partition's state that moved to this instance.",
      ['partition'],
    );
    this.restoreSeconds = metrics.gauge(
      'continuum_evaluator_state_restore_seconds',
      "Duration of the partition's last state restore from ct.evaluator-changelog.",
      ['partition'],
    );
  }

  count(event: string, n = 1): void {
    if (n > 0) this.events.inc({ event }, n);
  }

  stateRestored(partition: number, records: number, durationMs: number): void {
    this.restoredRecords.inc({ partition: String(partition) }, records);
    this.restoreSeconds.set({ partition: String(partition) }, durationMs / 1000);
  }

  batch(stats: BatchStats): void {
    this.count('joined', stats.joined);
    this.count('duplicate_prediction', stats.duplicatePredictions);
    this.count('duplicate_label', stats.duplicateLabels);
    this.count('late_prediction', stats.latePredictions);
    this.count('late_pair', stats.latePairs);
    this.count('expired_unlabelled_prediction', stats.expiredPredictions);
    this.count('expired_unmatched_label', stats.expiredLabelsUnmatched);
    this.count('replayed_record', stats.replayed);
  }

  partition(
    partition: number,
    watermark: number | null,
    waitingPredictions: number,
    waitingLabels: number,
  ): void {
    const p = String(partition);
    if (watermark !== null) this.watermark.set({ partition: p }, watermark);
    this.waiting.set({ partition: p, side: 'predictions' }, waitingPredictions);
    this.waiting.set({ partition: p, side: 'labels' }, waitingLabels);
  }

  report(report: PerformanceReport): void {
    this.reports.inc();
    const values: Record<string, number> = {
      ...report.metrics,
      labelled_count: report.labelledCount,
      prediction_count: report.predictionCount,
    };
    if (Number.isFinite(report.labelCoverage)) values.label_coverage = report.labelCoverage;
    if (report.labelDelay) {
      for (const [k, v] of Object.entries(report.labelDelay)) values[`label_delay_${k}_ms`] = v;
    }
    for (const [k, v] of Object.entries(report.baselineMetrics)) values[`baseline_${k}`] = v;
    const detections = report.conceptDrift.reduce((s, d) => s + d.detections, 0);
    values.concept_drift_detections = detections;

    const id = `${report.modelId}\u0000${report.modelVersion}`;
    const labels = { model_id: report.modelId, model_version: report.modelVersion };
    const known = this.series.get(id);
    this.series.delete(id);
    const entry = known ?? {
      ...{ modelId: report.modelId, modelVersion: report.modelVersion },
      metrics: new Set<string>(),
    };
    this.series.set(id, entry);
    for (const name of entry.metrics) if (!(name in values)) this.metric.remove({ ...labels, metric: name });
    entry.metrics = new Set(Object.keys(values));
    for (const [name, v] of Object.entries(values)) this.metric.set({ ...labels, metric: name }, v);
    if (detections > 0) this.driftDetections.inc(labels, detections);
    while (this.series.size > this.config.maxSeries) {
      const [oldest, old] = this.series.entries().next().value as [
        string,
        { modelId: string; modelVersion: string; metrics: Set<string> },
      ];
      this.series.delete(oldest);
      const oldLabels = { model_id: old.modelId, model_version: old.modelVersion };
      for (const name of old.metrics) this.metric.remove({ ...oldLabels, metric: name });
      this.driftDetections.remove(oldLabels);
    }
  }
}
