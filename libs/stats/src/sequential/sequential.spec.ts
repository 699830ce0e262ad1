import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  AsymptoticConfidenceSequence,
  DiscordantPairsTest,
  MixtureSprt,
  SequentialGate,
  simulateGate,
  simulatePeekedTTest,
  type GateOptions,
  type GateVerdict,
} from '.';

interface StreamVector {
  name: string;
  alpha: number;
  tuningPairs: number;
  theta0: number;
  tau2: number | null;
  champion: number[];
  challenger: number[];
  rho: number;
  checkpoints: number[];
  mean: (number | null)[];
  variance: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  msprtLogLikelihoodRatio: number[];
  msprtPValue: number[];
  gate: {
    mode: 'improvement' | 'non-inferiority';
    delta: number;
    minPairs: number;
    maxPairs: number;
    decision: string;
    pairs: number;
  }[];
}

interface AccuracyVector {
  name: string;
  alpha: number;
  tuningPairs: number;
  champion: number[];
  challenger: number[];
  checkpoints: number[];
  challengerWins: number[];
  championWins: number[];
  boundary: number[];
  gate: { decision: string; pairs: number };
  csLower: (number | null)[];
  csUpper: (number | null)[];
}

const vectors = JSON.parse(
  readFileSync(join(__dirname, '../../vectors/sequential/sequential.json'), 'utf8'),
) as { normalQuantile975: number; streams: StreamVector[]; accuracy: AccuracyVector[] };

function close(actual: number, expected: number | null, rel = 1e-9): void {
  if (expected === null) {
    expect(Number.isFinite(actual)).toBe(false);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

function decisionName(v: GateVerdict): string {
  if (v.decision === 'REJECT' && v.reason === 'MAX_PAIRS') return 'REJECT_MAX_PAIRS';
  return v.decision;
}

describe('AsymptoticConfidenceSequence and MixtureSprt against the reference script', () => {
  for (const s of vectors.streams) {
    it(`${s.name}: bounds, mSPRT likelihood ratio and always-valid p-value at every checkpoint`, () => {
      const cs = new AsymptoticConfidenceSequence({ alpha: s.alpha, tuningPairs: s.tuningPairs });
      const msprt = new MixtureSprt({
        alpha: s.alpha,
        theta0: s.theta0,
        tuningPairs: s.tuningPairs,
        ...(s.tau2 === null ? {} : { tau2: s.tau2 }),
      });
      close(cs.rho, s.rho, 1e-14);
      let k = 0;
      for (let i = 0; i < s.champion.length; i++) {
        const d = s.champion[i] - s.challenger[i];
        cs.update(d);
        msprt.update(d);
        if (s.checkpoints[k] === i + 1) {
          const ci = cs.interval();
          close(ci.mean, s.mean[k]);
          close(ci.variance, s.variance[k]);
          close(ci.lower, s.lower[k]);
          close(ci.upper, s.upper[k]);
          close(msprt.logLikelihoodRatio(), s.msprtLogLikelihoodRatio[k], 1e-8);
          close(msprt.pValue, s.msprtPValue[k], 1e-8);
          k++;
        }
      }
      expect(k).toBe(s.checkpoints.length);
    });

    it(`${s.name}: the gate's first decision matches the script for each mode and δ`, () => {
      for (const g of s.gate) {
        const gate = new SequentialGate({
          method: 'confidence-sequence',
          mode: g.mode,
          alpha: s.alpha,
          delta: g.delta,
          minPairs: g.minPairs,
          minDurationMs: 0,
          maxPairs: g.maxPairs,
          tuningPairs: s.tuningPairs,
        });
        let i = 0;
        while (!gate.decided && i < s.champion.length) {
          gate.update(s.champion[i], s.challenger[i], i);
          i++;
        }
        expect([g.mode, g.delta, decisionName(gate.verdict()), gate.n]).toEqual([
          g.mode,
          g.delta,
          g.decision,
          g.pairs,
        ]);
      }
    });
  }
});

describe('DiscordantPairsTest against the reference script', () => {
  for (const a of vectors.accuracy) {
    it(`${a.name}: counts, boundary and first decision`, () => {
      const test = new DiscordantPairsTest({ alpha: a.alpha, tuningPairs: a.tuningPairs });
      const gate = new SequentialGate({
        method: 'discordant-pairs',
        mode: 'improvement',
        alpha: a.alpha,
        delta: 0,
        minPairs: 30,
        minDurationMs: 0,
        maxPairs: 1_000_000,
        tuningPairs: a.tuningPairs,
      });
      const cs = new AsymptoticConfidenceSequence({ alpha: a.alpha, tuningPairs: 2000 });
      let k = 0;
      for (let i = 0; i < a.champion.length; i++) {
        test.update(a.champion[i], a.challenger[i]);
        gate.update(a.champion[i], a.challenger[i], i);
        cs.update(a.champion[i] - a.challenger[i]);
        if (a.checkpoints[k] === i + 1) {
          expect([test.challengerWins, test.championWins]).toEqual([a.challengerWins[k], a.championWins[k]]);
          close(test.boundary(), a.boundary[k]);
          close(cs.interval().lower, a.csLower[k]);
          close(cs.interval().upper, a.csUpper[k]);
          k++;
        }
      }
      const v = gate.verdict();
      expect(decisionName(v)).toBe(a.gate.decision);
      if (v.decision !== 'CONTINUE') expect(gate.evidence().pairs).toBeGreaterThanOrEqual(a.gate.pairs);
    });
  }

  it('rejects losses other than 0 and 1', () => {
    expect(() => new DiscordantPairsTest({ alpha: 0.05, tuningPairs: 100 }).update(0.5, 1)).toThrow(/0 or 1/);
  });
});

describe('SequentialGate decision rules', () => {
  const base: GateOptions = {
    method: 'confidence-sequence',
    mode: 'improvement',
    alpha: 0.05,
    delta: 0,
    minPairs: 100,
    minDurationMs: 60_000,
    maxPairs: 5000,
    tuningPairs: 1000,
  };

  it('waits for the minimum pairs, then the minimum duration, however strong the evidence', () => {
    const gate = new SequentialGate(base);
    for (let i = 0; i < 99; i++) gate.update(i % 2, 0, i * 100);
    expect(gate.verdict()).toEqual({ decision: 'CONTINUE', reason: 'MIN_PAIRS' });
    gate.update(1, 0, 9_900);
    expect(gate.verdict()).toEqual({ decision: 'CONTINUE', reason: 'MIN_DURATION' });
    let t = 10_000;
    while (!gate.decided) gate.update(gate.n % 2, 0, (t += 100));
    expect(gate.verdict()).toEqual({ decision: 'PROMOTE', reason: 'CHALLENGER_BETTER' });
    expect(t).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps the champion at the maximum pairs when nothing is decided, and the first decision is final', () => {
    const gate = new SequentialGate({ ...base, minDurationMs: 0, maxPairs: 300 });
    for (let i = 0; i < 300; i++) gate.update(i % 2, (i >> 1) % 2, i);
    expect(gate.verdict()).toEqual({ decision: 'REJECT', reason: 'MAX_PAIRS' });
    for (let i = 0; i < 1000; i++) gate.update(1, 0, 300 + i);
    expect(gate.verdict()).toEqual({ decision: 'REJECT', reason: 'MAX_PAIRS' });
    expect(gate.n).toBe(1300);
  });

  it('non-inferiority promotes a slightly worse challenger inside the margin; improvement does not', () => {
    const opts = { ...base, minDurationMs: 0, delta: 0.05, maxPairs: 20_000 };
    const ni = new SequentialGate({ ...opts, mode: 'non-inferiority' });
    const imp = new SequentialGate({ ...opts, mode: 'improvement' });
    // challenger wrong on 1 more event in 100 than the champion
    for (let i = 0; i < 20_000 && !(ni.decided && imp.decided); i++) {
      const champion = i % 10 === 0 ? 1 : 0;
      const challenger = i % 10 === 0 || i % 100 === 5 ? 1 : 0;
      ni.update(champion, challenger, i);
      imp.update(champion, challenger, i);
    }
    expect(ni.verdict()).toEqual({ decision: 'PROMOTE', reason: 'CHALLENGER_NON_INFERIOR' });
    expect(imp.verdict()).toEqual({ decision: 'REJECT', reason: 'EFFECT_BELOW_DELTA' });
    expect(ni.evidence().threshold).toBe(-0.05);
    expect(ni.evidence().lower).toBeGreaterThan(-0.05);
  });

  it('a gate restored from its JSON state continues exactly as the uninterrupted one', () => {
    const opts: GateOptions = { ...base, method: 'discordant-pairs', minDurationMs: 0, tuningPairs: 200 };
    const whole = new SequentialGate(opts);
    let restored = new SequentialGate(opts);
    const loss = (i: number, m: number): number =>
      (i * 7919 + m * 104_729) % 13 < (m === 0 ? 4 : 3) ? 1 : 0;
    for (let i = 0; i < 3000; i++) {
      whole.update(loss(i, 0), loss(i, 1), i);
      restored.update(loss(i, 0), loss(i, 1), i);
      if (i % 97 === 0) restored = new SequentialGate(opts, JSON.parse(JSON.stringify(restored.toJSON())));
    }
    expect(restored.toJSON()).toEqual(whole.toJSON());
    expect(restored.evidence()).toEqual(whole.evidence());
  });

  it('the standardised mSPRT rejects the threshold exactly when the confidence sequence has excluded it', () => {
    const gate = new SequentialGate({ ...base, minPairs: 2, minDurationMs: 0, maxPairs: 100_000 });
    const s = vectors.streams.find((x) => x.name === 'logloss_better') as StreamVector;
    let excluded = false;
    for (let i = 0; i < s.champion.length; i++) {
      gate.update(s.champion[i], s.challenger[i], i);
      const e = gate.evidence();
      excluded ||= e.lower > 0 || e.upper < 0;
      expect([i, e.pValue <= 0.05]).toEqual([i, excluded]);
    }
    expect(excluded).toBe(true);
  });

  it('names the bad option', () => {
    expect(() => new SequentialGate({ ...base, alpha: 1 })).toThrow(/alpha/);
    expect(() => new SequentialGate({ ...base, delta: -0.1 })).toThrow(/delta/);
    expect(() => new SequentialGate({ ...base, maxPairs: 10 })).toThrow(/maxPairs/);
    expect(() => new SequentialGate({ ...base, minPairs: 1 })).toThrow(/minPairs/);
    expect(() => new SequentialGate({ ...base, method: 'discordant-pairs', delta: 0.01 })).toThrow(
      /discordant-pairs/,
    );
    expect(() => new SequentialGate(base).update(NaN, 0, 0)).toThrow(/champion loss/);
  });
});

/**
 * Error rates by simulation: 1,000 seeded replications per scenario, the gate looked at after every
 * pair, against a fixed-horizon paired t-test looked at after every 100 pairs. Champion accuracy 80 %,
 * the two models disagree on 10 % of events. The printed table is the README's.
 */
describe('error rates by simulation (1,000 replications each, seeded)', () => {
  const REPLICATIONS = 1000;
  const MAX_PAIRS = 20_000;
  const alpha = 0.05;
  const cs: GateOptions = {
    method: 'confidence-sequence',
    mode: 'improvement',
    alpha,
    delta: 0,
    minPairs: 100,
    minDurationMs: 0,
    maxPairs: MAX_PAIRS,
    tuningPairs: 10_000,
  };
  const dp: GateOptions = { ...cs, method: 'discordant-pairs', tuningPairs: 1_000 };
  const peek = { criticalValue: vectors.normalQuantile975, peekEvery: 100, maxPairs: MAX_PAIRS };
  const scenario = (effect: number) => ({ championAccuracy: 0.8, effect, discordance: 0.1 });
  const rows: string[] = [];

  afterAll(() => {
    process.stdout.write(
      `\n| effect (accuracy points) | test | promoted | rejected | median pairs to promotion |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  });

  function row(effect: number, name: string, r: ReturnType<typeof simulateGate>): void {
    rows.push(
      `| ${effect * 100} | ${name} | ${r.promoteRate} | ${r.rejectRate} | ${r.medianPairsToPromotion} |`,
    );
  }

  it('A/A: false promotions stay below α for both sequential tests; the peeked t-test is far above α', () => {
    const a = simulateGate(cs, scenario(0), REPLICATIONS, 101);
    const b = simulateGate(dp, scenario(0), REPLICATIONS, 101);
    const t = simulatePeekedTTest(peek, scenario(0), REPLICATIONS, 101);
    row(0, 'confidence sequence', a);
    row(0, 'discordant pairs', b);
    row(0, 't-test peeked every 100', t);
    expect(a.promoteRate).toBeLessThanOrEqual(alpha);
    expect(b.promoteRate).toBeLessThanOrEqual(alpha);
    // every wrong decision (promote or reject) together stays within α as well
    expect(a.promoteRate + a.rejectRate).toBeLessThanOrEqual(alpha);
    expect(b.promoteRate + b.rejectRate).toBeLessThanOrEqual(alpha);
    expect(t.promoteRate).toBeGreaterThan(3 * alpha);
  });

  it.each([0.01, 0.02, 0.05])('power and pairs to decision for an effect of %p', (effect) => {
    const a = simulateGate(cs, scenario(effect), REPLICATIONS, 202);
    const b = simulateGate(dp, scenario(effect), REPLICATIONS, 202);
    const t = simulatePeekedTTest(peek, scenario(effect), REPLICATIONS, 202);
    row(effect, 'confidence sequence', a);
    row(effect, 'discordant pairs', b);
    row(effect, 't-test peeked every 100', t);
    // a better challenger is never rejected as worse, and is promoted most of the time within the horizon
    expect(a.rejectRate).toBe(0);
    expect(b.rejectRate).toBe(0);
    expect(a.promoteRate).toBeGreaterThan(0.9);
    expect(b.promoteRate).toBeGreaterThan(0.9);
    // bigger effects are decided sooner
    expect(a.medianPairsToPromotion).toBeLessThan(MAX_PAIRS);
  });
});
