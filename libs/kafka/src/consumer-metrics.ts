import { type Counter, type Gauge, type Histogram } from 'prom-client';
import { type Metrics } from '@continuum/observability';

/** Per-topic consumer series, shared by every BatchConsumer of the process. */
export class ConsumerMetrics {
  readonly recordsIn: Counter<'topic' | 'group'>;
  readonly deadLettered: Counter<'topic' | 'group' | 'kind'>;
  readonly batchDuration: Histogram<'topic' | 'group'>;
  readonly batchFailures: Counter<'topic' | 'group'>;
  readonly lag: Gauge<'topic' | 'group' | 'partition'>;

  constructor(metrics: Metrics) {
    this.recordsIn = metrics.counter(
      'continuum_consumer_records_total',
      'Records consumed and handed to handlers, by topic.',
      ['topic', 'group'],
    );
    this.deadLettered = metrics.counter(
      'continuum_consumer_dead_lettered_total',
      'Records sent to the dead-letter topic, by topic and reason kind.',
      ['topic', 'group', 'kind'],
    );
    this.batchDuration = metrics.histogram(
      'continuum_consumer_batch_duration_seconds',
      'Time to decode, handle, dead-letter and commit one batch.',
      ['topic', 'group'],
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.batchFailures = metrics.counter(
      'continuum_consumer_batch_failures_total',
      'Batches whose handling failed and will be retried.',
      ['topic', 'group'],
    );
    this.lag = metrics.gauge(
      'continuum_consumer_lag',
      'Records between the last handled offset and the high watermark (consumer lag).',
      ['topic', 'group', 'partition'],
    );
  }
}
