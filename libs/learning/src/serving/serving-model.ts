import { createHash } from 'node:crypto';
import {
  decodeModelArtifact,
  type ArtifactExpectation,
  type ModelVersionMetadata,
} from '../artifacts/model-artifact';
import { LearningError } from '../errors';
import type { Example, Label } from '../example';
import type { FeaturePipeline } from '../features/feature-pipeline';
import type { Task } from '../models/labels';
import type { Model, ModelKind } from '../models/model';
import type { EngineChoice } from '../network/create-engine';
import { contractFromPipeline, type ServingContract } from './serving-contract';

/** What a model predicted for one input, in `ct.predictions`' `PredictionOutput` shape. */
export interface ServingOutput {
  /** P(positive class) for a binary model, the value for regression, null for multiclass. */
  readonly score: number | null;
  /** The predicted class (as a string), null for regression. */
  readonly predictedClass: string | null;
  /** Probability per class (classification), empty for regression. */
  readonly classProbabilities: Record<string, number>;
}

/** A serving or warm-up step failed in a way the caller must hear about (bad output, bad artifact). */
export class ServingError extends LearningError {}

export interface LoadServingModelOptions {
  /**
   * Engine for predictions. Default `js`: for the 1–255 rows a request carries, the TypeScript
   * engine is the measured fastest for every model kind (README, "Engines"), and it keeps
   * TensorFlow.js unloaded. `auto` / `tfjs` load tfjs when the model needs it.
   */
  readonly engine?: EngineChoice;
  /** Checked against the artifact's manifest (kind, modelId, classes, pipeline). */
  readonly expect?: ArtifactExpectation;
  /** SHA-256 (hex) the bytes must have, e.g. the registry's artifact reference. */
  readonly sha256?: string;
}

/**
 * A model version ready to serve: an artifact decoded (checksums verified) into a predict
 * function that maps domain inputs to outputs. Synchronous and stateless between calls, so
 * one instance serves every request of a process.
 */
export class ServingModel {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly classes: readonly string[];
  /** The contract the model's own pipeline implies (used when the registry gives none). */
  readonly pipelineContract: ServingContract;
  private disposed = false;

  constructor(
    private readonly model: Model,
    readonly metadata: ModelVersionMetadata,
    /** SHA-256 of the artifact bytes. */
    readonly sha256: string,
  ) {
    this.kind = model.kind;
    this.task = model.task;
    this.classes = model.classes.map((c: Label) => String(c));
    this.pipelineContract = contractFromPipeline(model.pipeline);
  }

  get pipeline(): FeaturePipeline {
    return this.model.pipeline;
  }

  /** The engine computing predictions, e.g. `js`, `tfjs-wasm`. */
  get engine(): string {
    return this.model.engineName;
  }

  /**
   * Predicts a batch. Throws the pipeline's InvalidInputError (naming the example and feature)
   * on inputs the pipeline refuses, ServingError once disposed.
   */
  predict(inputs: readonly Example[]): ServingOutput[] {
    if (this.disposed) throw new ServingError('model is disposed');
    const rows = inputs.length;
    if (rows === 0) return [];
    const raw = this.model.predictRaw(inputs);
    const out: ServingOutput[] = new Array(rows);
    const classes = this.classes;
    if (this.task === 'regression') {
      for (let r = 0; r < rows; r++) out[r] = { score: raw[r], predictedClass: null, classProbabilities: {} };
    } else if (this.task === 'binary') {
      const [negative, positive] = classes;
      for (let r = 0; r < rows; r++) {
        const p = raw[r];
        out[r] = {
          score: p,
          // The model's own decision rule (Model.decode): positive above 0.5.
          predictedClass: p > 0.5 ? positive : negative,
          classProbabilities: { [negative]: 1 - p, [positive]: p },
        };
      }
    } else {
      const k = classes.length;
      for (let r = 0; r < rows; r++) {
        const probabilities: Record<string, number> = {};
        let best = 0;
        for (let j = 0; j < k; j++) {
          const p = raw[r * k + j];
          probabilities[classes[j]] = p;
          if (p > raw[r * k + best]) best = j;
        }
        out[r] = { score: null, predictedClass: classes[best], classProbabilities: probabilities };
      }
    }
    return out;
  }

  /** Releases the engine's resources (tfjs tensors); predict() fails afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

/**
 * Artifact bytes (libs/learning's single-file form, as the trainer stores them) → a model ready
 * to serve. Verifies the optional whole-file SHA-256, then the artifact's own manifest and weight
 * checksums, format and expectations (ArtifactCorruptError / ArtifactMismatchError naming the part).
 */
export function loadServingModel(bytes: Uint8Array, options: LoadServingModelOptions = {}): ServingModel {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (options.sha256 !== undefined && options.sha256.toLowerCase() !== sha256)
    throw new ServingError(`artifact SHA-256 ${sha256} does not match the expected ${options.sha256}`);
  const loaded = decodeModelArtifact(bytes, { engine: options.engine ?? 'js', expect: options.expect });
  return new ServingModel(loaded.model, loaded.metadata, sha256);
}
