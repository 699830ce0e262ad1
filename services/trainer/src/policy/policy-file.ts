import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TrainerPolicyError, validateTrainerPolicy } from './policy-validation';
import { type TrainerPolicy } from './trainer-policy';

/** Reads, parses (JSON for `.json`, YAML otherwise) and validates the policy file. */
export function loadTrainerPolicy(path: string): TrainerPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrainerPolicyError(path, [`cannot be read: ${(error as Error).message}`], { cause: error });
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new TrainerPolicyError(path, [`cannot be parsed: ${(error as Error).message}`], { cause: error });
  }
  return validateTrainerPolicy(document, path);
}
