import { type GateOptions } from '@continuum/stats';
import { type GuardrailLimits } from './guardrails';
import { type LossMetric } from './losses';
import { newTest, PromotionTest } from './promotion-test';

/** Guardrail limits of the unit tests (the defaults, but 200 pairs per judged segment). */
export const TEST_LIMITS: GuardrailLimits = {
  maxLatencyP99Ms: 5,
  maxEceIncrease: 0.05,
  maxPredictionPsi: 2,
  segmentMargin: 0.05,
  segmentMinPairs: 200,
};

/** Gate settings of the unit tests: decisions after 200 pairs, no minimum duration. */
export const TEST_GATE: GateOptions = {
  method: 'confidence-sequence',
  mode: 'improvement',
  alpha: 0.05,
  delta: 0,
  minPairs: 200,
  minDurationMs: 0,
  maxPairs: 50_000,
  tuningPairs: 2000,
};

/** A GATE of challenger '2' against champion '1' of model 'm' with the test settings, overridable. */
export function testGate(
  options: Partial<GateOptions> = {},
  limits: Partial<GuardrailLimits> = {},
  model: { metric?: LossMetric; regression?: boolean } = {},
): PromotionTest {
  return new PromotionTest(
    newTest({
      kind: 'GATE',
      modelId: 'm',
      championVersion: '1',
      challengerVersion: '2',
      metric: model.metric ?? 'zero_one',
      gateOptions: { ...TEST_GATE, ...options },
      limits: { ...TEST_LIMITS, ...limits },
      latencyP99Ms: 0.1,
      regression: model.regression ?? false,
      now: 0,
    }),
  );
}
