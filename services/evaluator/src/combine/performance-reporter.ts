import { Inject, Injectable } from '@nestjs/common';
import { type EvaluatorPartial, PerformanceReportContract, topicName } from '@continuum/events';
import { type BatchContext, BatchHandler, type ConsumedRecord, EventProducer } from '@continuum/kafka';
import { LOGGER, type Logger } from '@continuum/observability';
import { PartitionLock } from '../kafka/partition-lock';
import { EvaluatorMetrics } from '../observability/evaluator-metrics';
import { StateStore } from '../state/state-store';
import { PerformanceCombiner } from './performance-combiner';

/**
 * Second stage: merges the partitions' window partials (PerformanceCombiner) and publishes one
 * ct.performance report per model version and window, keyed by modelId, before writing the
 * combiner's state and offset atomically.
 */
@Injectable()
export class PerformanceReporter {
  private readonly combiner: PerformanceCombiner;
  private readonly lock = new PartitionLock();

  constructor(
    private readonly store: StateStore,
    private readonly producer: EventProducer,
    private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.combiner = new PerformanceCombiner(store);
  }

  @BatchHandler('evaluatorPartials')
  async partials(records: Array<ConsumedRecord<EvaluatorPartial>>, context: BatchContext): Promise<void> {
    await this.lock.run('combiner', async () => {
      try {
        const result = await this.combiner.process(records, Date.now());
        if (result.reports.length > 0) {
          await this.producer.send(
            topicName('performance'),
            PerformanceReportContract,
            result.reports.map((r) => ({ key: r.modelId, value: r })),
          );
        }
        await this.store.write(result.ops);
        this.combiner.committed(result);
        for (const r of result.reports) this.metrics.report(r);
        this.metrics.count('report_published', result.reports.length);
        this.metrics.count('duplicate_partial', result.stats.duplicatePartials);
        this.metrics.count('replayed_record', result.stats.replayed);
        if (result.reports.length > 0)
          this.logger.info(
            {
              reports: result.reports.length,
              publishedThrough: result.meta.published,
              partition: context.partition,
            },
            'performance reports published',
          );
      } catch (error) {
        this.combiner.reset();
        throw error;
      }
    });
  }
}
