import { type DetectorCheckpoint } from '@continuum/drift';
import { type WindowEstimationJSON } from '../evaluation/estimation';
import { type Prediction, type PredictionOutput } from '@continuum/events';
import { type LabelValue, type ModelTask } from '../evaluation/task';

/** The stored rows of one partition's join, as PendingState holds them (JSON). */

export interface StoredPrediction {
  t: number;
  /** Joined already: kept (without features) until the horizon so that duplicates are recognised. */
  joined?: true;
  /**
   * A joined version's pair, when it went into an open window: its pair row (R) is a function of
   * this marker (`pairRowOf`), so R is kept on the local disk only and rebuilt after a restore.
   */
  r?: JoinedPair;
  entityId?: string | null;
  numeric?: Record<string, number | null>;
  categorical?: Record<string, string | null>;
  segments?: Record<string, string>;
  output?: PredictionOutput;
}

/** A prediction waiting for its label, per model version. */
export interface PredictionEntry {
  v: Record<string, StoredPrediction>;
}

/** A label waiting until the horizon for predictions of other versions. */
export interface LabelEntry {
  t: number;
  y: LabelValue;
  /** Predictions (versions) joined with it. */
  m: number;
}

/** One joined pair stored in its (open) window until the window closes. */
export interface PairRow {
  v: string;
  pt: number;
  lt: number;
  s: number | null;
  c: string | null;
  q: Record<string, number> | null;
  y: LabelValue;
}

/** What a joined version's marker keeps of its pair: the pair row without what the marker and key hold. */
export type JoinedPair = Omit<PairRow, 'v' | 'pt'>;

/** The pair row (R) of a joined version whose marker carries its pair. */
export function pairRowOf(version: string, marker: StoredPrediction & { r: JoinedPair }): PairRow {
  return { v: version, pt: marker.t, ...marker.r };
}

/** Per window and model version. */
export interface Counts {
  /** Predictions made in the window. */
  p: number;
  /** Predictions whose horizon ended in the window without a label. */
  x: number;
  /** Label-free estimator state over the window's predictions, updated as each one arrives. */
  e?: WindowEstimationJSON;
}

/** A model version's task and error detector on this partition. */
export interface VersionInfo {
  task: ModelTask;
  detector: DetectorCheckpoint;
  /** Errors the detector has seen. */
  n: number;
}

export function storedPrediction(x: Prediction): StoredPrediction {
  return {
    t: x.timestamp,
    entityId: x.entityId,
    numeric: x.numeric,
    categorical: x.categorical,
    segments: x.segments,
    output: x.output,
  };
}
