import { Inject, Injectable } from '@nestjs/common';
import { type Counter } from 'prom-client';
import { type Prediction, validatePrediction } from '@continuum/events';
import { BatchHandler, type ConsumedRecord } from '@continuum/kafka';
import { Metrics } from '@continuum/observability';
import { MONITOR_CONFIG } from '../tokens';
import { type MonitorConfig } from '../monitor.config';

/** Counts predictions per model, with a bounded number of model_id label values. */
@Injectable()
export class PredictionCounter {
  private readonly predictions: Counter<'model_id'>;
  private readonly known = new Set<string>();

  constructor(
    metrics: Metrics,
    @Inject(MONITOR_CONFIG) private readonly config: MonitorConfig,
  ) {
    this.predictions = metrics.counter(
      'continuum_monitor_predictions_total',
      'Predictions consumed, by model.',
      ['model_id'],
    );
  }

  @BatchHandler('predictions', { validate: validatePrediction })
  async count(records: Array<ConsumedRecord<Prediction>>): Promise<void> {
    const perModel = new Map<string, number>();
    for (const { value } of records) perModel.set(value.modelId, (perModel.get(value.modelId) ?? 0) + 1);
    for (const [modelId, n] of perModel) this.predictions.inc({ model_id: this.label(modelId) }, n);
  }

  private label(modelId: string): string {
    if (this.known.has(modelId)) return modelId;
    if (this.known.size >= this.config.maxModels) return 'other';
    this.known.add(modelId);
    return modelId;
  }
}
