import { Inject, Injectable } from '@nestjs/common';
import { type Counter } from 'prom-client';
import { type Prediction } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { MONITOR_CONFIG } from '../tokens';
import { type MonitorConfig } from '../monitor.config';

/**
 * Counts predictions per model, with a bounded number of model_id label values. Called by stage 1
 * for each prediction it windows (replays below a checkpoint's offset are not counted again).
 */
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

  count(predictions: ReadonlyArray<Pick<Prediction, 'modelId'>>): void {
    const perModel = new Map<string, number>();
    for (const p of predictions) perModel.set(p.modelId, (perModel.get(p.modelId) ?? 0) + 1);
    for (const [modelId, n] of perModel) this.predictions.inc({ model_id: this.label(modelId) }, n);
  }

  /** The model's label value: its id for the first MONITOR_MAX_MODELS models, 'other' after. */
  label(modelId: string): string {
    if (this.known.has(modelId)) return modelId;
    if (this.known.size >= this.config.maxModels) return 'other';
    this.known.add(modelId);
    return modelId;
  }
}
