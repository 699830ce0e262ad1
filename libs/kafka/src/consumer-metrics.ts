import { type Counter, type Gauge, type Histogram } from 'prom-client';
import { type Metrics } from '@continuum/observability';
import { DEAD_LETTER_KINDS } from './dead-letter';

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

  /** Starts a subscribed topic's counters at 0, so that rates and alerts on them exist before the first event. */
  topicSubscribed(topic: string, group: string): void {
    this.recordsIn.inc({ topic, group }, 0);
    this.batchFailures.inc({ topic, group }, 0);
    for (const kind of DEAD_LETTER_KINDS) this.deadLettered.inc({ topic, group, kind }, 0);
  }

  /**
   * Lag of each assigned partition from the group's committed offset (the low watermark when none),
   * set at assignment: a consumer that never gets a batch through still shows its lag. Partitions no
   * longer assigned lose their series.
   */
  assigned(
    group: string,
    lags: ReadonlyArray<{ topic: string; partition: number; lag: number }>,
    previous: ReadonlyArray<{ topic: string; partition: number }>,
  ): void {
    const now = new Set(lags.map((l) => `${l.topic}\u0000${l.partition}`));
    for (const p of previous)
      if (!now.has(`${p.topic}\u0000${p.partition}`))
        this.lag.remove({ topic: p.topic, group, partition: String(p.partition) });
    for (const l of lags) this.lag.set({ topic: l.topic, group, partition: String(l.partition) }, l.lag);
  }
}
