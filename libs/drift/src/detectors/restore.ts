import { InvalidStateError } from '../errors';
import { Adwin } from './adwin';
import { Ddm } from './ddm';
import type { DetectorCheckpoint, DriftDetector } from './detector';
import { Eddm } from './eddm';
import { HddmA } from './hddm-a';
import { HddmW } from './hddm-w';
import { Kswin } from './kswin';
import { PageHinkley } from './page-hinkley';

/**
 * Restores any detector from its `toJSON()` checkpoint; the restored detector continues exactly as
 * if it had never stopped.
 */
export function restoreDetector(checkpoint: DetectorCheckpoint | unknown): DriftDetector {
  const name = (checkpoint as Partial<DetectorCheckpoint> | null)?.detector;
  switch (name) {
    case 'ADWIN':
      return Adwin.fromJSON(checkpoint);
    case 'DDM':
      return Ddm.fromJSON(checkpoint);
    case 'EDDM':
      return Eddm.fromJSON(checkpoint);
    case 'PageHinkley':
      return PageHinkley.fromJSON(checkpoint);
    case 'KSWIN':
      return Kswin.fromJSON(checkpoint);
    case 'HDDM_A':
      return HddmA.fromJSON(checkpoint);
    case 'HDDM_W':
      return HddmW.fromJSON(checkpoint);
    default:
      throw new InvalidStateError(`unknown detector '${String(name)}' in checkpoint`);
  }
}
