import type { EngineInit, FullBatchObjective, NetworkEngine, TrainBatch } from './engine';
import { JsNetwork } from './js-network';
import type { OptimizerState } from './optimizer';
import type { NetworkSpec } from './spec';
import { TfjsNetwork } from './tfjs-network';

/**
 * Runs each call on whichever engine is faster for its batch size: the TypeScript engine
 * below `threshold` rows, tfjs at or above it. Parameters and optimizer state live in one
 * engine at a time and are copied across when the choice changes, so a stream of equal-
 * sized micro-batches pays the copy once. Measured on this project's bench (README): for an
 * MLP with 20 inputs the wasm backend overtakes the TypeScript loops from about 256 rows.
 */
export class HybridNetwork implements NetworkEngine {
  readonly spec: NetworkSpec;
  private readonly js: JsNetwork;
  private tfjs: TfjsNetwork | null = null;
  private owner: 'js' | 'tfjs' = 'js';

  constructor(
    private readonly init: EngineInit,
    readonly threshold: number,
  ) {
    this.spec = init.spec;
    this.js = new JsNetwork(init);
  }

  get name(): string {
    return `hybrid(js<${this.threshold}<=${this.tfjs?.name ?? 'tfjs'})`;
  }

  predict(x: Float32Array, rows: number): Float32Array {
    // Reading parameters does not move them: predict where they currently are.
    return this.current().predict(x, rows);
  }

  trainStep(batch: TrainBatch): void {
    this.engine(batch.rows >= this.threshold ? 'tfjs' : 'js').trainStep(batch);
  }

  loss(batch: TrainBatch): number {
    return this.current().loss(batch);
  }

  createObjective(batch: TrainBatch): FullBatchObjective {
    return this.engine(batch.rows >= this.threshold ? 'tfjs' : 'js').createObjective(batch);
  }

  getParameters(): Float32Array[] {
    return this.current().getParameters();
  }

  setParameters(parameters: readonly Float32Array[]): void {
    this.engine('js').setParameters(parameters);
  }

  getOptimizerState(): OptimizerState {
    return this.current().getOptimizerState();
  }

  setOptimizerState(state: OptimizerState): void {
    this.engine('js').setOptimizerState(state);
  }

  dispose(): void {
    this.js.dispose();
    this.tfjs?.dispose();
  }

  private current(): NetworkEngine {
    return this.owner === 'js' ? this.js : (this.tfjs as TfjsNetwork);
  }

  /** Returns the engine `which`, moving the parameters and optimizer state to it first. */
  private engine(which: 'js' | 'tfjs'): NetworkEngine {
    if (which === this.owner) return this.current();
    const from = this.current();
    const params = from.getParameters();
    const state = from.getOptimizerState();
    if (which === 'tfjs') {
      if (this.tfjs === null)
        this.tfjs = new TfjsNetwork({ ...this.init, parameters: params, optimizerState: state });
      else {
        this.tfjs.setParameters(params);
        this.tfjs.setOptimizerState(state);
      }
    } else {
      this.js.setParameters(params);
      this.js.setOptimizerState(state);
    }
    this.owner = which;
    return this.current();
  }
}
