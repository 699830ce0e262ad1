import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type LabelledExample } from '@continuum/events';
import { type ConsumedRecord } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { PromoterRuntime } from './promoter-runtime';

/** ct.examples: each batch resolves (its offsets are committed) after the tests it changed are persisted. */
@Controller()
export class ExamplesHandler {
  constructor(private readonly runtime: PromoterRuntime) {}

  @EventPattern('examples', { batch: true } satisfies BatchPatternOptions<LabelledExample>)
  async onExamples(
    @Payload() records: Array<ConsumedRecord<LabelledExample>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    await this.runtime.handleExamples(
      records,
      context.partition,
      (BigInt(context.lastOffset) + 1n).toString(),
    );
  }
}
