import { type Model, decodeModelArtifact, encodeModelArtifact } from '@continuum/learning';
import { type TrainingExample } from '../core/training-example';

/** Examples in the "recent" prequential window. */
export const RECENT_WINDOW = 1000;
/** A learning-curve point every this many examples (the newest 500 points are kept). */
export const CURVE_EVERY = 500;
const CURVE_POINTS = 500;

/** Test-then-train counters, checkpointed with the learner (JSON, versioned). */
export interface PrequentialState {
  version: 1;
  task: 'classification' | 'regression';
  examples: number;
  /** Classification: correct predictions; regression: sum of absolute errors. */
  total: number;
  /** Per-example score of the newest RECENT_WINDOW examples (1/0, or absolute error), a ring. */
  recent: number[];
  recentNext: number;
  curve: Array<{ examples: number; recent: number }>;
}

export function emptyPrequential(task: PrequentialState['task']): PrequentialState {
  return { version: 1, task, examples: 0, total: 0, recent: [], recentNext: 0, curve: [] };
}

/**
 * An online learner: micro-batches of `batchSize` examples, each first predicted and scored
 * (prequential, "test-then-train"), then learned with one partialFit step. The state — model with
 * optimizer state, the pending partial batch excluded — is what a checkpoint stores; a learner
 * restored from it and fed the same examples ends bit-identical to one that never stopped.
 */
export class OnlineLearner {
  private pending: TrainingExample[] = [];

  constructor(
    readonly model: Model,
    readonly batchSize: number,
    readonly prequential: PrequentialState = emptyPrequential(
      model.task === 'regression' ? 'regression' : 'classification',
    ),
  ) {}

  /** Adds one example; learns when a batch is full. Returns whether a batch was learned. */
  add(example: TrainingExample): boolean {
    this.pending.push(example);
    if (this.pending.length < this.batchSize) return false;
    const batch = this.pending;
    this.pending = [];
    this.score(batch);
    this.model.partialFit(batch);
    return true;
  }

  /** Examples waiting for their batch (not part of the learner state). */
  get pendingCount(): number {
    return this.pending.length;
  }

  get examplesLearned(): number {
    return this.prequential.examples;
  }

  private score(batch: readonly TrainingExample[]): void {
    const p = this.prequential;
    const predictions = this.model.predict(batch);
    batch.forEach((e, i) => {
      const s =
        p.task === 'regression'
          ? Math.abs(Number(predictions[i]) - Number(e.label))
          : String(predictions[i]) === String(e.label)
            ? 1
            : 0;
      p.examples++;
      p.total += s;
      if (p.recent.length < RECENT_WINDOW) p.recent.push(s);
      else p.recent[p.recentNext] = s;
      p.recentNext = (p.recentNext + 1) % RECENT_WINDOW;
      if (p.examples % CURVE_EVERY === 0) {
        p.curve.push({ examples: p.examples, recent: this.recentScore() });
        if (p.curve.length > CURVE_POINTS) p.curve.shift();
      }
    });
  }

  /** Mean score of the recent window: accuracy, or MAE for regression. */
  recentScore(): number {
    const r = this.prequential.recent;
    return r.length === 0 ? NaN : r.reduce((a, b) => a + b, 0) / r.length;
  }

  /** Registry metrics: prequential_accuracy / prequential_recent_accuracy (or _mae), examples_learned. */
  metrics(): Record<string, number> {
    const p = this.prequential;
    const name = p.task === 'regression' ? 'mae' : 'accuracy';
    const out: Record<string, number> = { examples_learned: p.examples };
    if (p.examples > 0) {
      out[`prequential_${name}`] = p.total / p.examples;
      out[`prequential_recent_${name}`] = this.recentScore();
    }
    return out;
  }

  /** The learner as artifact bytes (weights, optimizer state, pipeline statistics). */
  encode(metadata: Record<string, unknown>): Uint8Array {
    return encodeModelArtifact(this.model, { strategy: 'ONLINE', ...metadata });
  }

  static restore(bytes: Uint8Array, prequential: PrequentialState, batchSize: number): OnlineLearner {
    return new OnlineLearner(decodeModelArtifact(bytes).model, batchSize, prequential);
  }
}
