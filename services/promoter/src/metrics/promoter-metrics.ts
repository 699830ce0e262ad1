import { Injectable } from '@nestjs/common';
import { type Counter, type Gauge } from 'prom-client';
import { Metrics } from '@continuum/observability';

/** The promoter's Prometheus series; model ids come from the registry (bounded by its models). */
@Injectable()
export class PromoterMetrics {
  readonly decisions: Counter<'model_id' | 'decision' | 'actor'>;
  readonly infraChecks: Counter<'model_id' | 'outcome'>;
  readonly examples: Counter<'outcome'>;
  readonly testPairs: Gauge<'model_id' | 'challenger_version' | 'kind'>;
  readonly testLower: Gauge<'model_id' | 'challenger_version' | 'kind'>;
  readonly testUpper: Gauge<'model_id' | 'challenger_version' | 'kind'>;
  readonly runningTests: Gauge;
  readonly manualCalls: Counter<'action' | 'status'>;

  constructor(metrics: Metrics) {
    this.decisions = metrics.counter(
      'continuum_promoter_decisions_total',
      'Decisions published on ct.promotions, by model, decision (PROMOTE, REJECT, ROLLBACK) and actor (promoter or manual).',
      ['model_id', 'decision', 'actor'],
    );
    this.infraChecks = metrics.counter(
      'continuum_promoter_infra_checks_total',
      'Infrastructure checks of candidates, by outcome (passed, failed).',
      ['model_id', 'outcome'],
    );
    this.examples = metrics.counter(
      'continuum_promoter_examples_total',
      'ct.examples records read, by outcome (paired, pending, replayed_after_restart, not_under_test).',
      ['outcome'],
      ['paired', 'replayed_after_restart', 'not_under_test'].map((outcome) => ({ outcome })),
    );
    this.testPairs = metrics.gauge(
      'continuum_promoter_test_pairs',
      'Paired events of each running test (GATE: challenger vs champion; WATCH: new vs previous champion).',
      ['model_id', 'challenger_version', 'kind'],
    );
    this.testLower = metrics.gauge(
      'continuum_promoter_test_lower_bound',
      'Lower bound of the confidence sequence of champion loss − challenger loss.',
      ['model_id', 'challenger_version', 'kind'],
    );
    this.testUpper = metrics.gauge(
      'continuum_promoter_test_upper_bound',
      'Upper bound of the confidence sequence of champion loss − challenger loss.',
      ['model_id', 'challenger_version', 'kind'],
    );
    this.runningTests = metrics.gauge('continuum_promoter_running_tests', 'Tests and watches running.');
    this.manualCalls = metrics.counter(
      'continuum_promoter_manual_calls_total',
      'Manual promote/reject/rollback calls, by action and HTTP status.',
      ['action', 'status'],
    );
  }
}
