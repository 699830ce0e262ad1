import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type FeatureObservation,
  type Prediction,
  validateFeatureObservation,
  validatePrediction,
} from '@continuum/events';
import { type ConsumedRecord } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { PartitionWindowing } from '../windowing/partition-windowing.service';

/**
 * Stage 1's consumers: ct.predictions and ct.features batches go to PartitionWindowing. The offsets
 * are stage 1's own (manualCommit): it commits them once the checkpoint that covers them is durable.
 */
@Controller()
export class SourceBatches {
  constructor(private readonly windowing: PartitionWindowing) {}

  @EventPattern('predictions', {
    batch: true,
    validate: validatePrediction,
    manualCommit: true,
  } satisfies BatchPatternOptions<Prediction>)
  onPredictions(
    @Payload() records: Array<ConsumedRecord<Prediction>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    return this.windowing.onPredictions(records, context.raw);
  }

  @EventPattern('features', {
    batch: true,
    validate: validateFeatureObservation,
    manualCommit: true,
  } satisfies BatchPatternOptions<FeatureObservation>)
  onFeatures(
    @Payload() records: Array<ConsumedRecord<FeatureObservation>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    return this.windowing.onFeatures(records, context.raw);
  }
}
