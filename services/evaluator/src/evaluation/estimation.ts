import {
  type EstimationMethod,
  type EstimationWindowJSON,
  type PerformanceEstimation,
  estimationWindowFromJSON,
} from '@continuum/drift';
import { type CbpeWindow, type DleWindow } from '@continuum/stats';

/**
 * Where a model version's performance-estimation reference comes from (the `performanceEstimation`
 * member of its registered reference profile). `prepare` makes the versions' references available
 * to `get`, reading profiles from the artifact store when they are not inline; a version without
 * one (not registered, no labelled reference, a multiclass model) gets null and reports no
 * estimates.
 */
export interface EstimationSource {
  prepare(versions: ReadonlyArray<readonly [modelId: string, version: string]>): Promise<void>;
  get(modelId: string, version: string): PerformanceEstimation | null;
}

/** A window's label-free estimator state: which estimator, and its mergeable state. */
export interface WindowEstimation {
  method: EstimationMethod;
  window: CbpeWindow | DleWindow;
}

/** As stored in a window's counts row and in the partials: method, then the estimator's own JSON. */
export interface WindowEstimationJSON {
  m: EstimationMethod;
  w: EstimationWindowJSON;
}

export function windowEstimationToJSON(e: WindowEstimation): WindowEstimationJSON {
  return { m: e.method, w: e.window.toJSON() };
}

export function windowEstimationFromJSON(json: WindowEstimationJSON): WindowEstimation {
  return { method: json.m, window: estimationWindowFromJSON(json.m, json.w) };
}

/**
 * Adds `b` into `a` (same method: the estimators' exact merge). States of two methods — a version
 * whose profile was replaced by one of another task mid-window — cannot merge: the one with more
 * predictions is kept, so the report still says what most of the window's predictions estimate.
 */
export function mergeWindowEstimations(
  a: WindowEstimation | null,
  b: WindowEstimation | null,
): WindowEstimation | null {
  if (b === null) return a;
  if (a === null) return { method: b.method, window: estimationWindowFromJSON(b.method, b.window.toJSON()) };
  if (a.method === b.method) {
    (a.window as { merge(o: CbpeWindow | DleWindow): void }).merge(b.window);
    return a;
  }
  return b.window.count > a.window.count ? mergeWindowEstimations(null, b) : a;
}
