import type { Task } from '../models/labels';

/**
 * A reference predictor evaluated beside every model: it predicts from the labels seen so
 * far only. Outputs use the network's head format (P(positive), class probabilities, value).
 */
export interface Baseline {
  readonly name: string;
  /** Writes the prediction for the next example into `out` at `offset`. */
  predictInto(out: Float32Array, offset: number): void;
  /** Reveals the next example's label (class index or value). */
  learn(target: number): void;
}

/**
 * Persistence ("last value") baseline: predicts the most recently seen label, with
 * probability 1 for classification; before any label it predicts the uniform distribution
 * (or 0). On drifting streams with autocorrelated labels it is often hard to beat (Žliobaitė
 * et al., "Evaluation methods and decision theory for classification of streaming data with
 * temporal dependence", Machine Learning 98, 2015). Being a hard predictor, its log loss
 * reaches -log(eps) on every miss.
 */
export class PersistenceBaseline implements Baseline {
  readonly name = 'persistence';
  private last: number | null = null;

  constructor(
    readonly task: Task,
    readonly classes: number,
  ) {}

  predictInto(out: Float32Array, offset: number): void {
    if (this.task === 'regression') out[offset] = this.last ?? 0;
    else if (this.task === 'binary') out[offset] = this.last === null ? 0.5 : this.last;
    else
      for (let c = 0; c < this.classes; c++)
        out[offset + c] = this.last === null ? 1 / this.classes : c === this.last ? 1 : 0;
  }

  learn(target: number): void {
    this.last = target;
  }
}

/**
 * Prior ("no skill") baseline: the running class frequencies with add-one smoothing, or the
 * running mean of the target — the best constant prediction given the labels so far.
 */
export class PriorBaseline implements Baseline {
  readonly name = 'prior';
  private readonly counts: Float64Array;
  private n = 0;
  private mean = 0;

  constructor(
    readonly task: Task,
    readonly classes: number,
  ) {
    this.counts = new Float64Array(task === 'regression' ? 0 : classes);
  }

  predictInto(out: Float32Array, offset: number): void {
    if (this.task === 'regression') {
      out[offset] = this.mean;
      return;
    }
    const denom = this.n + this.classes;
    if (this.task === 'binary') out[offset] = (this.counts[1] + 1) / denom;
    else for (let c = 0; c < this.classes; c++) out[offset + c] = (this.counts[c] + 1) / denom;
  }

  learn(target: number): void {
    this.n++;
    if (this.task === 'regression') this.mean += (target - this.mean) / this.n;
    else this.counts[target] += 1;
  }
}
