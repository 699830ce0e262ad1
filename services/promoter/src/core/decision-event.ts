import { type PromotionDecision, type PromotionEvidence } from '@continuum/events';
import { type GateEvidence } from '@continuum/stats';
import { type TestRecord } from './promotion-test';
import { type GuardrailResult } from './guardrails';

const TEST_NAMES: Record<string, string> = {
  'confidence-sequence': 'ASYMPTOTIC_CONFIDENCE_SEQUENCE',
  'discordant-pairs': 'SEQUENTIAL_DISCORDANT_PAIRS',
};

/** Infinite bounds (too few pairs) travel as ±MAX_VALUE: Avro doubles carry them, JSON would not. */
function finite(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x === Infinity) return Number.MAX_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  return x;
}

export function evidenceOf(
  test: TestRecord,
  e: GateEvidence,
  guardrails: GuardrailResult[],
): PromotionEvidence {
  const o = test.gateOptions;
  return {
    method: e.method,
    mode: e.mode,
    alpha: e.alpha,
    delta: e.delta,
    threshold: e.threshold,
    pairs: e.pairs,
    meanDifference: finite(e.meanDifference),
    lower: finite(e.lower),
    upper: finite(e.upper),
    championMeanLoss: finite(e.championMeanLoss),
    challengerMeanLoss: finite(e.challengerMeanLoss),
    challengerWins: e.challengerWins,
    championWins: e.championWins,
    minPairs: o.minPairs,
    maxPairs: o.maxPairs,
    minDurationMs: o.minDurationMs,
    windowStart: e.firstEventTime,
    windowEnd: e.lastEventTime,
    guardrails: guardrails.map((g) => ({ ...g, value: g.value === null ? null : finite(g.value) })),
  };
}

export interface DecisionInput {
  decision: PromotionDecision['decision'];
  modelId: string;
  championVersion: string | null;
  challengerVersion: string;
  previousChampionVersion: string | null;
  reason: string;
  actor: string;
  decidedAt: number;
  /** Deterministic for the gate's decisions (a replay re-publishes the same id). */
  decisionId: string;
  test: TestRecord | null;
  evidence: GateEvidence | null;
  guardrails: GuardrailResult[];
}

/** The ct.promotions record: the decision with the full evidence of the test behind it. */
export function promotionDecision(d: DecisionInput): PromotionDecision {
  const e = d.evidence;
  const evidence = d.test && e && e.pairs > 0 ? evidenceOf(d.test, e, d.guardrails) : null;
  return {
    decisionId: d.decisionId,
    modelId: d.modelId,
    decision: d.decision,
    championVersion: d.championVersion,
    challengerVersion: d.challengerVersion,
    metric: d.test?.metric ?? 'none',
    championValue: evidence ? evidence.championMeanLoss : null,
    challengerValue: evidence ? evidence.challengerMeanLoss : null,
    test: d.test ? (TEST_NAMES[d.test.gateOptions.method] ?? d.test.gateOptions.method) : 'MANUAL',
    statistic: evidence ? evidence.meanDifference : null,
    pValue: e ? e.pValue : null,
    pairedCount: e?.pairs ?? 0,
    reason: d.reason,
    decidedAt: d.decidedAt,
    actor: d.actor,
    previousChampionVersion: d.previousChampionVersion,
    evidence,
  };
}

/** Deterministic id of the gate's decision on a test. */
export function gateDecisionId(test: Pick<TestRecord, 'key'>, decision: string): string {
  return `promoter|${test.key}|${decision}`;
}
