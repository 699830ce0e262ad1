/**
 * A model's feature contract as an operator writes it in a JSON file: either the contract itself,
 * `{"features": [{"name": "rooms", "type": "NUMERIC"}, ...]}`, or a whole model registration,
 * `{"task": "REGRESSION", "owner": "pricing", "policyRef": "...", "contract": {"features": [...]}}`
 * (the body of the registry's POST /models without the modelId). The registry validates the
 * features in full; this reader checks what the commands rely on: names and types.
 */
import { readFileSync } from 'node:fs';
import { type FeatureSpecInput } from '@continuum/registry';
import { CommandFailure } from './command';

export interface ContractFile {
  task?: string;
  owner?: string;
  policyRef?: string;
  features: FeatureSpecInput[];
}

export function readContractFile(path: string): ContractFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CommandFailure(`the contract file ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  return parseContract(raw, path);
}

export function parseContract(raw: unknown, source: string): ContractFile {
  const problem = (message: string): never => {
    throw new CommandFailure(`the contract file ${source}: ${message}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return problem('expected a JSON object');
  const top = raw as Record<string, unknown>;
  const contract = (top.contract ?? top) as Record<string, unknown>;
  if (contract === null || typeof contract !== 'object' || !Array.isArray(contract.features))
    return problem('expected "features": [...] (or "contract": {"features": [...]})');
  const features = contract.features.map((f: unknown, i: number) => {
    const feature = f as Record<string, unknown> | null;
    if (
      feature === null ||
      typeof feature !== 'object' ||
      typeof feature.name !== 'string' ||
      feature.name === ''
    )
      return problem(`features[${i}] needs a "name"`);
    if (feature.type !== 'NUMERIC' && feature.type !== 'CATEGORICAL')
      return problem(`features[${i}] (${feature.name}): "type" must be NUMERIC or CATEGORICAL`);
    return feature as unknown as FeatureSpecInput;
  });
  const optionalText = (key: string): string | undefined => {
    const v = top[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : problem(`"${key}" must be a string`);
  };
  return {
    task: optionalText('task'),
    owner: optionalText('owner'),
    policyRef: optionalText('policyRef'),
    features,
  };
}
