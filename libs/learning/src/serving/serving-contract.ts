import type { Example } from '../example';
import type { FeaturePipeline } from '../features/feature-pipeline';

/**
 * What a model version expects as input: the registry's contract (`ct.model-versions`'
 * `ModelContract.features`), restated here so this library needs no event types.
 */
export interface ServingFeatureSpec {
  readonly name: string;
  readonly type: 'NUMERIC' | 'CATEGORICAL';
  /** Default true: a missing value (absent, null, NaN) violates the contract. */
  readonly required?: boolean;
  readonly min?: number | null;
  readonly max?: number | null;
  /** Allowed values of a categorical feature; empty or absent: any string. */
  readonly categories?: readonly string[];
}

export interface ServingContract {
  readonly features: readonly ServingFeatureSpec[];
}

export type ContractViolationKind =
  'missing' | 'wrong-type' | 'not-finite' | 'below-min' | 'above-max' | 'unknown-category';

/** One way an input breaks the contract; `feature` names the feature. */
export interface ContractViolation {
  readonly feature: string;
  readonly kind: ContractViolationKind;
  readonly message: string;
}

/**
 * A contract checker compiled once per model version (the feature list is resolved up front, the
 * allowed categories become sets), then run per request.
 */
export class ContractValidator {
  private readonly numeric: Array<{ name: string; required: boolean; min: number; max: number }>;
  private readonly categorical: Array<{ name: string; required: boolean; allowed: Set<string> | null }>;

  constructor(readonly contract: ServingContract) {
    this.numeric = [];
    this.categorical = [];
    for (const f of contract.features) {
      const required = f.required ?? true;
      if (f.type === 'NUMERIC') {
        this.numeric.push({
          name: f.name,
          required,
          min: typeof f.min === 'number' ? f.min : -Infinity,
          max: typeof f.max === 'number' ? f.max : Infinity,
        });
      } else {
        this.categorical.push({
          name: f.name,
          required,
          allowed: f.categories && f.categories.length > 0 ? new Set(f.categories) : null,
        });
      }
    }
  }

  /** Every violation of one input, in contract order (numeric features first); empty when valid. */
  validate(input: Example): ContractViolation[] {
    const violations: ContractViolation[] = [];
    const numeric = (input.numeric ?? {}) as Record<string, unknown>;
    const categorical = (input.categorical ?? {}) as Record<string, unknown>;
    for (const f of this.numeric) {
      const value = numeric[f.name];
      if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) {
        if (f.required) violations.push(violation(f.name, 'missing', 'required numeric feature is missing'));
      } else if (typeof value !== 'number') {
        violations.push(violation(f.name, 'wrong-type', `must be a number, got ${describe(value)}`));
      } else if (!Number.isFinite(value)) {
        violations.push(violation(f.name, 'not-finite', `must be finite, got ${value}`));
      } else if (value < f.min) {
        violations.push(violation(f.name, 'below-min', `${value} is below the minimum ${f.min}`));
      } else if (value > f.max) {
        violations.push(violation(f.name, 'above-max', `${value} is above the maximum ${f.max}`));
      }
    }
    for (const f of this.categorical) {
      const value = categorical[f.name];
      if (value === undefined || value === null) {
        if (f.required)
          violations.push(violation(f.name, 'missing', 'required categorical feature is missing'));
      } else if (typeof value !== 'string') {
        violations.push(violation(f.name, 'wrong-type', `must be a string, got ${describe(value)}`));
      } else if (f.allowed && !f.allowed.has(value)) {
        violations.push(
          violation(f.name, 'unknown-category', `'${value}' is not one of the contract's categories`),
        );
      }
    }
    return violations;
  }
}

/**
 * The contract a model's own pipeline implies, for versions registered without one: numeric
 * features are required when their missing policy is `error`, one-hot features list their
 * vocabulary only when unknown values are an error.
 */
export function contractFromPipeline(pipeline: FeaturePipeline): ServingContract {
  return {
    features: pipeline.features.map((f): ServingFeatureSpec => {
      if (f.type === 'numeric') return { name: f.name, type: 'NUMERIC', required: f.missing === 'error' };
      return {
        name: f.name,
        type: 'CATEGORICAL',
        required: f.missing === 'error',
        categories: f.type === 'one-hot' && f.unknown === 'error' ? [...f.vocabulary] : [],
      };
    }),
  };
}

function violation(feature: string, kind: ContractViolationKind, message: string): ContractViolation {
  return { feature, kind, message: `${feature}: ${message}` };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
