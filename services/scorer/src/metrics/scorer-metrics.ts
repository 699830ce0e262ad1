import { Injectable } from '@nestjs/common';
import { Metrics } from '@continuum/observability';
import { type ReconcilerListener } from '../serving/model-reconciler';
import { type PublisherListener } from '../serving/prediction-publisher';
import { type ScorerObserver } from '../serving/scorer';

const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The scorer's Prometheus series; also the observer the pure core reports to. */
@Injectable()
export class ScorerMetrics {
  readonly observer: ScorerObserver;
  readonly reconciler: ReconcilerListener;
  readonly publisher: PublisherListener;

  constructor(metrics: Metrics) {
    const latency = metrics.histogram(
      'continuum_scorer_request_duration_seconds',
      'Predict request latency per model and serving version, prediction published included (seconds).',
      ['model', 'version', 'status'],
      LATENCY_BUCKETS,
    );
    const requests = metrics.counter(
      'continuum_scorer_requests_total',
      'Predict requests by model, version and outcome (OK, INVALID_INPUT, UNKNOWN_MODEL, MODEL_UNAVAILABLE, OVERLOADED, ERROR).',
      ['model', 'version', 'status'],
    );
    const predictions = metrics.counter(
      'continuum_scorer_predictions_total',
      'Predictions made, by model, version and role (CHAMPION answers callers, SHADOW is only published).',
      ['model', 'version', 'role'],
    );
    const errors = metrics.counter(
      'continuum_scorer_errors_total',
      'Failures: prediction errors, shadow errors, predictions not published.',
      ['model', 'version', 'kind'],
    );
    const violations = metrics.counter(
      'continuum_scorer_contract_violations_total',
      "Inputs violating the model's contract, per feature and kind.",
      ['model', 'version', 'feature', 'kind'],
    );
    const shadowLag = metrics.histogram(
      'continuum_scorer_shadow_lag_seconds',
      "Time from the champion's answer until a shadow scored the same events (seconds).",
      ['model', 'version'],
      [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    );
    const shadowDropped = metrics.counter(
      'continuum_scorer_shadow_dropped_total',
      'Events not shadow-scored because the shadow queue was full.',
      ['model'],
    );
    const loads = metrics.counter(
      'continuum_scorer_model_loads_total',
      'Version loads (artifact fetched, checksum verified, warmed up) by outcome.',
      ['model', 'version', 'stage', 'outcome'],
    );
    const loadSeconds = metrics.histogram(
      'continuum_scorer_model_load_seconds',
      'Time to fetch, verify, decode and warm up a version (seconds).',
      ['model'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    const served = metrics.gauge(
      'continuum_scorer_served_version',
      '1 for each version this instance serves, by stage (CHAMPION or SHADOW).',
      ['model', 'version', 'stage'],
    );
    const shadowGauge = new Map<string, string[]>();
    const swaps = metrics.counter('continuum_scorer_champion_swaps_total', 'Champion changes applied.', [
      'model',
    ]);

    // The stage a request spends waiting for the broker: one produce call (acks=all) per group
    // commit, per producer of the pool, and how many predictions shared it.
    const produceSeconds = metrics.histogram(
      'continuum_scorer_produce_seconds',
      'One produce call of predictions to ct.predictions until the broker acknowledged it, per producer of the pool (seconds).',
      ['producer'],
      LATENCY_BUCKETS,
    );
    const producedRecords = metrics.counter(
      'continuum_scorer_produced_records_total',
      'Predictions acknowledged by the broker (served and shadow), per producer; per produce call: divide by continuum_scorer_produce_seconds_count.',
      ['producer'],
    );
    const callsInFlight = metrics.gauge(
      'continuum_scorer_produce_calls_in_flight',
      'Produce calls to ct.predictions in flight (at most SCORER_PUBLISH_PRODUCERS, one per producer).',
    );
    callsInFlight.set(0);
    this.publisher = {
      sent: (records, ms, producer) => {
        produceSeconds.observe({ producer: String(producer) }, ms / 1000);
        producedRecords.inc({ producer: String(producer) }, records);
      },
      callsInFlight: (calls) => callsInFlight.set(calls),
    };
    this.observer = {
      scored: (model, version, status, events, seconds) => {
        latency.observe({ model, version, status }, seconds);
        requests.inc({ model, version, status });
        if (status === 'OK') predictions.inc({ model, version, role: 'CHAMPION' }, events);
        if (status === 'ERROR') errors.inc({ model, version, kind: 'request' });
      },
      rejected: (model, status) => requests.inc({ model, version: '', status }),
      violation: (model, version, feature, kind) => violations.inc({ model, version, feature, kind }),
      shadowScored: (model, version, events, lag) => {
        predictions.inc({ model, version, role: 'SHADOW' }, events);
        shadowLag.observe({ model, version }, lag);
      },
      shadowFailed: (model, version) => errors.inc({ model, version, kind: 'shadow' }),
      shadowDropped: (model, events) => shadowDropped.inc({ model }, events),
      publishFailed: (model, role, events) =>
        errors.inc({ model, version: '', kind: `publish_${role.toLowerCase()}` }, events),
    };
    this.reconciler = {
      loaded: (model, version, stage, ms) => {
        loads.inc({ model, version, stage, outcome: 'loaded' });
        loadSeconds.observe({ model }, ms / 1000);
      },
      loadFailed: (model, version, stage) => loads.inc({ model, version, stage, outcome: 'failed' }),
      championChanged: (model, from, to) => {
        if (from !== null) served.remove({ model, version: from, stage: 'CHAMPION' });
        if (to !== null) {
          served.remove({ model, version: to, stage: 'SHADOW' });
          served.set({ model, version: to, stage: 'CHAMPION' }, 1);
        }
        swaps.inc({ model });
      },
      shadowsChanged: (model, shadows) => {
        for (const version of shadowGauge.get(model) ?? [])
          served.remove({ model, version, stage: 'SHADOW' });
        for (const version of shadows) served.set({ model, version, stage: 'SHADOW' }, 1);
        shadowGauge.set(model, shadows);
      },
    };
  }
}
