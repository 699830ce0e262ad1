import { type LabelledExample, type PredictionOutput } from '@continuum/events';
import { SequentialGate, type GateOptions, type GateState, type GateVerdict } from '@continuum/stats';
import {
  emptyGuardrails,
  evaluateGuardrails,
  type GuardrailLimits,
  type GuardrailResult,
  type GuardrailState,
  updateGuardrails,
} from './guardrails';
import { calibrationPoint, exampleLoss, type LossMetric, positiveScore } from './losses';

/**
 * GATE: a SHADOW challenger against the champion on the same labelled events (both from ct.examples).
 * WATCH: after a promotion, the new champion (challenger side, from ct.examples) against the
 * previous champion (champion side, re-scored by the promoter on the same events).
 */
export type TestKind = 'GATE' | 'WATCH';

export type Outcome = 'PROMOTE' | 'REJECT' | 'ROLLBACK' | 'WATCH_PASSED';

export interface TestOutcome {
  decision: Outcome;
  reason: string;
  decidedAt: number;
  guardrails: GuardrailResult[];
  /** The registry stage change and the ct.promotions record are done. */
  applied: boolean;
}

interface PendingHalf {
  side: 'champion' | 'challenger';
  loss: number;
  score: number | null;
  /** Calibration point: the score judged and whether the event was a hit (null: not a classifier). */
  calibration: { score: number; hit: boolean } | null;
  segments: Record<string, string>;
  time: number;
}

export interface TestRecord {
  v: 1;
  key: string;
  kind: TestKind;
  modelId: string;
  championVersion: string;
  challengerVersion: string;
  metric: LossMetric;
  gateOptions: GateOptions;
  limits: GuardrailLimits;
  startedAt: number;
  gate: GateState;
  guardrails: GuardrailState;
  /** Half pairs waiting for the other version's record of the same event, oldest first. */
  pending: Array<[string, PendingHalf]>;
  droppedHalves: number;
  skippedRecords: number;
  /** Event ids of the latest pairs (at most RECENT_PAIRS): a re-delivered record of a paired event is ignored. */
  recentPairs?: string[];
  duplicates?: number;
  /** Next ct.examples offset per partition: records below it are in this state already. */
  offsets: Record<string, string>;
  outcome: TestOutcome | null;
}

/** Most half pairs kept per test; the oldest is dropped beyond (its partner never came). */
export const MAX_PENDING = 50_000;

/**
 * Paired event ids remembered per test. The evaluator writes ct.examples at least once (after a
 * crash it re-sends the batch in flight), so a pair's records can come again shortly after; they
 * are recognised within this many pairs.
 */
export const RECENT_PAIRS = 2_000;

export function testKey(modelId: string, challengerVersion: string, kind: TestKind): string {
  return `${modelId}|${challengerVersion}|${kind}`;
}

export interface NewTest {
  kind: TestKind;
  modelId: string;
  championVersion: string;
  challengerVersion: string;
  metric: LossMetric;
  gateOptions: GateOptions;
  limits: GuardrailLimits;
  latencyP99Ms: number | null;
  /** The model predicts a value (task REGRESSION): prediction shift on champion-quantile bins, no calibration. */
  regression?: boolean;
  now: number;
}

export function newTest(t: NewTest): TestRecord {
  const gate = new SequentialGate(t.gateOptions);
  return {
    v: 1,
    key: testKey(t.modelId, t.challengerVersion, t.kind),
    kind: t.kind,
    modelId: t.modelId,
    championVersion: t.championVersion,
    challengerVersion: t.challengerVersion,
    metric: t.metric,
    gateOptions: t.gateOptions,
    limits: t.limits,
    startedAt: t.now,
    gate: gate.toJSON(),
    guardrails: emptyGuardrails(t.latencyP99Ms, t.regression ?? false),
    pending: [],
    droppedHalves: 0,
    skippedRecords: 0,
    offsets: {},
    outcome: null,
  };
}

/**
 * A running test: the record plus its live gate and pending map. `observe` takes one ct.examples
 * record (GATE) or one new-champion record with the previous champion's output on the same event
 * (WATCH); it returns the outcome when this record decided the test.
 */
export class PromotionTest {
  private readonly gate: SequentialGate;
  private readonly pending: Map<string, PendingHalf>;
  private readonly recent: Set<string>;

  constructor(readonly record: TestRecord) {
    this.gate = new SequentialGate(record.gateOptions, record.gate);
    this.pending = new Map(record.pending);
    record.recentPairs ??= [];
    record.duplicates ??= 0;
    this.recent = new Set(record.recentPairs);
  }

  /** A record of an event paired lately: a re-delivery, not new evidence. */
  private duplicate(eventId: string): boolean {
    if (!this.recent.has(eventId)) return false;
    this.record.duplicates = (this.record.duplicates ?? 0) + 1;
    return true;
  }

  private remember(eventId: string): void {
    const ring = this.record.recentPairs!;
    ring.push(eventId);
    this.recent.add(eventId);
    if (ring.length > RECENT_PAIRS) this.recent.delete(ring.shift() as string);
  }

  get decided(): boolean {
    return this.record.outcome !== null;
  }

  /** Whether this record's offset is covered by the state already (a replay after a restart). */
  covers(partition: number, offset: string): boolean {
    const next = this.record.offsets[String(partition)];
    return next !== undefined && BigInt(offset) < BigInt(next);
  }

  advance(partition: number, nextOffset: string): void {
    const current = this.record.offsets[String(partition)];
    if (current === undefined || BigInt(nextOffset) > BigInt(current))
      this.record.offsets[String(partition)] = nextOffset;
  }

  /** GATE: a ct.examples record of the champion or the challenger. */
  observe(example: LabelledExample): TestOutcome | null {
    if (this.decided || this.record.kind !== 'GATE') return null;
    const side =
      example.modelVersion === this.record.championVersion
        ? 'champion'
        : example.modelVersion === this.record.challengerVersion
          ? 'challenger'
          : null;
    if (side === null || this.duplicate(example.eventId)) return null;
    const half = this.half(side, example.output, example);
    if (!half) return null;
    const other = this.pending.get(example.eventId);
    if (!other) {
      this.pending.set(example.eventId, half);
      this.trimPending();
      return null;
    }
    if (other.side === side) return null; // a duplicate record of the same version (at-least-once upstream)
    this.pending.delete(example.eventId);
    const [champion, challenger] = side === 'champion' ? [half, other] : [other, half];
    return this.pair(champion, challenger, example);
  }

  /** WATCH: a record of the new champion and the previous champion's output on the same event. */
  observeReplayed(example: LabelledExample, previousOutput: PredictionOutput): TestOutcome | null {
    if (this.decided || this.record.kind !== 'WATCH') return null;
    if (example.modelVersion !== this.record.challengerVersion || this.duplicate(example.eventId))
      return null;
    const challenger = this.half('challenger', example.output, example);
    const champion = this.half('champion', previousOutput, example);
    if (!challenger || !champion) return null;
    return this.pair(champion, challenger, example);
  }

  private half(
    side: PendingHalf['side'],
    output: PredictionOutput,
    example: LabelledExample,
  ): PendingHalf | null {
    const loss = exampleLoss(this.record.metric, { output, label: example.label });
    if (loss === null) {
      this.record.skippedRecords += 1;
      return null;
    }
    return {
      side,
      loss,
      score: positiveScore(output),
      calibration: calibrationPoint(output, example.label),
      segments: example.segments,
      time: example.predictionTimestamp,
    };
  }

  private trimPending(): void {
    while (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
      this.record.droppedHalves += 1;
    }
  }

  private pair(champion: PendingHalf, challenger: PendingHalf, example: LabelledExample): TestOutcome | null {
    this.remember(example.eventId);
    const time = Math.max(champion.time, challenger.time);
    const verdict = this.gate.update(champion.loss, challenger.loss, time);
    updateGuardrails(this.record.guardrails, {
      championScore: champion.score,
      challengerScore: challenger.score,
      championCalibration: champion.calibration,
      challengerCalibration: challenger.calibration,
      difference: champion.loss - challenger.loss,
      segments: example.segments,
    });
    const outcome = this.record.kind === 'GATE' ? this.gateOutcome(verdict, time) : this.watchOutcome(time);
    if (outcome) this.record.outcome = outcome;
    return outcome;
  }

  private gateOutcome(verdict: GateVerdict, now: number): TestOutcome | null {
    if (verdict.decision === 'CONTINUE') return null;
    const guardrails = evaluateGuardrails(this.record.guardrails, this.record.limits);
    if (verdict.decision === 'REJECT') {
      return { decision: 'REJECT', reason: verdict.reason, decidedAt: now, guardrails, applied: false };
    }
    const failed = guardrails.filter((g) => !g.passed);
    if (failed.length > 0) {
      return {
        decision: 'REJECT',
        reason: `GUARDRAIL: ${failed.map((g) => `${g.name} ${g.value} beyond ${g.limit}`).join('; ')}`,
        decidedAt: now,
        guardrails,
        applied: false,
      };
    }
    return { decision: 'PROMOTE', reason: verdict.reason, decidedAt: now, guardrails, applied: false };
  }

  /**
   * The watch never stops early on good news (a champion that degrades later must still be caught):
   * ROLLBACK as soon as the upper confidence bound of (previous loss − new loss) falls below −margin
   * after the minimum pairs; WATCH_PASSED at the watch's maximum pairs.
   */
  private watchOutcome(now: number): TestOutcome | null {
    const e = this.gate.evidence();
    const o = this.record.gateOptions;
    const guardrails = (): GuardrailResult[] =>
      evaluateGuardrails(this.record.guardrails, this.record.limits);
    if (e.pairs >= o.minPairs && e.upper < e.threshold) {
      return {
        decision: 'ROLLBACK',
        reason: 'NEW_CHAMPION_WORSE',
        decidedAt: now,
        guardrails: guardrails(),
        applied: false,
      };
    }
    if (e.pairs >= o.maxPairs) {
      return {
        decision: 'WATCH_PASSED',
        reason: 'WATCH_COMPLETE',
        decidedAt: now,
        guardrails: guardrails(),
        applied: false,
      };
    }
    return null;
  }

  evidence(): ReturnType<SequentialGate['evidence']> {
    return this.gate.evidence();
  }

  /** The record to persist, with the live gate and pending halves folded back in. */
  snapshot(): TestRecord {
    this.record.gate = this.gate.toJSON();
    this.record.pending = [...this.pending.entries()];
    return this.record;
  }
}
