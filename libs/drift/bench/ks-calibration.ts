/**
 * Calibration and power of the monitor's default KS path. Run from the repository root:
 *
 *   npm run calibration -w @continuum/drift      (KS_CALIBRATION_QUICK=1 for a short run, written
 *                                                to .cache/bench/ instead of beside this file)
 *
 * Seeded: the same run writes the same numbers. Per shape (normal, log-normal, uniform), reference
 * of 1000 rows (a fresh one per trial) and windows of 3000 values, α = 0.05, one test per window
 * (no correction):
 *   - A/A rejection rate of the default path (window counts on the reference grid, evaluateDrift),
 *     of KS on the raw data (ks_2samp, exact) and of the former sketch-based path (p at D − maxError);
 *   - power at mean shifts of 0.1σ, 0.2σ, 0.5σ, for the same three, without and with the default
 *     KS effect-size floor (D ≥ 0.1).
 * Writes bench/ks-calibration.json and bench/ks-calibration.md next to this file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { DEFAULT_EFFECT_SIZE_FLOORS } from '../src';
import { type Shape, ksTrial } from '../test/ks-simulation';
import { memoryMiB, reportResult } from '../../../bench/lib/results';

const QUICK = process.env.KS_CALIBRATION_QUICK === '1';
const ALPHA = 0.05;
const FLOOR = DEFAULT_EFFECT_SIZE_FLOORS.KS;
const REFERENCE_ROWS = 1000;
const WINDOW_ROWS = 3000;
const AA_TRIALS = QUICK ? 100 : 1000;
const POWER_TRIALS = QUICK ? 50 : 300;
const SHAPES: readonly Shape[] = ['normal', 'log-normal', 'uniform'];
const SHIFTS = [0.1, 0.2, 0.5];

interface Rates {
  shape: Shape;
  shiftSd: number;
  trials: number;
  defaultPath: number;
  rawKs: number;
  sketchPath: number;
  defaultPathWithFloor: number;
  rawKsWithFloor: number;
  sketchPathWithFloor: number;
}

function rates(shape: Shape, shiftSd: number, trials: number, seedBase: number): Rates {
  const c = { p: 0, raw: 0, sketch: 0, pF: 0, rawF: 0, sketchF: 0 };
  for (let t = 0; t < trials; t++) {
    const o = ksTrial({
      shape,
      shiftSd,
      referenceRows: REFERENCE_ROWS,
      windowRows: WINDOW_ROWS,
      seed: seedBase + t,
      withSketch: true,
    });
    const floorMet = o.d >= FLOOR;
    const rawFloorMet = o.rawD >= FLOOR;
    if (o.p < ALPHA) c.p++;
    if (o.rawP < ALPHA) c.raw++;
    if (o.sketchP < ALPHA) c.sketch++;
    if (o.p < ALPHA && floorMet) c.pF++;
    if (o.rawP < ALPHA && rawFloorMet) c.rawF++;
    // The sketch path's effect size is its own D, within maxError of the raw D; the raw D is used here.
    if (o.sketchP < ALPHA && rawFloorMet) c.sketchF++;
  }
  return {
    shape,
    shiftSd,
    trials,
    defaultPath: c.p / trials,
    rawKs: c.raw / trials,
    sketchPath: c.sketch / trials,
    defaultPathWithFloor: c.pF / trials,
    rawKsWithFloor: c.rawF / trials,
    sketchPathWithFloor: c.sketchF / trials,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Wilson 95 % interval of a rate observed in `n` trials. */
function wilson(rate: number, n: number): [number, number] {
  const z = 1.959964;
  const centre = (rate + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((rate * (1 - rate)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Writes a file formatted as the repository's prettier check wants it. */
async function writeFormatted(path: string, text: string, parser: 'json' | 'markdown'): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, parser }));
}

async function main(): Promise<void> {
  const started = Date.now();
  const load = loadavg()[0];
  const aa: Rates[] = [];
  const power: Rates[] = [];
  SHAPES.forEach((shape, s) => {
    aa.push(rates(shape, 0, AA_TRIALS, 1_000_000 * (s + 1)));
    console.log(
      `A/A ${shape}: default ${pct(aa[aa.length - 1].defaultPath)}, raw ${pct(aa[aa.length - 1].rawKs)}`,
    );
    SHIFTS.forEach((shift, k) => {
      power.push(rates(shape, shift, POWER_TRIALS, 1_000_000 * (s + 1) + 100_000 * (k + 1)));
      const r = power[power.length - 1];
      console.log(
        `power ${shape} ${shift}σ: default ${pct(r.defaultPath)}, raw ${pct(r.rawKs)}, sketch ${pct(r.sketchPath)}`,
      );
    });
  });
  const seconds = (Date.now() - started) / 1000;
  const pooled = aa.reduce((n, r) => n + r.defaultPath * r.trials, 0) / aa.reduce((n, r) => n + r.trials, 0);
  const pooledInterval = wilson(
    pooled,
    aa.reduce((n, r) => n + r.trials, 0),
  );
  const goals = {
    aaWithinHalfAlphaToAlpha: aa.every((r) => r.defaultPath >= ALPHA / 2 && r.defaultPath <= ALPHA),
    aaPooled: pooled,
    aaPooledInterval95: pooledInterval,
    aaIdenticalToRawKs: aa.every((r) => r.defaultPath === r.rawKs),
    powerAt02WithinTenPercentOfRaw: power
      .filter((r) => r.shiftSd === 0.2)
      .every((r) => r.defaultPath >= 0.9 * r.rawKs),
  };
  const result = {
    settings: {
      alpha: ALPHA,
      referenceRows: REFERENCE_ROWS,
      windowRows: WINDOW_ROWS,
      aaTrials: AA_TRIALS,
      powerTrials: POWER_TRIALS,
      ksEffectSizeFloor: FLOOR,
      quick: QUICK,
    },
    aa,
    power,
    goals,
    run: { seconds: Math.round(seconds), loadAverage1m: Number(load.toFixed(2)) },
  };
  // The committed results are the full run's; a quick run (as `npm run bench` does) writes beside
  // the other benchmark logs instead of overwriting them with 10× fewer trials.
  const dir = QUICK ? join(__dirname, '..', '..', '..', '.cache', 'bench') : __dirname;
  mkdirSync(dir, { recursive: true });
  await writeFormatted(join(dir, 'ks-calibration.json'), JSON.stringify(result, null, 2), 'json');
  const row = (r: Rates) =>
    `| ${r.shape} | ${r.shiftSd === 0 ? 'A/A' : `${r.shiftSd}σ`} | ${r.trials} | ${pct(r.defaultPath)} | ${pct(r.rawKs)} | ${pct(r.sketchPath)} | ${pct(r.defaultPathWithFloor)} | ${pct(r.rawKsWithFloor)} | ${pct(r.sketchPathWithFloor)} |`;
  const md = [
    '# KS calibration and power of the default path',
    '',
    'Generated by `npm run calibration -w @continuum/drift` (`libs/drift/bench/ks-calibration.ts`, seeded).',
    `Reference ${REFERENCE_ROWS} rows (fresh per trial), windows of ${WINDOW_ROWS} values, α = ${ALPHA}, one test per`,
    'window (no multiple-testing correction). Shifts move the mean by that many standard deviations of',
    'the shape (log-normal: exp(N(0, 1)); uniform: U(0, 1)).',
    '',
    '- **default path**: the window counts its values on the reference grid (the profile’s distinct',
    '  values), `evaluateDrift` computes KS from those counts — D and p-value of `ks_2samp` exactly.',
    '- **raw KS**: `ks_2samp(reference, window)` on the raw values (exact method, as SciPy’s `auto`).',
    '- **former sketch path**: the profile’s summary against the window’s t-digest, p-value at D − maxError.',
    `- **with floor**: drift also needs the effect size D ≥ ${FLOOR} (the default KS effect-size floor).`,
    '',
    '| shape | shift | windows | default path | raw KS | former sketch path | default path, floor | raw KS, floor | former sketch path, floor |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...aa.map(row),
    ...power.map(row),
    '',
    'A/A 95 % intervals (Wilson): ' +
      aa.map((r) => `${r.shape} [${wilson(r.defaultPath, r.trials).map(pct).join(', ')}]`).join('; ') +
      `; pooled ${pct(pooled)} [${pooledInterval.map(pct).join(', ')}].`,
    '',
    `Goals: A/A rate of the default path within [α/2, α] for every shape: **${goals.aaWithinHalfAlphaToAlpha ? 'met' : 'NOT met'}**`,
    `(decisions identical to raw KS in every A/A window: **${goals.aaIdenticalToRawKs ? 'yes' : 'no'}**; the exact KS p-value is valid, so its true rate is at most α);`,
    `power at 0.2σ within 10 % of raw KS for every shape: **${goals.powerAt02WithinTenPercentOfRaw ? 'met' : 'NOT met'}**.`,
    '',
    `Run: ${Math.round(seconds)} s, 1-minute load average ${load.toFixed(2)} at start (2-core machine shared with other builds).`,
    '',
  ].join('\n');
  await writeFormatted(join(dir, 'ks-calibration.md'), md, 'markdown');
  console.log(md);
  reportResult({
    bench: 'ks-calibration',
    name: 'KS drift test: A/A rate and power against raw KS',
    role: 'component',
    ...memoryMiB(),
    note: `A/A pooled ${pct(pooled)} (α 5 %); A/A within [α/2, α]: ${goals.aaWithinHalfAlphaToAlpha ? 'met' : 'NOT met'}; power at 0.2σ within 10 % of raw KS: ${goals.powerAt02WithinTenPercentOfRaw ? 'met' : 'NOT met'}`,
  });
}

void main();
