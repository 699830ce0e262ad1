import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  type ModelGatePolicy,
  PromoterPolicyError,
  type PromoterPolicy,
  validatePromoterPolicy,
} from './promoter-policy';

/** Reads, parses (JSON for `.json`, YAML otherwise) and validates the policy file over `base`. */
export function loadPromoterPolicy(path: string, base: ModelGatePolicy): PromoterPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PromoterPolicyError(path, [`cannot be read: ${(error as Error).message}`], { cause: error });
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PromoterPolicyError(path, [`cannot be parsed: ${(error as Error).message}`], { cause: error });
  }
  return validatePromoterPolicy(document, path, base);
}
