import { Injectable } from '@nestjs/common';
import { type Counter, type Gauge } from 'prom-client';
import { Metrics } from '@continuum/observability';
import { type ReportOutcome, type SignalOutcome } from '../engine/retrain-engine';

/** Guards a signal can be stopped by (dedup: merged into another request; already_emitted: a replay). */
const SUPPRESSING: Record<string, string> = {
  hysteresis: 'hysteresis',
  cooldown: 'cooldown',
  budget: 'budget',
  merged: 'dedup',
  'already-emitted': 'already_emitted',
};

/**
 * The controller's Prometheus series. Model ids come only from the policy file (reports for other
 * models are counted without one), so label cardinality is bounded by the policy.
 */
@Injectable()
export class ControllerMetrics {
  readonly requestsEmitted: Counter<'model_id' | 'reason'>;
  readonly signalsSuppressed: Counter<'model_id' | 'reason' | 'guard'>;
  readonly signalsRaised: Counter<'model_id' | 'reason'>;
  readonly reports: Counter<'topic' | 'outcome'>;
  readonly windowsSkipped: Counter<'model_id' | 'why'>;
  readonly consecutiveBreaches: Gauge<'model_id' | 'model_version'>;
  readonly estimatedWindows: Counter<'model_id' | 'outcome'>;
  readonly windowsAwaitingLabels: Gauge<'model_id' | 'model_version'>;
  readonly pendingRequests: Gauge;
  readonly manualCalls: Counter<'status'>;
  readonly scheduleSlots: Counter<'model_id' | 'outcome'>;
  readonly checkpoints: Counter<'outcome'>;
  readonly ownedPartitions: Gauge;
  private readonly breachSeries = new Set<string>();
  private readonly awaitingSeries = new Set<string>();

  constructor(metrics: Metrics) {
    this.requestsEmitted = metrics.counter(
      'continuum_controller_requests_emitted_total',
      'Retrain requests emitted to the requests topic, by model and (primary) reason.',
      ['model_id', 'reason'],
    );
    this.signalsRaised = metrics.counter(
      'continuum_controller_signals_total',
      'Trigger firings (a trigger condition met while armed, or held by hysteresis), by model and reason.',
      ['model_id', 'reason'],
    );
    this.signalsSuppressed = metrics.counter(
      'continuum_controller_signals_suppressed_total',
      'Trigger signals that did not become a request of their own, by guard: hysteresis, cooldown, budget, dedup (merged into another request), already_emitted (a replay after a restart).',
      ['model_id', 'reason', 'guard'],
    );
    this.reports = metrics.counter(
      'continuum_controller_reports_total',
      'Drift and performance reports consumed, by topic and outcome (applied, unknown_model, no_trigger, segment_not_watched, stale_window, not_champion).',
      ['topic', 'outcome'],
    );
    this.windowsSkipped = metrics.counter(
      'continuum_controller_windows_skipped_total',
      'Performance windows the metric rule could not judge (too_few_labels; labels_late: its labelled pairs older than labelsMissingFor and no estimate; metric_missing).',
      ['model_id', 'why'],
    );
    this.consecutiveBreaches = metrics.gauge(
      'continuum_controller_consecutive_breaches',
      'Current run of consecutive windows breaching the performance threshold, per model version.',
      ['model_id', 'model_version'],
    );
    this.estimatedWindows = metrics.counter(
      'continuum_controller_estimated_windows_total',
      'Windows judged on estimated performance because their labels were missing past the policy horizon, by outcome: breach (the whole band past the threshold), band_straddles, clean.',
      ['model_id', 'outcome'],
    );
    this.windowsAwaitingLabels = metrics.gauge(
      'continuum_controller_windows_awaiting_labels',
      'Windows with an estimate whose labels are missing but not yet for the policy horizon (labelsMissingFor), per model version.',
      ['model_id', 'model_version'],
    );
    this.pendingRequests = metrics.gauge(
      'continuum_controller_pending_requests',
      'Requests waiting for their de-duplication interval to end.',
    );
    this.manualCalls = metrics.counter(
      'continuum_controller_manual_calls_total',
      'POST /models/{id}/retrain calls by outcome.',
      ['status'],
    );
    this.scheduleSlots = metrics.counter(
      'continuum_controller_schedule_slots_total',
      'Cron slots handled: fired (then guarded like any signal) or initialized (first slot seen, not fired).',
      ['model_id', 'outcome'],
    );
    this.checkpoints = metrics.counter(
      'continuum_controller_checkpoints_total',
      'State-topic checkpoint writes by outcome (written, failed).',
      ['outcome'],
      [{ outcome: 'written' }, { outcome: 'failed' }],
    );
    this.ownedPartitions = metrics.gauge(
      'continuum_controller_owned_partitions',
      'Report-topic partitions (and so models) this instance owns and has loaded.',
    );
  }

  signal(outcome: SignalOutcome): void {
    const labels = { model_id: outcome.modelId, reason: outcome.reason };
    this.signalsRaised.inc(labels);
    const guard = SUPPRESSING[outcome.disposition];
    if (guard) this.signalsSuppressed.inc({ ...labels, guard });
  }

  report(topic: string, outcome: ReportOutcome): void {
    this.reports.inc({ topic, outcome: outcome.ignored?.replace(/-/g, '_') ?? 'applied' });
    for (const why of outcome.skipped)
      this.windowsSkipped.inc({ model_id: outcome.modelId, why: why.replace(/-/g, '_') });
    this.decisions(outcome);
  }

  /** The estimated windows and signals of a report, or of the labels' horizon passing on a tick. */
  decisions(outcome: ReportOutcome): void {
    for (const e of outcome.estimates ?? [])
      this.estimatedWindows.inc({ model_id: outcome.modelId, outcome: e.replace(/-/g, '_') });
    for (const s of outcome.signals) this.signal(s);
  }

  /** Replaces the consecutive-breach series (versions evicted from the state disappear). */
  setConsecutiveBreaches(values: VersionCount[]): void {
    replaceSeries(this.consecutiveBreaches, this.breachSeries, values);
  }

  /** Replaces the awaiting-labels series. */
  setWindowsAwaitingLabels(values: VersionCount[]): void {
    replaceSeries(this.windowsAwaitingLabels, this.awaitingSeries, values);
  }
}

export interface VersionCount {
  modelId: string;
  modelVersion: string;
  count: number;
}

/** Sets one gauge series per model version and removes the series of versions no longer listed. */
function replaceSeries(
  gauge: Gauge<'model_id' | 'model_version'>,
  series: Set<string>,
  values: VersionCount[],
): void {
  const current = new Set<string>();
  for (const v of values) {
    const key = `${v.modelId}\u0000${v.modelVersion}`;
    current.add(key);
    gauge.set({ model_id: v.modelId, model_version: v.modelVersion }, v.count);
  }
  for (const key of series) {
    if (current.has(key)) continue;
    const [modelId, modelVersion] = key.split('\u0000');
    gauge.remove({ model_id: modelId, model_version: modelVersion });
  }
  series.clear();
  for (const key of current) series.add(key);
}
