import {
  ContractValidator,
  encodeModelArtifact,
  loadServingModel,
  LogisticRegression,
  type ServingContract,
  type ServingModel,
} from '@continuum/learning';
import { ServedVersion } from './served-version';

/** Test fixtures: small real logistic models (weights set by hand) and their served versions. */
export const FEATURES = {
  features: [
    { name: 'x1', type: 'numeric' as const, standardize: false },
    { name: 'x2', type: 'numeric' as const, standardize: false },
  ],
};

export const CONTRACT: ServingContract = {
  features: [
    { name: 'x1', type: 'NUMERIC', required: true, min: -100, max: 100 },
    { name: 'x2', type: 'NUMERIC', required: true },
  ],
};

/** Artifact bytes of a logistic model predicting sigmoid(w1·x1 + w2·x2). */
export function artifactBytes(w1: number, w2: number, modelId = 'm'): Uint8Array {
  const model = new LogisticRegression({ features: FEATURES, classes: [0, 1], seed: 1 });
  const state = model.getState();
  model.setState({ ...state, parameters: [Float32Array.from([w1, w2]), Float32Array.from([0])] });
  return encodeModelArtifact(model, { modelId });
}

export function servingModel(w1: number, w2: number): ServingModel {
  return loadServingModel(artifactBytes(w1, w2));
}

export function served(
  modelId: string,
  version: string,
  model: ServingModel = servingModel(1, -1),
): ServedVersion {
  return new ServedVersion(modelId, version, model, new ContractValidator(CONTRACT), Date.now());
}
