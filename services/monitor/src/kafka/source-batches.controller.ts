import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type FeatureObservation,
  type Prediction,
  screenFeatureObservation,
  screenPrediction,
  validateFeatureObservation,
  validatePrediction,
} from '@continuum/events';
import { type ColumnarBatch } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { PartitionWindowing } from '../windowing/partition-windowing.service';

/**
 * Stage 1's consumers: ct.predictions and ct.features batches go to PartitionWindowing as
 * columns (the columnar reader's arrays, one object per batch; windows are updated column-wise).
 * Records that fail to decode or validate are dead-lettered with the reason before the handler
 * runs. The offsets are stage 1's own (manualCommit): it commits them once the checkpoint that
 * covers them is durable.
 */
@Controller()
export class SourceBatches {
  constructor(private readonly windowing: PartitionWindowing) {}

  @EventPattern('predictions', {
    batch: true,
    columnar: { screen: screenPrediction },
    validate: validatePrediction,
    manualCommit: true,
  } satisfies BatchPatternOptions<Prediction>)
  onPredictions(
    @Payload() batch: ColumnarBatch<Prediction>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    return this.windowing.onPredictions(batch, context.raw);
  }

  @EventPattern('features', {
    batch: true,
    columnar: { screen: screenFeatureObservation },
    validate: validateFeatureObservation,
    manualCommit: true,
  } satisfies BatchPatternOptions<FeatureObservation>)
  onFeatures(
    @Payload() batch: ColumnarBatch<FeatureObservation>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    return this.windowing.onFeatures(batch, context.raw);
  }
}
