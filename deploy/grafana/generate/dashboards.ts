/**
 * Writes the Grafana dashboards in deploy/grafana/dashboards/ from this compact description,
 * so panels stay consistent and a unit test can check that every metric a panel queries is
 * one the services really emit. Run: npm run dashboards
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Panel {
  title: string;
  expr: string | string[];
  legend?: string;
  unit?: string;
  kind?: 'timeseries' | 'stat';
  description?: string;
}

interface Row {
  title: string;
  panels: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  file: string;
  rows: Row[];
}

const MODEL = 'model_id=~"$model"';
/** Every panel and variable queries the Prometheus chosen in the dashboard's datasource variable. */
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export const DASHBOARDS: Dashboard[] = [
  {
    uid: 'continuum-models',
    title: 'Continuum — model health',
    file: 'model-health.json',
    rows: [
      {
        title: 'Data drift (monitor)',
        panels: [
          {
            title: 'Drifted features per model',
            expr: `continuum_monitor_drifted_features{${MODEL}}`,
            legend: '{{model_id}} {{source}}',
          },
          {
            title: 'Prediction drift',
            expr: `continuum_monitor_prediction_drifted{${MODEL}}`,
            legend: '{{model_id}}',
          },
          {
            title: 'Drift statistic per feature',
            expr: `continuum_monitor_drift_value{${MODEL}}`,
            legend: '{{model_id}} {{feature}} {{statistic}}',
          },
          {
            title: 'p-value per feature (after correction)',
            expr: `continuum_monitor_drift_p_value{${MODEL}}`,
            legend: '{{model_id}} {{feature}} {{statistic}}',
            description:
              'Below the level α (MONITOR_ALPHA) means the feature drifted; PSI and other statistics without a p-value have no series.',
          },
          {
            title: 'Drifted features per segment',
            expr: `continuum_monitor_segment_drifted_features{${MODEL}}`,
            legend: '{{model_id}} {{source}} {{segment}}',
          },
          {
            title: 'Time since the last drift report',
            expr: `time() - max by (model_id) (continuum_monitor_last_report_timestamp_seconds{${MODEL}})`,
            legend: '{{model_id}}',
            unit: 's',
          },
          {
            title: 'Drifted flag per feature',
            expr: `continuum_monitor_feature_drifted{${MODEL}} == 1`,
            legend: '{{model_id}} {{feature}}',
          },
          {
            title: 'Report latency after window close (p50, p99)',
            expr: [
              'histogram_quantile(0.5, sum by (le) (rate(continuum_monitor_report_latency_seconds_bucket[5m])))',
              'histogram_quantile(0.99, sum by (le) (rate(continuum_monitor_report_latency_seconds_bucket[5m])))',
            ],
            unit: 's',
          },
          {
            title: 'Events windowed / late / skipped',
            expr: 'sum by (source, outcome) (rate(continuum_monitor_events_total[5m]))',
            legend: '{{source}} {{outcome}}',
            unit: 'ops',
          },
        ],
      },
      {
        title: 'Live performance (evaluator)',
        panels: [
          {
            title: 'Performance per model version',
            expr: `continuum_evaluator_performance{${MODEL}}`,
            legend: '{{model_id}} v{{model_version}} {{metric}}',
          },
          {
            title: 'Estimated before labels (CBPE / DLE: value and ±3σ band)',
            expr: `continuum_evaluator_estimated_performance{${MODEL}}`,
            legend: '{{model_id}} v{{model_version}} {{metric}} {{bound}}',
          },
          {
            title: 'Persistence baseline',
            expr: `continuum_evaluator_baseline_performance{${MODEL}}`,
            legend: '{{model_id}} v{{model_version}} {{metric}}',
          },
          {
            title: 'Label coverage',
            expr: `continuum_evaluator_label_coverage_ratio{${MODEL}}`,
            legend: '{{model_id}} v{{model_version}}',
            unit: 'percentunit',
          },
          {
            title: 'Label delay',
            expr: `continuum_evaluator_label_delay_seconds{${MODEL}}`,
            legend: '{{model_id}} v{{model_version}} {{statistic}}',
            unit: 's',
          },
          {
            title: 'Time since the last performance report',
            expr: `time() - max by (model_id) (continuum_evaluator_last_report_timestamp_seconds{${MODEL}})`,
            legend: '{{model_id}}',
            unit: 's',
          },
          {
            title: 'Concept drift detections',
            expr: `sum by (model_id, model_version) (increase(continuum_evaluator_concept_drift_detections_total{${MODEL}}[1h]))`,
            legend: '{{model_id}} v{{model_version}}',
          },
          {
            title: 'Join events',
            expr: 'sum by (event) (rate(continuum_evaluator_events_total[5m]))',
            legend: '{{event}}',
            unit: 'ops',
          },
          {
            title: 'Waiting for their other half (on disk)',
            expr: 'sum by (side) (continuum_evaluator_waiting_entries)',
            legend: '{{side}}',
          },
        ],
      },
      {
        title: 'Retraining (controller)',
        panels: [
          {
            title: 'Retrain requests by reason',
            expr: `sum by (model_id, reason) (increase(continuum_controller_requests_emitted_total{${MODEL}}[1h]))`,
            legend: '{{model_id}} {{reason}}',
          },
          {
            title: 'Signals held back by guards',
            expr: `sum by (guard) (increase(continuum_controller_signals_suppressed_total{${MODEL}}[1h]))`,
            legend: '{{guard}}',
          },
          {
            title: 'Consecutive breaching windows',
            expr: `continuum_controller_consecutive_breaches{${MODEL}}`,
            legend: '{{model_id}}',
          },
        ],
      },
      {
        title: 'The loop (registry, scorer, trainer, promoter)',
        panels: [
          {
            title: 'Model versions by stage',
            expr: 'sum by (stage) (continuum_registry_versions)',
            legend: '{{stage}}',
          },
          {
            title: 'Versions served',
            expr: 'sum by (model, version, stage) (continuum_scorer_served_version)',
            legend: '{{model}} v{{version}} {{stage}}',
          },
          {
            title: 'Scorer latency p99',
            expr: 'histogram_quantile(0.99, sum by (le, model) (rate(continuum_scorer_request_duration_seconds_bucket[5m])))',
            legend: '{{model}}',
            unit: 's',
          },
          {
            title: 'Training runs',
            expr: `sum by (model_id, outcome) (increase(continuum_trainer_runs_total{${MODEL}}[1h]))`,
            legend: '{{model_id}} {{outcome}}',
          },
          {
            title: 'Training run duration p99',
            expr: `histogram_quantile(0.99, sum by (le, model_id) (rate(continuum_trainer_run_duration_seconds_bucket{${MODEL}}[1h])))`,
            legend: '{{model_id}}',
            unit: 's',
          },
          {
            title: 'Promotion evidence: bounds of the mean loss difference',
            expr: [
              `continuum_promoter_test_lower_bound{${MODEL}}`,
              `continuum_promoter_test_upper_bound{${MODEL}}`,
            ],
            legend: '{{model_id}} v{{challenger_version}} {{kind}}',
            description:
              'Champion loss − challenger loss: the challenger is promoted when the lower bound passes the threshold, rejected when the upper bound falls below it.',
          },
          {
            title: 'Promotion decisions',
            expr: `sum by (model_id, decision) (increase(continuum_promoter_decisions_total{${MODEL}}[1h]))`,
            legend: '{{model_id}} {{decision}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'continuum-pipeline',
    title: 'Continuum — pipeline',
    file: 'pipeline.json',
    rows: [
      {
        title: 'Kafka runtime (every service)',
        panels: [
          {
            title: 'Records consumed',
            expr: 'sum by (service, topic) (rate(continuum_consumer_records_total[1m]))',
            legend: '{{service}} {{topic}}',
            unit: 'ops',
          },
          {
            title: 'Dead-lettered records',
            expr: 'sum by (service, topic, kind) (increase(continuum_consumer_dead_lettered_total[5m]))',
            legend: '{{service}} {{topic}} {{kind}}',
          },
          {
            title: 'Consumer lag',
            expr: 'sum by (service, topic) (continuum_consumer_lag)',
            legend: '{{service}} {{topic}}',
          },
          {
            title: 'Batch duration p99',
            expr: 'histogram_quantile(0.99, sum by (le, service, topic) (rate(continuum_consumer_batch_duration_seconds_bucket[5m])))',
            legend: '{{service}} {{topic}}',
            unit: 's',
          },
          {
            title: 'Batch failures (retried)',
            expr: 'sum by (service, topic) (increase(continuum_consumer_batch_failures_total[5m]))',
            legend: '{{service}} {{topic}}',
          },
          {
            title: 'Records published',
            expr: 'sum by (service, topic) (rate(continuum_producer_records_total[1m]))',
            legend: '{{service}} {{topic}}',
            unit: 'ops',
          },
        ],
      },
      {
        title: 'Processes',
        panels: [
          {
            title: 'Resident memory',
            expr: 'process_resident_memory_bytes{job="continuum"}',
            legend: '{{service}}',
            unit: 'bytes',
          },
          {
            title: 'CPU',
            expr: 'rate(process_cpu_seconds_total{job="continuum"}[1m])',
            legend: '{{service}}',
            unit: 'percentunit',
          },
          {
            title: 'Event-loop lag p99',
            expr: 'nodejs_eventloop_lag_p99_seconds{job="continuum"}',
            legend: '{{service}}',
            unit: 's',
          },
        ],
      },
    ],
  },
];

function panelJson(panel: Panel, id: number, x: number, y: number): object {
  const exprs = Array.isArray(panel.expr) ? panel.expr : [panel.expr];
  return {
    id,
    type: panel.kind ?? 'timeseries',
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit: panel.unit ?? 'short' }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: exprs.map((expr, i) => ({
      refId: String.fromCharCode(65 + i),
      expr,
      legendFormat: panel.legend ?? '__auto',
      datasource: DATASOURCE,
    })),
  };
}

export function dashboardJson(dashboard: Dashboard): object {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of dashboard.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      panels.push(panelJson(panel, id++, (i % 2) * 12, y + Math.floor(i / 2) * 8));
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    tags: ['continuum'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        {
          name: 'model',
          label: 'model',
          type: 'query',
          datasource: DATASOURCE,
          query: 'label_values(model_id)',
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
          allValue: '.*',
          refresh: 2,
        },
      ],
    },
    panels,
  };
}

export const DASHBOARD_DIR = join(__dirname, '..', 'dashboards');

if (require.main === module) {
  for (const dashboard of DASHBOARDS) {
    writeFileSync(
      join(DASHBOARD_DIR, dashboard.file),
      `${JSON.stringify(dashboardJson(dashboard), null, 2)}\n`,
    );
    console.log(`wrote ${dashboard.file}`);
  }
}
