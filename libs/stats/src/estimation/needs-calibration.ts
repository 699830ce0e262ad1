import { rocAuc } from '../metrics/formulas';
import { seededUniform } from '../sequential/simulation';
import { IsotonicCalibrator } from './isotonic-calibrator';

/**
 * Whether isotonic calibration improves the scores, decided as NannyML decides it: over 10
 * stratified 90/10 shuffle splits of the reference, fit the calibrator on the 90 % and calibrate
 * the 10 %; pool the held-out rows and compare the expected calibration error (10 bins of equal
 * row count, rows sorted by score) before and after. No when one class only or ROC AUC > 0.999.
 *
 * The splits are drawn from a seeded generator, not scikit-learn's StratifiedShuffleSplit(42), so
 * on a reference where the two ECEs are nearly equal the decision can differ from NannyML's.
 */
export function needsCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>, seed = 42): boolean {
  const n = labels.length;
  const byClass: number[][] = [[], []];
  for (let i = 0; i < n; i++) byClass[labels[i] === 1 ? 1 : 0].push(i);
  if (byClass[0].length === 0 || byClass[1].length === 0) return false;
  if (rocAuc(labels, scores) > 0.999) return false;
  const random = seededUniform(seed);
  const heldLabels: number[] = [];
  const heldScores: number[] = [];
  const heldCalibrated: number[] = [];
  for (let split = 0; split < 10; split++) {
    const train: number[] = [];
    const test: number[] = [];
    for (const rows of byClass) {
      const shuffled = shuffle(rows, random);
      const testCount = Math.max(1, Math.round(rows.length * 0.1));
      test.push(...shuffled.slice(0, testCount));
      train.push(...shuffled.slice(testCount));
    }
    const calibrator = IsotonicCalibrator.fit(
      train.map((i) => scores[i]),
      train.map((i) => labels[i]),
    );
    for (const i of test) {
      heldLabels.push(labels[i]);
      heldScores.push(scores[i]);
      heldCalibrated.push(calibrator.calibrate(scores[i]));
    }
  }
  return equalCountEce(heldLabels, heldScores) > equalCountEce(heldLabels, heldCalibrated);
}

function shuffle(rows: number[], random: () => number): number[] {
  const out = rows.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** ECE over bins of equal row count (NannyML's binning: the last bin takes the remainder). */
function equalCountEce(labels: number[], probabilities: number[]): number {
  const n = labels.length;
  const bins = n <= 20 ? Math.max(1, Math.floor(n / 2)) : 10;
  const width = Math.floor(n / bins);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probabilities[a] - probabilities[b]);
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const start = b * width;
    const end = b === bins - 1 ? n : start + width;
    let p = 0;
    let y = 0;
    for (let k = start; k < end; k++) {
      p += probabilities[order[k]];
      y += labels[order[k]];
    }
    ece += Math.abs(p - y) / n; // = weight · |mean p − mean y|
  }
  return ece;
}
