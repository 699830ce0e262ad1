import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Gauge } from 'prom-client';
import { type PerformanceReport } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { type EvaluatorConfig } from '../evaluator.config';
import { type BatchStats } from '../join/partition-evaluator';
import { EVALUATOR_CONFIG } from '../tokens';

type VersionLabels = 'model_id' | 'model_version';

interface VersionSeries {
  labels: Record<VersionLabels, string>;
  metrics: string[];
  baselineMetrics: string[];
  delayStatistics: string[];
  estimatedMetrics: string[];
}

/** The estimate and its ±3σ band (continuum_evaluator_estimated_performance's `bound` label). */
const ESTIMATE_BOUNDS = ['value', 'lower', 'upper'] as const;

/** The join and window events counted in continuum_evaluator_events_total (each starts at 0). */
const JOIN_EVENTS = [
  'joined',
  'duplicate_prediction',
  'duplicate_label',
  'late_prediction',
  'late_pair',
  'expired_unlabelled_prediction',
  'expired_unmatched_label',
  'replayed_record',
  'example_published',
  'partial_published',
  'report_published',
  'duplicate_partial',
  'state_gap',
];

/**
 * The evaluator's Prometheus series. Per-version series are bounded: at most EVALUATOR_MAX_SERIES
 * model versions have gauges; reporting a new one beyond that removes the least recently reported
 * version's series.
 */
@Injectable()
export class EvaluatorMetrics {
  private readonly performance: Gauge<VersionLabels | 'metric'>;
  private readonly baseline: Gauge<VersionLabels | 'metric'>;
  private readonly estimated: Gauge<VersionLabels | 'metric' | 'bound'>;
  private readonly predictions: Gauge<VersionLabels>;
  private readonly labelledPairs: Gauge<VersionLabels>;
  private readonly labelCoverage: Gauge<VersionLabels>;
  private readonly labelDelay: Gauge<VersionLabels | 'statistic'>;
  private readonly lastReport: Gauge<VersionLabels>;
  private readonly driftDetections: Counter<VersionLabels>;
  private readonly events: Counter<'event'>;
  private readonly watermark: Gauge<'partition'>;
  private readonly waiting: Gauge<'partition' | 'side'>;
  private readonly reports: Counter<never>;
  private readonly restoredRecords: Counter<'partition'>;
  private readonly restoreSeconds: Gauge<'partition'>;
  private readonly repartitioned: Counter<'topic'>;
  /** Reported versions, least recently reported first, with the label values of their series. */
  private readonly series = new Map<string, VersionSeries>();

  constructor(
    metrics: Metrics,
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
  ) {
    const version = ['model_id', 'model_version'] as const;
    this.performance = metrics.gauge(
      'continuum_evaluator_performance',
      "Performance metrics of a model version's last closed window (accuracy, f1, roc_auc, log_loss…; mae, rmse in the label's unit), by metric.",
      [...version, 'metric'],
    );
    this.baseline = metrics.gauge(
      'continuum_evaluator_baseline_performance',
      "The same metrics for the persistence baseline (predict the last seen label) over the version's last closed window.",
      [...version, 'metric'],
    );
    this.estimated = metrics.gauge(
      'continuum_evaluator_estimated_performance',
      "Performance of a model version's last closed window estimated from its predictions alone, before labels (CBPE: accuracy, f1, roc_auc; DLE: mae, rmse in the label's unit), by metric and bound: value, lower and upper (the ±3 sampling-error band).",
      [...version, 'metric', 'bound'],
    );
    this.predictions = metrics.gauge(
      'continuum_evaluator_window_predictions',
      "Predictions in the version's last closed window.",
      version,
    );
    this.labelledPairs = metrics.gauge(
      'continuum_evaluator_window_labelled_pairs',
      "Predictions joined with their label in the version's last closed window.",
      version,
    );
    this.labelCoverage = metrics.gauge(
      'continuum_evaluator_label_coverage_ratio',
      "Labelled pairs / predictions in the version's last closed window.",
      version,
    );
    this.labelDelay = metrics.gauge(
      'continuum_evaluator_label_delay_seconds',
      "Label delay (label time - prediction time) in the version's last closed window, by statistic: p50, p90, p99, max, mean.",
      [...version, 'statistic'],
    );
    this.lastReport = metrics.gauge(
      'continuum_evaluator_last_report_timestamp_seconds',
      'When the last performance report of the version was published (Unix time).',
      version,
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
      JOIN_EVENTS.map((event) => ({ event })),
    );
    this.watermark = metrics.gauge(
      'continuum_evaluator_watermark_timestamp_seconds',
      'Event-time watermark per partition (Unix time): min(latest prediction time, latest label time).',
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
    this.repartitioned = metrics.counter(
      'continuum_evaluator_repartitioned_events_total',
      'Predictions and labels read on a partition other than murmur2(eventId) (a producer with another partitioner), re-routed through ct.evaluator-repartition, by source topic.',
      ['topic'],
    );
  }

  count(event: string, n = 1): void {
    if (n > 0) this.events.inc({ event }, n);
  }

  stateRestored(partition: number, records: number, durationMs: number): void {
    this.restoredRecords.inc({ partition: String(partition) }, records);
    this.restoreSeconds.set({ partition: String(partition) }, durationMs / 1000);
  }

  repartitionedEvents(topic: string, n: number): void {
    if (n > 0) this.repartitioned.inc({ topic }, n);
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
    if (watermark !== null) this.watermark.set({ partition: p }, watermark / 1000);
    this.waiting.set({ partition: p, side: 'predictions' }, waitingPredictions);
    this.waiting.set({ partition: p, side: 'labels' }, waitingLabels);
  }

  report(report: PerformanceReport, publishedAt = Date.now()): void {
    this.reports.inc();
    const labels = { model_id: report.modelId, model_version: report.modelVersion };
    const id = `${report.modelId}\u0000${report.modelVersion}`;
    const known = this.series.get(id);
    if (known) this.removeWindowSeries(known);
    this.series.delete(id);
    const entry: VersionSeries = {
      labels,
      metrics: Object.keys(report.metrics),
      baselineMetrics: Object.keys(report.baselineMetrics),
      delayStatistics: report.labelDelay ? Object.keys(report.labelDelay) : [],
      estimatedMetrics: Object.keys(report.estimatedMetrics),
    };
    this.series.set(id, entry);
    for (const [metric, v] of Object.entries(report.metrics)) this.performance.set({ ...labels, metric }, v);
    for (const [metric, v] of Object.entries(report.baselineMetrics))
      this.baseline.set({ ...labels, metric }, v);
    for (const [metric, m] of Object.entries(report.estimatedMetrics))
      for (const bound of ESTIMATE_BOUNDS) this.estimated.set({ ...labels, metric, bound }, m[bound]);
    this.predictions.set(labels, report.predictionCount);
    this.labelledPairs.set(labels, report.labelledCount);
    if (Number.isFinite(report.labelCoverage)) this.labelCoverage.set(labels, report.labelCoverage);
    for (const [statistic, ms] of Object.entries(report.labelDelay ?? {}))
      this.labelDelay.set({ ...labels, statistic }, ms / 1000);
    this.lastReport.set(labels, publishedAt / 1000);
    const detections = report.conceptDrift.reduce((s, d) => s + d.detections, 0);
    if (detections > 0) this.driftDetections.inc(labels, detections);
    while (this.series.size > this.config.maxSeries) {
      const [oldest, old] = this.series.entries().next().value as [string, VersionSeries];
      this.series.delete(oldest);
      this.removeWindowSeries(old);
      this.lastReport.remove(old.labels);
      this.driftDetections.remove(old.labels);
    }
  }

  /** Removes a version's window series, so a metric absent from its next report does not linger. */
  private removeWindowSeries({
    labels,
    metrics,
    baselineMetrics,
    delayStatistics,
    estimatedMetrics,
  }: VersionSeries): void {
    for (const metric of estimatedMetrics)
      for (const bound of ESTIMATE_BOUNDS) this.estimated.remove({ ...labels, metric, bound });
    for (const metric of metrics) this.performance.remove({ ...labels, metric });
    for (const metric of baselineMetrics) this.baseline.remove({ ...labels, metric });
    for (const statistic of delayStatistics) this.labelDelay.remove({ ...labels, statistic });
    for (const gauge of [this.predictions, this.labelledPairs, this.labelCoverage]) gauge.remove(labels);
  }
}
