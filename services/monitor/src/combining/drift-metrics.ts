import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Gauge, type Histogram } from 'prom-client';
import { type DriftReport } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { type MonitorConfig } from '../monitor.config';
import { ALL_TRAFFIC, type Stream } from '../streams/stream-identity';
import { MONITOR_CONFIG } from '../tokens';

/** Late events, counted by stage 1 (kind late, dropped) and stage 2 (kind after_report). */
export const LATE_EVENTS_METRIC = {
  name: 'continuum_monitor_late_events_total',
  help: "Late events: late (stage 1: missed some of their windows, still in later ones), dropped (stage 1: every window they belonged to had closed on their partition), after_report (stage 2: their partial arrived after the window was reported). Dropped and after_report events are in the stream's next report's lateEvents.",
} as const;

/**
 * Prometheus view of the drift reports, with bounded cardinality: segment '*' only, the first
 * MONITOR_MAX_MODELS models, the first MONITOR_MAX_FEATURES_PER_MODEL features of each model.
 */
@Injectable()
export class DriftMetrics {
  private readonly value: Gauge<'model_id' | 'source' | 'feature' | 'statistic'>;
  private readonly featureDrifted: Gauge<'model_id' | 'source' | 'feature'>;
  private readonly pValue: Gauge<'model_id' | 'source' | 'feature' | 'statistic'>;
  private readonly segmentDrifted: Gauge<'model_id' | 'source' | 'segment'>;
  private readonly lastReport: Gauge<'model_id' | 'source'>;
  private readonly segments = new Map<string, Set<string>>();
  private readonly driftedFeatures: Gauge<'model_id' | 'source'>;
  private readonly predictionDrifted: Gauge<'model_id'>;
  private readonly windowEvents: Gauge<'model_id' | 'source'>;
  private readonly reports: Counter<'source'>;
  private readonly latency: Histogram;
  private readonly lateParts: Counter;
  private readonly lateEvents: Counter<'source' | 'kind'>;
  private readonly models = new Set<string>();
  private readonly features = new Map<string, Map<string, string>>();

  constructor(
    metrics: Metrics,
    @Inject(MONITOR_CONFIG) private readonly config: MonitorConfig,
  ) {
    this.value = metrics.gauge(
      'continuum_monitor_drift_value',
      "Drift statistic of each feature in the model's latest reported window (segment '*').",
      ['model_id', 'source', 'feature', 'statistic'],
    );
    this.featureDrifted = metrics.gauge(
      'continuum_monitor_feature_drifted',
      "1 when the feature drifted in the model's latest reported window (segment '*').",
      ['model_id', 'source', 'feature'],
    );
    this.pValue = metrics.gauge(
      'continuum_monitor_drift_p_value',
      "p-value of each feature's test in the model's latest reported window, after the multiple-testing correction (segment '*'; statistics without a p-value, e.g. PSI, have no series).",
      ['model_id', 'source', 'feature', 'statistic'],
    );
    this.segmentDrifted = metrics.gauge(
      'continuum_monitor_segment_drifted_features',
      "Features that drifted in the latest reported window of each segment ('key=value'; '*' is all traffic), at most MONITOR_MAX_SEGMENTS_PER_KEY segments per model.",
      ['model_id', 'source', 'segment'],
    );
    this.lastReport = metrics.gauge(
      'continuum_monitor_last_report_timestamp_seconds',
      "When the model's latest drift report (any segment) was published (Unix time).",
      ['model_id', 'source'],
    );
    this.driftedFeatures = metrics.gauge(
      'continuum_monitor_drifted_features',
      "Features that drifted in the model's latest reported window (segment '*').",
      ['model_id', 'source'],
    );
    this.predictionDrifted = metrics.gauge(
      'continuum_monitor_prediction_drifted',
      "1 when the model's output drifted in its latest reported window (segment '*').",
      ['model_id'],
    );
    this.windowEvents = metrics.gauge(
      'continuum_monitor_window_events',
      "Events in the model's latest reported window (segment '*').",
      ['model_id', 'source'],
    );
    this.reports = metrics.counter(
      'continuum_monitor_reports_total',
      'Drift reports published (every segment).',
      ['source'],
    );
    this.latency = metrics.histogram(
      'continuum_monitor_report_latency_seconds',
      'Processing time from the moment the last source partition passed a window end (its progress record) to the report being published.',
      [],
      [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    );
    this.lateParts = metrics.counter(
      'continuum_monitor_late_partials_total',
      "Window partials that arrived after their window was reported (an idle partition's records reached the broker after the window had waited for it): their new events count in the stream's next report.",
    );
    this.lateEvents = metrics.counter(LATE_EVENTS_METRIC.name, LATE_EVENTS_METRIC.help, ['source', 'kind']);
  }

  latePartials(partials: number, source: Stream['subject']['source'], events: number): void {
    this.lateParts.inc(partials);
    const label = source === 'FEATURES' ? 'features' : 'predictions';
    this.lateEvents.inc({ source: label, kind: 'after_report' }, events);
  }

  reported(
    stream: Stream,
    report: DriftReport,
    closableSince: number | undefined,
    publishedAt: number,
  ): void {
    const source = stream.subject.source === 'FEATURES' ? 'features' : 'predictions';
    this.reports.inc({ source });
    if (closableSince !== undefined) this.latency.observe(Math.max(0, publishedAt - closableSince) / 1000);
    const modelId = report.modelId;
    if (!this.models.has(modelId)) {
      if (this.models.size >= this.config.maxModels) return;
      this.models.add(modelId);
    }
    const model_id = modelId;
    this.lastReport.set({ model_id, source }, publishedAt / 1000);
    const segmentsKey = `${modelId}\u0000${source}`;
    let segments = this.segments.get(segmentsKey);
    if (!segments) this.segments.set(segmentsKey, (segments = new Set()));
    if (segments.has(stream.segment) || segments.size < this.config.maxSegmentsPerKey + 1) {
      segments.add(stream.segment);
      this.segmentDrifted.set({ model_id, source, segment: stream.segment }, report.driftedFeatures);
    }
    if (stream.segment !== ALL_TRAFFIC) return;
    let known = this.features.get(`${modelId}\u0000${source}`);
    if (!known) this.features.set(`${modelId}\u0000${source}`, (known = new Map()));
    for (const f of report.features) {
      const statistic = known.get(f.feature);
      if (statistic === undefined && known.size >= this.config.maxFeaturesPerModel) continue;
      if (statistic !== undefined && statistic !== f.statistic) {
        this.value.remove({ model_id, source, feature: f.feature, statistic });
        this.pValue.remove({ model_id, source, feature: f.feature, statistic });
      }
      known.set(f.feature, f.statistic);
      this.value.set({ model_id, source, feature: f.feature, statistic: f.statistic }, f.value);
      this.featureDrifted.set({ model_id, source, feature: f.feature }, f.drifted ? 1 : 0);
      const p = f.adjustedPValue ?? f.pValue;
      if (p !== null) this.pValue.set({ model_id, source, feature: f.feature, statistic: f.statistic }, p);
      else this.pValue.remove({ model_id, source, feature: f.feature, statistic: f.statistic });
    }
    this.driftedFeatures.set({ model_id, source }, report.driftedFeatures);
    this.windowEvents.set({ model_id, source }, report.eventCount);
    if (report.prediction) this.predictionDrifted.set({ model_id }, report.prediction.drifted ? 1 : 0);
  }
}
