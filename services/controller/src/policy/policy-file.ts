import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from './policy-error';
import { type ControllerPolicy } from './policy';
import { validatePolicy } from './policy-validation';

/** Parses policy text: JSON for `.json` files, YAML (a superset of JSON) otherwise. */
export function parsePolicyText(text: string, source: string): unknown {
  try {
    return extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PolicyError(source, [`cannot be parsed: ${(error as Error).message}`], { cause: error });
  }
}

/** Reads, parses and validates the policy file; throws PolicyError naming every bad field. */
export function loadPolicyFile(path: string): ControllerPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(path, [`cannot be read: ${(error as Error).message}`], { cause: error });
  }
  return validatePolicy(parsePolicyText(text, path), path);
}
