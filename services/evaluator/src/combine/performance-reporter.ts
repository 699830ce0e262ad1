import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EvaluatorPartial, PerformanceReportContract, topicName } from '@continuum/events';
import { type ConsumedRecord, EventProducer, KeyedSerialQueue } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { EvaluatorMetrics } from '../observability/evaluator-metrics';
import { StateStore } from '../state/state-store';
import { PerformanceCombiner } from './performance-combiner';

/**
 * Second stage: merges the partitions' window partials (PerformanceCombiner) and publishes one
 * ct.performance report per model version and window, keyed by modelId, before writing the
 * combiner's state and offset atomically.
 */
@Controller()
export class PerformanceReporter {
  private readonly combiner: PerformanceCombiner;
  private readonly lock = new KeyedSerialQueue();

  constructor(
    private readonly store: StateStore,
    private readonly producer: EventProducer,
    private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.combiner = new PerformanceCombiner(store);
  }

  @EventPattern('evaluatorPartials', { batch: true } satisfies BatchPatternOptions<EvaluatorPartial>)
  async partials(
    @Payload() records: Array<ConsumedRecord<EvaluatorPartial>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    await this.lock.run(async () => {
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
