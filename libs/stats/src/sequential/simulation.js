"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.seededUniform = seededUniform;
exports.pairedAccuracyLosses = pairedAccuracyLosses;
exports.simulateGate = simulateGate;
exports.simulatePeekedTTest = simulatePeekedTTest;
const running_moments_1 = require("./running-moments");
const sequential_gate_1 = require("./sequential-gate");
// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { imul, sqrt } = Math;
const { isInteger } = Number;
/** mulberry32 (Tommy Ettinger, public domain): a small seeded generator for simulations. */
function seededUniform(seed) {
    if (!isInteger(seed))
        throw new RangeError(`seed must be an integer, got ${seed}`);
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = imul(t ^ (t >>> 15), t | 1);
        t ^= t + imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/**
 * Paired 0/1 losses of two classifiers on the same events: P(challenger right, champion wrong) =
 * (π + e)/2, P(champion right, challenger wrong) = (π − e)/2, the rest concordant with the
 * champion's accuracy fixed. Returns a generator of [championLoss, challengerLoss].
 */
function pairedAccuracyLosses(s, uniform) {
    const pWin = (s.discordance + s.effect) / 2;
    const pLoss = (s.discordance - s.effect) / 2;
    const pBothWrong = 1 - s.championAccuracy - pWin;
    if (pLoss < 0 || pWin < 0 || pBothWrong < 0 || pBothWrong + pWin + pLoss > 1) {
        throw new RangeError('scenario is not a probability distribution (discordance too small for the effect?)');
    }
    return () => {
        const u = uniform();
        if (u < pWin)
            return [1, 0];
        if (u < pWin + pLoss)
            return [0, 1];
        if (u < pWin + pLoss + pBothWrong)
            return [1, 1];
        return [0, 0];
    };
}
function replicate(scenario, replications, seed, runOne) {
    const draw = pairedAccuracyLosses(scenario, seededUniform(seed));
    const stops = [];
    const promotions = [];
    let rejected = 0;
    for (let r = 0; r < replications; r++) {
        const { outcome, pairs } = runOne(draw);
        stops.push(pairs);
        if (outcome === 1)
            promotions.push(pairs);
        else if (outcome === -1)
            rejected += 1;
    }
    return summarise(replications, promotions, rejected, stops);
}
/** Runs the gate on `replications` seeded streams, every pair looked at. */
function simulateGate(options, scenario, replications, seed) {
    return replicate(scenario, replications, seed, (draw) => {
        const gate = new sequential_gate_1.SequentialGate(options);
        let verdict = gate.verdict();
        for (let i = 0; i < options.maxPairs && verdict.decision === 'CONTINUE'; i++) {
            const [a, b] = draw();
            verdict = gate.update(a, b, i);
        }
        const worse = verdict.decision === 'REJECT' && verdict.reason !== 'MAX_PAIRS';
        return { outcome: verdict.decision === 'PROMOTE' ? 1 : worse ? -1 : 0, pairs: gate.n };
    });
}
/**
 * The practice the sequential gate replaces: a fixed-horizon paired t-test (normal critical value;
 * n ≥ 100 at every look) recomputed every `peekEvery` pairs, stopping at the first significant look.
 */
function simulatePeekedTTest(options, scenario, replications, seed) {
    return replicate(scenario, replications, seed, (draw) => {
        const m = new running_moments_1.RunningMoments();
        let outcome = 0;
        while (m.n < options.maxPairs && outcome === 0) {
            const [a, b] = draw();
            m.update(a - b);
            if (m.n % options.peekEvery === 0 && m.variance > 0) {
                const t = m.mean / sqrt(m.variance / m.n);
                if (t > options.criticalValue)
                    outcome = 1;
                else if (t < -options.criticalValue)
                    outcome = -1;
            }
        }
        return { outcome, pairs: m.n };
    });
}
function summarise(replications, promotions, rejected, stops) {
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
function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
//# sourceMappingURL=simulation.js.map