import { Injectable } from '@nestjs/common';
import { type Counter, type Gauge, type Histogram } from 'prom-client';
import { Metrics } from '@continuum/observability';

/** The trainer's Prometheus series (model ids come from requests for managed models and the policy). */
@Injectable()
export class TrainerMetrics {
  readonly requests: Counter<'outcome'>;
  readonly runs: Counter<'model_id' | 'outcome'>;
  readonly runDuration: Histogram<'model_id' | 'outcome'>;
  readonly examplesRead: Counter<'model_id'>;
  readonly runProgress: Gauge<'model_id' | 'request_id'>;
  readonly pendingRuns: Gauge;
  readonly examplesAfterChange: Gauge<'model_id' | 'request_id'>;
  readonly statusEvents: Counter<'status'>;
  readonly onlineExamples: Counter<'model_id'>;
  readonly onlineAccuracy: Gauge<'model_id'>;
  readonly onlineSnapshots: Counter<'model_id'>;
  readonly onlineCheckpoints: Counter<'model_id'>;

  constructor(metrics: Metrics) {
    this.requests = metrics.counter(
      'continuum_trainer_requests_total',
      'Retrain requests read, by outcome (accepted, duplicate, not_managed, failed).',
      ['outcome'],
      ['accepted', 'duplicate', 'not_managed'].map((outcome) => ({ outcome })),
    );
    this.runs = metrics.counter(
      'continuum_trainer_runs_total',
      'Finished training runs by outcome (succeeded, failed).',
      ['model_id', 'outcome'],
    );
    this.runDuration = metrics.histogram(
      'continuum_trainer_run_duration_seconds',
      'From taking a run to its SUCCEEDED/FAILED status.',
      ['model_id', 'outcome'],
      [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
    );
    this.examplesRead = metrics.counter(
      'continuum_trainer_examples_read_total',
      "ct.examples records replayed for training windows (all models' records in the ranges).",
      ['model_id'],
    );
    this.runProgress = metrics.gauge(
      'continuum_trainer_run_progress_ratio',
      'Share of the pinned ranges replayed by the running retrain (1 while training and registering).',
      ['model_id', 'request_id'],
    );
    this.pendingRuns = metrics.gauge(
      'continuum_trainer_pending_runs',
      'Accepted runs waiting or running on this instance.',
    );
    this.examplesAfterChange = metrics.gauge(
      'continuum_trainer_examples_after_change',
      'Labelled examples after the change point seen by a change-triggered retrain waiting for them (removed when it trains or fails).',
      ['model_id', 'request_id'],
    );
    this.statusEvents = metrics.counter(
      'continuum_trainer_status_events_total',
      'Status events published to ct.training-runs.',
      ['status'],
    );
    this.onlineExamples = metrics.counter(
      'continuum_trainer_online_examples_total',
      'Examples learned by online learners (partialFit).',
      ['model_id'],
    );
    this.onlineAccuracy = metrics.gauge(
      'continuum_trainer_online_prequential_accuracy',
      'Prequential (test-then-train) accuracy of the online learner over its recent examples (regression: MAE).',
      ['model_id'],
    );
    this.onlineSnapshots = metrics.counter(
      'continuum_trainer_online_snapshots_total',
      'Snapshot versions an online learner registered.',
      ['model_id'],
    );
    this.onlineCheckpoints = metrics.counter(
      'continuum_trainer_online_checkpoints_total',
      'Learner checkpoints written (artifact + positions).',
      ['model_id'],
    );
  }
}
