import { createHash } from 'node:crypto';
import { ArtifactCorruptError, ArtifactMismatchError, LearningError } from '../errors';
import type { Label } from '../example';
import { FeaturePipeline, type FeaturePipelineState } from '../features/feature-pipeline';
import type { EngineChoice } from '../network/create-engine';
import { slotCount, type OptimizerState } from '../network/optimizer';
import { parameterShapes, validateNetworkSpec } from '../network/spec';
import type { Model, ModelConfig, ModelKind } from '../models/model';
import { restoreModel } from '../models/restore';

export const ARTIFACT_FORMAT = 'continuum-model';
export const ARTIFACT_FORMAT_VERSION = 1;
/** First 8 bytes of the single-file form. */
export const ARTIFACT_MAGIC = 'CTMODEL\n';

/**
 * How a learner's version was trained: the registry's TrainingStrategy (@continuum/events) without
 * EXTERNAL, which no artifact of this library can be. Named apart from it so that the two types
 * never meet under one name.
 */
export type LearnerTrainingStrategy = 'ONLINE' | 'WARM_START' | 'FULL';

/**
 * What a model version records about itself beyond topology, weights and pipeline
 * (MLflow's run metadata, roughly). All fields optional; extra fields are kept as given
 * (they must be JSON).
 */
export interface ModelVersionMetadata {
  readonly modelId?: string;
  readonly version?: string;
  readonly parentVersion?: string | null;
  readonly strategy?: LearnerTrainingStrategy;
  /** The training window: strategy, count, start/end event times, details (see WindowSelection). */
  readonly window?: Readonly<Record<string, unknown>>;
  /** Evaluation results (e.g. an EvaluationReport's model and baseline metrics). */
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly createdAt?: string;
  readonly [extra: string]: unknown;
}

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /** Offset in the weights blob, in bytes. */
  readonly offset: number;
}

/** The JSON manifest (`manifest.json` of a directory artifact). */
export interface ArtifactManifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly model: ModelConfig;
  readonly pipeline: FeaturePipelineState;
  readonly training: { readonly examplesSeen: number; readonly optimizerStep: number };
  /** Parameters first (network order), then optimizer slots as `<slot k>/<parameter name>`. */
  readonly tensors: readonly TensorEntry[];
  readonly weights: { readonly bytes: number; readonly sha256: string };
  readonly metadata: ModelVersionMetadata;
  /** SHA-256 of this manifest's JSON without this field. */
  readonly manifestSha256?: string;
}

/** What the caller expects to load; any difference is an ArtifactMismatchError. */
export interface ArtifactExpectation {
  readonly kind?: ModelKind;
  readonly modelId?: string;
  /** `FeaturePipeline.signature()` of the pipeline the caller encodes with. */
  readonly pipelineSignature?: string;
  readonly classes?: readonly Label[];
}

export interface LoadedModel {
  readonly model: Model;
  readonly metadata: ModelVersionMetadata;
  readonly manifest: ArtifactManifest;
}

export interface LoadOptions {
  readonly expect?: ArtifactExpectation;
  /** Engine for the loaded model (default: the one it was saved with). */
  readonly engine?: EngineChoice;
}

/** The two parts of an artifact: the manifest's JSON text and the weights blob. */
export interface ArtifactParts {
  readonly manifest: string;
  readonly weights: Uint8Array;
}

/**
 * Serialises a model version: topology and training config, feature pipeline with its
 * statistics, parameters and optimizer state (float32, little-endian), metadata, and
 * SHA-256 checksums of the weights and of the manifest itself.
 */
export function modelToArtifactParts(model: Model, metadata: ModelVersionMetadata = {}): ArtifactParts {
  const state = model.getState();
  const shapes = parameterShapes(model.config.network);
  const tensors: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  const push = (name: string, shape: readonly number[], values: Float32Array) => {
    tensors.push({ name, shape: [...shape], dtype: 'float32', offset });
    arrays.push(values);
    offset += values.length * 4;
  };
  shapes.forEach((s, i) => push(s.name, s.shape, state.parameters[i]));
  state.optimizerState.slots.forEach((slot, k) =>
    shapes.forEach((s, i) => push(`slot_${k}/${s.name}`, s.shape, slot[i])),
  );
  const weights = new Uint8Array(offset);
  const view = new DataView(weights.buffer);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++, o += 4) view.setFloat32(o, a[i], true);
  const body: ArtifactManifest = {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    model: model.config,
    pipeline: model.pipeline.toJSON(),
    training: { examplesSeen: state.examplesSeen, optimizerStep: state.optimizerState.step },
    tensors,
    weights: { bytes: weights.length, sha256: sha256(weights) },
    metadata: { ...metadata },
  };
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    throw new LearningError('metadata must be JSON-serialisable', { cause: error });
  }
  const manifest = JSON.stringify({ ...body, manifestSha256: sha256(json) }, null, 1);
  return { manifest, weights };
}

/** Parses and verifies an artifact's parts and rebuilds the model. */
export function modelFromArtifactParts(parts: ArtifactParts, options: LoadOptions = {}): LoadedModel {
  let parsed: ArtifactManifest;
  try {
    parsed = JSON.parse(parts.manifest) as ArtifactManifest;
  } catch (error) {
    throw new ArtifactCorruptError('manifest', 'not valid JSON', { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object')
    throw new ArtifactCorruptError('manifest', 'not a JSON object');
  const { manifestSha256, ...body } = parsed;
  if (typeof manifestSha256 !== 'string') throw new ArtifactCorruptError('manifest', 'no manifestSha256');
  if (sha256(JSON.stringify(body)) !== manifestSha256)
    throw new ArtifactCorruptError(
      'manifest',
      'SHA-256 does not match manifestSha256: the manifest was altered',
    );
  if (body.format !== ARTIFACT_FORMAT)
    throw new ArtifactMismatchError('format', ARTIFACT_FORMAT, body.format);
  if (body.formatVersion !== ARTIFACT_FORMAT_VERSION)
    throw new ArtifactMismatchError(
      'formatVersion',
      ARTIFACT_FORMAT_VERSION,
      body.formatVersion,
      'written by another version of @continuum/learning',
    );
  const weights = parts.weights;
  if (weights.length !== body.weights?.bytes)
    throw new ArtifactCorruptError(
      'weights',
      `${weights.length} bytes, the manifest says ${body.weights?.bytes}`,
    );
  if (sha256(weights) !== body.weights.sha256)
    throw new ArtifactCorruptError('weights', 'SHA-256 does not match the manifest');

  const config = body.model;
  let spec;
  try {
    spec = validateNetworkSpec(config.network);
  } catch (error) {
    throw new ArtifactMismatchError('model.network', 'a valid network', config?.network, String(error));
  }
  checkExpectations(body, options.expect);

  // Tensors: exactly the parameters the topology implies, then the optimizer's slots.
  const shapes = parameterShapes(spec);
  const slots = slotCount(config.optimizer);
  const expected = [
    ...shapes.map((s) => ({ name: s.name, shape: s.shape })),
    ...Array.from({ length: slots }, (_, k) =>
      shapes.map((s) => ({ name: `slot_${k}/${s.name}`, shape: s.shape })),
    ).flat(),
  ];
  if (body.tensors.length !== expected.length)
    throw new ArtifactMismatchError(
      'tensors',
      expected.length,
      body.tensors.length,
      'tensor count for this topology',
    );
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const arrays = body.tensors.map((t, i) => {
    const want = expected[i];
    if (t.name !== want.name) throw new ArtifactMismatchError(`tensors[${i}].name`, want.name, t.name);
    if (JSON.stringify(t.shape) !== JSON.stringify(want.shape))
      throw new ArtifactMismatchError(`tensors.${t.name}.shape`, want.shape, t.shape);
    if (t.dtype !== 'float32') throw new ArtifactMismatchError(`tensors.${t.name}.dtype`, 'float32', t.dtype);
    const n = want.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(t.offset) || t.offset < 0 || t.offset + 4 * n > weights.length)
      throw new ArtifactCorruptError(
        `tensors.${t.name}`,
        `offset ${t.offset} + ${4 * n} bytes exceeds the weights`,
      );
    const a = new Float32Array(n);
    for (let j = 0; j < n; j++) a[j] = view.getFloat32(t.offset + 4 * j, true);
    return a;
  });

  let pipeline: FeaturePipeline;
  try {
    pipeline = FeaturePipeline.fromJSON(body.pipeline);
  } catch (error) {
    throw new ArtifactMismatchError('pipeline', 'a valid feature pipeline', 'invalid', String(error));
  }
  if (pipeline.width !== spec.inputSize)
    throw new ArtifactMismatchError(
      'pipeline.width',
      spec.inputSize,
      pipeline.width,
      'pipeline columns vs network inputs',
    );

  const optimizerState: OptimizerState = {
    step: body.training.optimizerStep,
    slots: Array.from({ length: slots }, (_, k) =>
      arrays.slice(shapes.length * (k + 1), shapes.length * (k + 2)),
    ),
  };
  let model: Model;
  try {
    model = restoreModel(
      config,
      pipeline,
      {
        parameters: arrays.slice(0, shapes.length),
        optimizerState,
        examplesSeen: body.training.examplesSeen,
      },
      options.engine,
    );
  } catch (error) {
    throw new ArtifactMismatchError('model', 'a model this library can build', config.kind, String(error));
  }
  return { model, metadata: body.metadata ?? {}, manifest: parsed };
}

/**
 * Single-file form: the 8-byte magic `CTMODEL\n`, the manifest's byte length (uint32,
 * little-endian), the manifest (UTF-8 JSON), then the weights.
 */
export function encodeModelArtifact(model: Model, metadata: ModelVersionMetadata = {}): Uint8Array {
  const { manifest, weights } = modelToArtifactParts(model, metadata);
  const m = new TextEncoder().encode(manifest);
  const out = new Uint8Array(12 + m.length + weights.length);
  out.set(new TextEncoder().encode(ARTIFACT_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, m.length, true);
  out.set(m, 12);
  out.set(weights, 12 + m.length);
  return out;
}

export function decodeModelArtifact(bytes: Uint8Array, options: LoadOptions = {}): LoadedModel {
  if (!(bytes instanceof Uint8Array)) throw new ArtifactCorruptError('header', 'expected bytes (Uint8Array)');
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== ARTIFACT_MAGIC)
    throw new ArtifactCorruptError('header', 'not a Continuum model artifact (bad magic bytes)');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length)
    throw new ArtifactCorruptError(
      'header',
      `manifest length ${length} exceeds the ${bytes.length}-byte file (truncated?)`,
    );
  let manifest: string;
  try {
    manifest = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + length));
  } catch (error) {
    throw new ArtifactCorruptError('manifest', 'not valid UTF-8', { cause: error });
  }
  return modelFromArtifactParts({ manifest, weights: bytes.slice(12 + length) }, options);
}

function checkExpectations(
  body: Omit<ArtifactManifest, 'manifestSha256'>,
  expect: ArtifactExpectation | undefined,
): void {
  if (!expect) return;
  if (expect.kind !== undefined && expect.kind !== body.model.kind)
    throw new ArtifactMismatchError('model.kind', expect.kind, body.model.kind);
  if (expect.modelId !== undefined && expect.modelId !== body.metadata?.modelId)
    throw new ArtifactMismatchError('metadata.modelId', expect.modelId, body.metadata?.modelId ?? null);
  if (expect.classes !== undefined && JSON.stringify(expect.classes) !== JSON.stringify(body.model.classes))
    throw new ArtifactMismatchError('model.classes', expect.classes, body.model.classes);
  if (expect.pipelineSignature !== undefined) {
    let actual: string;
    try {
      actual = FeaturePipeline.fromJSON(body.pipeline).signature();
    } catch {
      actual = 'invalid';
    }
    if (actual !== expect.pipelineSignature)
      throw new ArtifactMismatchError(
        'pipeline.features',
        JSON.parse(expect.pipelineSignature),
        safeParse(actual),
      );
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
