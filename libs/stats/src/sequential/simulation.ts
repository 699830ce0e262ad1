import { RunningMoments } from './running-moments';
import { SequentialGate, type GateOptions } from './sequential-gate';

// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { imul, sqrt } = Math;
const { isInteger } = Number;

/** mulberry32 (Tommy Ettinger, public domain): a small seeded generator for simulations. */
export function seededUniform(seed: number): () => number {
  if (!isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PairedAccuracyScenario {
  /** Champion accuracy. */
  championAccuracy: number;
  /** Challenger accuracy − champion accuracy (0.01 = one accuracy point). */
  effect: number;
  /** P(exactly one model is right): how often the two disagree. */
  discordance: number;
}

/**
 * Paired 0/1 losses of two classifiers on the same events: P(challenger right, champion wrong) =
 * (π + e)/2, P(champion right, challenger wrong) = (π − e)/2, the rest concordant with the
 * champion's accuracy fixed. Returns a generator of [championLoss, challengerLoss].
 */
export function pairedAccuracyLosses(
  s: PairedAccuracyScenario,
  uniform: () => number,
): () => [number, number] {
  const pWin = (s.discordance + s.effect) / 2;
  const pLoss = (s.discordance - s.effect) / 2;
  const pBothWrong = 1 - s.championAccuracy - pWin;
  if (pLoss < 0 || pWin < 0 || pBothWrong < 0 || pBothWrong + pWin + pLoss > 1) {
    throw new RangeError(
      'scenario is not a probability distribution (discordance too small for the effect?)',
    );
  }
  return () => {
    const u = uniform();
    if (u < pWin) return [1, 0];
    if (u < pWin + pLoss) return [0, 1];
    if (u < pWin + pLoss + pBothWrong) return [1, 1];
    return [0, 0];
  };
}

export interface ReplicationSummary {
  replications: number;
  promoted: number;
  rejected: number;
  undecided: number;
  promoteRate: number;
  rejectRate: number;
  /** Median pairs until the decision, undecided runs counted at the horizon (maxPairs). */
  medianPairsToDecision: number;
  /** Median pairs of the runs that promoted (NaN when none did). */
  medianPairsToPromotion: number;
}

/** One replication's outcome: +1 promoted, −1 rejected (worse), 0 undecided; and the pairs it used. */
interface Run {
  outcome: -1 | 0 | 1;
  pairs: number;
}

function replicate(
  scenario: PairedAccuracyScenario,
  replications: number,
  seed: number,
  runOne: (draw: () => [number, number]) => Run,
): ReplicationSummary {
  const draw = pairedAccuracyLosses(scenario, seededUniform(seed));
  const stops: number[] = [];
  const promotions: number[] = [];
  let rejected = 0;
  for (let r = 0; r < replications; r++) {
    const { outcome, pairs } = runOne(draw);
    stops.push(pairs);
    if (outcome === 1) promotions.push(pairs);
    else if (outcome === -1) rejected += 1;
  }
  return summarise(replications, promotions, rejected, stops);
}

/** Runs the gate on `replications` seeded streams, every pair looked at. */
export function simulateGate(
  options: GateOptions,
  scenario: PairedAccuracyScenario,
  replications: number,
  seed: number,
): ReplicationSummary {
  return replicate(scenario, replications, seed, (draw) => {
    const gate = new SequentialGate(options);
    let verdict = gate.verdict();
    for (let i = 0; i < options.maxPairs && verdict.decision === 'CONTINUE'; i++) {
      const [a, b] = draw();
      verdict = gate.update(a, b, i);
    }
    const worse = verdict.decision === 'REJECT' && verdict.reason !== 'MAX_PAIRS';
    return { outcome: verdict.decision === 'PROMOTE' ? 1 : worse ? -1 : 0, pairs: gate.n };
  });
}

export interface PeekedTestOptions {
  /** Two-sided critical value of the fixed-horizon test, e.g. z_{1−α/2}. */
  criticalValue: number;
  peekEvery: number;
  maxPairs: number;
}

/**
 * The practice the sequential gate replaces: a fixed-horizon paired t-test (normal critical value;
 * n ≥ 100 at every look) recomputed every `peekEvery` pairs, stopping at the first significant look.
 */
export function simulatePeekedTTest(
  options: PeekedTestOptions,
  scenario: PairedAccuracyScenario,
  replications: number,
  seed: number,
): ReplicationSummary {
  return replicate(scenario, replications, seed, (draw) => {
    const m = new RunningMoments();
    let outcome: Run['outcome'] = 0;
    while (m.n < options.maxPairs && outcome === 0) {
      const [a, b] = draw();
      m.update(a - b);
      if (m.n % options.peekEvery === 0 && m.variance > 0) {
        const t = m.mean / sqrt(m.variance / m.n);
        if (t > options.criticalValue) outcome = 1;
        else if (t < -options.criticalValue) outcome = -1;
      }
    }
    return { outcome, pairs: m.n };
  });
}

function summarise(
  replications: number,
  promotions: number[],
  rejected: number,
  stops: number[],
): ReplicationSummary {
  const promoted = promotions.length;
  return {
    replications,
    promoted,
    rejected,
    undecided: replications - promoted - rejected,
    promoteRate: promoted / replications,
    rejectRate: rejected / replications,
    medianPairsToDecision: median(stops),
    medianPairsToPromotion: promoted > 0 ? median(promotions) : NaN,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
