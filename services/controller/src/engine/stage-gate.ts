import { type ModelStage } from '@continuum/events';

/** What the controller needs of the registry: `@continuum/registry`'s RegistryView fits. */
export interface StageLookup {
  model(modelId: string): unknown;
  stageOf(modelId: string, version: string): ModelStage | undefined;
}

export type StageVerdict =
  /** The report is about the model's CHAMPION (or the model as a whole): its signals count. */
  | { counts: true; why: 'champion' | 'model-level' | 'unregistered-model' }
  /** A SHADOW, CANDIDATE, ARCHIVED, REJECTED or unregistered version: no retrain request for it. */
  | { counts: false; stage: ModelStage | 'UNREGISTERED_VERSION' };

/**
 * Whether a drift or performance report may raise a retrain request: only the champion's may. A
 * shadow or candidate is being tested against the champion, and its bad windows are the promoter's
 * business, not a reason to retrain. Reports of the model as a whole (feature observations,
 * version '') count; so do all reports of a model the registry does not know (a model monitored
 * without registering it keeps the behaviour it had before the registry).
 */
export function stageVerdict(
  stages: StageLookup | undefined,
  modelId: string,
  version: string,
): StageVerdict {
  if (version === '') return { counts: true, why: 'model-level' };
  if (!stages?.model(modelId)) return { counts: true, why: 'unregistered-model' };
  const stage = stages.stageOf(modelId, version);
  if (stage === 'CHAMPION') return { counts: true, why: 'champion' };
  return { counts: false, stage: stage ?? 'UNREGISTERED_VERSION' };
}
