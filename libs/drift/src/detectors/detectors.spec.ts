import { Mismatches, loadVectors } from '../../../stats/test/vectors';
import { Adwin } from './adwin';
import { Ddm } from './ddm';
import type { DriftDetector } from './detector';
import { Eddm } from './eddm';
import { HddmA } from './hddm-a';
import { HddmW } from './hddm-w';
import { Kswin } from './kswin';
import { PageHinkley } from './page-hinkley';
import { PythonRandom } from './python-random';
import { restoreDetector } from './restore';

interface Run {
  detector: string;
  params: Record<string, unknown>;
  stream: string;
  drifts: number[];
  warnings: number[];
}

const vectors = loadVectors('detectors');
const runs: Run[] = vectors.runs;

function stream(name: string): number[] {
  const s = vectors.streams[name];
  return typeof s === 'string' ? Array.from(s, (c) => (c === '1' ? 1 : 0)) : s;
}

function make(run: Run): DriftDetector {
  const p = run.params as Record<string, never>;
  switch (run.detector) {
    case 'ADWIN':
      return new Adwin(p);
    case 'DDM':
      return new Ddm(p);
    case 'EDDM':
      return new Eddm(p);
    case 'PageHinkley':
      return new PageHinkley(p);
    case 'KSWIN':
      return new Kswin(p);
    case 'HDDM_A':
      return new HddmA(p);
    case 'HDDM_W':
      return new HddmW(p);
    default:
      throw new Error(`unknown detector ${run.detector}`);
  }
}

/** Feeds the stream; optionally checkpoints through JSON text every `checkpointEvery` values. */
function feed(detector: DriftDetector, values: number[], checkpointEvery = 0) {
  const drifts: number[] = [];
  const warnings: number[] = [];
  let d = detector;
  values.forEach((x, i) => {
    if (checkpointEvery > 0 && i > 0 && i % checkpointEvery === 0) {
      d = restoreDetector(JSON.parse(JSON.stringify(d.toJSON())));
    }
    d.update(x);
    if (d.driftDetected) drifts.push(i);
    if ('warningDetected' in d && d.warningDetected) warnings.push(i);
  });
  return { drifts, warnings };
}

const label = (r: Run) => `${r.detector} ${JSON.stringify(r.params)} on ${r.stream}`;

describe('concept-drift detectors against River 0.26.1', () => {
  it.each(runs.map((r) => [label(r), r] as const))(
    '%s: identical drift and warning indices',
    (_label, run) => {
      const got = feed(make(run), stream(run.stream));
      expect(got.drifts).toEqual(run.drifts);
      expect(got.warnings).toEqual(run.warnings);
    },
  );

  it('the vectors exercise detections and warnings for every detector', () => {
    for (const name of ['ADWIN', 'DDM', 'EDDM', 'PageHinkley', 'KSWIN', 'HDDM_A', 'HDDM_W']) {
      const mine = runs.filter((r) => r.detector === name);
      expect(mine.reduce((s, r) => s + r.drifts.length, 0)).toBeGreaterThan(0);
      if (['DDM', 'EDDM', 'HDDM_A', 'HDDM_W'].includes(name)) {
        expect(mine.reduce((s, r) => s + r.warnings.length, 0)).toBeGreaterThan(0);
      }
    }
  });
});

describe('checkpoints', () => {
  it.each(runs.map((r) => [label(r), r] as const))(
    '%s: restoring from JSON every 97 values changes nothing',
    (_label, run) => {
      const got = feed(make(run), stream(run.stream), 97);
      expect(got.drifts).toEqual(run.drifts);
      expect(got.warnings).toEqual(run.warnings);
    },
  );

  it('rejects checkpoints of another detector, version or shape', () => {
    const adwin = new Adwin().update(1).toJSON();
    expect(() => Ddm.fromJSON(adwin)).toThrow(/for detector 'ADWIN', not 'DDM'/);
    expect(() => restoreDetector({ ...adwin, version: 2 })).toThrow(/version 2/);
    expect(() => restoreDetector({ ...adwin, state: { ...adwin.state, width: 7 } })).toThrow(
      /does not match/,
    );
    expect(() => restoreDetector({ detector: 'Nope' })).toThrow(/unknown detector 'Nope'/);
    expect(() => restoreDetector({ ...new Ddm().toJSON(), state: { n: 'x' } })).toThrow(
      /state.n must be a number/,
    );
  });
});

describe('inputs', () => {
  it('binary detectors accept booleans and 0/1 only', () => {
    expect(() => new Ddm().update(0.5)).toThrow(/0, 1 or a boolean/);
    expect(new Eddm().update(true).update(false).driftDetected).toBe(false);
    expect(() => new HddmA().update(2)).toThrow(/\[0, 1\]/);
  });

  it('numeric detectors reject non-finite values', () => {
    expect(() => new Adwin().update(NaN)).toThrow(/finite number/);
    expect(() => new PageHinkley().update(Infinity)).toThrow(/finite number/);
  });

  it('validates parameters', () => {
    expect(() => new Adwin({ clock: 0 })).toThrow(/clock must be an integer >= 1/);
    expect(() => new Eddm({ alpha: 0.8, beta: 0.9 })).toThrow(/alpha/);
    expect(() => new Kswin({ windowSize: 50, statSize: 30 })).toThrow(/statSize/);
    expect(() => new PageHinkley({ mode: 'sideways' as never })).toThrow(/mode/);
  });
});

describe("CPython's random.Random as KSWIN uses it", () => {
  it('draws the same samples as random.Random(seed).sample(range(n), k)', () => {
    const m = new Mismatches();
    for (const d of vectors.pythonRandom) {
      const r = new PythonRandom(d.seed);
      d.samples.forEach((expected: number[], i: number) =>
        m.equal(`seed ${d.seed} #${i}`, r.sampleRange(d.population, d.k), expected),
      );
      m.equal(`seed ${d.seed} next getrandbits(32)`, r.getRandBits(32), d.next32);
    }
    expect(m.list).toEqual([]);
  });
});
