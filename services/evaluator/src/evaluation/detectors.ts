import {
  Adwin,
  Ddm,
  type DetectorName,
  type DriftDetector,
  Eddm,
  HddmA,
  HddmW,
  Kswin,
  PageHinkley,
} from '@continuum/drift';
import { type ModelTask } from './task';

export const DETECTOR_NAMES = ['ADWIN', 'DDM', 'EDDM', 'PageHinkley', 'KSWIN', 'HDDM_A', 'HDDM_W'] as const;

/**
 * Detectors that take any real value. The others expect 0/1 errors (DDM, EDDM) or values bounded
 * in [0, 1] (HDDM), so a regression model's absolute errors go to ADWIN instead.
 */
const REAL_VALUED = new Set<DetectorName>(['ADWIN', 'PageHinkley', 'KSWIN']);

/** The detector actually run on a model version's error stream. */
export function detectorFor(configured: DetectorName, task: ModelTask): DetectorName {
  return task === 'REGRESSION' && !REAL_VALUED.has(configured) ? 'ADWIN' : configured;
}

/** A fresh detector with River's default parameters; KSWIN's sampler is seeded from the model version. */
export function createDetector(name: DetectorName, seedText: string): DriftDetector {
  switch (name) {
    case 'ADWIN':
      return new Adwin();
    case 'DDM':
      return new Ddm();
    case 'EDDM':
      return new Eddm();
    case 'PageHinkley':
      return new PageHinkley();
    case 'KSWIN':
      return new Kswin({ seed: fnv1a(seedText) });
    case 'HDDM_A':
      return new HddmA();
    case 'HDDM_W':
      return new HddmW();
  }
}

/** Whether the detector's last update was in its warning zone (false for detectors without one). */
export function inWarning(detector: DriftDetector): boolean {
  return (detector as { warningDetected?: boolean }).warningDetected === true;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
