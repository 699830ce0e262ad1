import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EvaluatorPartial, PerformanceReportContract, topicName } from '@continuum/events';
import { type ConsumedRecord, EventProducer, KeyedSerialQueue } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { EvaluatorMetrics } from '../observability/evaluator-metrics';
import { EstimationReferences } from '../registry/estimation-references';
import { StateStore } from '../state/state-store';
import { CombinerRuntime } from './combiner-runtime';
import { PerformanceCombiner } from './performance-combiner';

/**
 * Second stage: merges the partitions' window partials (PerformanceCombiner) and publishes one
 * ct.performance report per model version and window, keyed by modelId, before writing the
 * combiner's state and offset atomically (the order is CombinerRuntime's).
 */
@Controller()
export class PerformanceReporter {
  private readonly runtime: CombinerRuntime;
  private readonly lock = new KeyedSerialQueue();

  constructor(
    store: StateStore,
    producer: EventProducer,
    private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    estimation: EstimationReferences,
  ) {
    this.runtime = new CombinerRuntime(new PerformanceCombiner(store, estimation), {
      publish: async (reports) => {
        await producer.send(
          topicName('performance'),
          PerformanceReportContract,
          reports.map((r) => ({ key: r.modelId, value: r })),
        );
      },
      write: (ops) => store.write(ops),
    });
  }

  @EventPattern('evaluatorPartials', { batch: true } satisfies BatchPatternOptions<EvaluatorPartial>)
  async partials(
    @Payload() records: Array<ConsumedRecord<EvaluatorPartial>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    await this.lock.run(async () => {
      const result = await this.runtime.handleBatch(records, Date.now());
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
    });
  }
}
