import { type ModelStage, type TrainingStrategy } from './model';

/**
 * Why a stage change is refused. Each code is one rule of the state machine:
 * - `TERMINAL`: a REJECTED version never changes stage again;
 * - `ALREADY_IN_STAGE`: the version is in that stage already;
 * - `CHAMPION_NEEDS_SUCCESSOR`: a champion leaves only when another version becomes champion
 *   (it is then ARCHIVED in the same event), never on its own;
 * - `NOT_FROM_STAGE`: the target cannot be reached from the current stage (e.g. CANDIDATE→ARCHIVED,
 *   SHADOW→CANDIDATE);
 * - `CHAMPION_EXISTS`: registering a version directly as CHAMPION, or promoting a CANDIDATE without
 *   the SHADOW stage, is only for a model without a champion (first deployment), or for EXTERNAL
 *   versions registered as champion by the team that deployed them.
 */
export type TransitionRefusal =
  'TERMINAL' | 'ALREADY_IN_STAGE' | 'CHAMPION_NEEDS_SUCCESSOR' | 'NOT_FROM_STAGE' | 'CHAMPION_EXISTS';

export type TransitionVerdict =
  | {
      ok: true;
      /** The version that is archived because this one becomes champion. */
      archives: string | null;
    }
  | { ok: false; refusal: TransitionRefusal; message: string };

/** What a transition is judged against: the version's stage and its model's champion. */
export interface TransitionContext {
  version: string;
  from: ModelStage;
  to: ModelStage;
  /** The model's champion version before the change, if any. */
  champion: string | null;
}

/**
 * The stage changes a version may make, by current stage. CANDIDATE→SHADOW→CHAMPION→ARCHIVED is
 * the path of a retrained version; any non-champion may be REJECTED; an ARCHIVED former champion
 * may become CHAMPION again (rollback).
 */
const NEXT: Readonly<Record<ModelStage, readonly ModelStage[]>> = {
  CANDIDATE: ['SHADOW', 'CHAMPION', 'REJECTED'],
  SHADOW: ['CHAMPION', 'REJECTED'],
  CHAMPION: ['ARCHIVED'],
  ARCHIVED: ['CHAMPION', 'REJECTED'],
  REJECTED: [],
};

function refuse(refusal: TransitionRefusal, message: string): TransitionVerdict {
  return { ok: false, refusal, message };
}

/** Whether `from → to` is legal for a version of a model whose champion is `champion`. */
export function judgeTransition({ version, from, to, champion }: TransitionContext): TransitionVerdict {
  if (from === to) return refuse('ALREADY_IN_STAGE', `version ${version} is already ${to}`);
  if (from === 'REJECTED')
    return refuse('TERMINAL', `version ${version} is REJECTED; it cannot change stage`);
  if (from === 'CHAMPION') {
    return refuse(
      'CHAMPION_NEEDS_SUCCESSOR',
      `version ${version} is the CHAMPION; it is ARCHIVED only when another version becomes CHAMPION`,
    );
  }
  if (!NEXT[from].includes(to)) {
    return refuse('NOT_FROM_STAGE', `version ${version} cannot go from ${from} to ${to}`);
  }
  if (to === 'CHAMPION' && from === 'CANDIDATE' && champion !== null) {
    return refuse(
      'CHAMPION_EXISTS',
      `version ${version} is a CANDIDATE and version ${champion} is CHAMPION: a candidate becomes champion through SHADOW`,
    );
  }
  return { ok: true, archives: to === 'CHAMPION' ? champion : null };
}

/**
 * The stage a new version may be registered in: CANDIDATE (the default), SHADOW, or CHAMPION when
 * the model has no champion yet or the version is EXTERNAL (a team registering the version it
 * deployed; the previous champion is archived).
 */
export function judgeRegistrationStage(
  version: string,
  stage: ModelStage,
  strategy: TrainingStrategy,
  champion: string | null,
): TransitionVerdict {
  if (stage === 'CANDIDATE' || stage === 'SHADOW') return { ok: true, archives: null };
  if (stage === 'CHAMPION') {
    if (champion === null || strategy === 'EXTERNAL') return { ok: true, archives: champion };
    return refuse(
      'CHAMPION_EXISTS',
      `version ${version} cannot be registered as CHAMPION: version ${champion} is CHAMPION (register it as CANDIDATE and promote it)`,
    );
  }
  return refuse('NOT_FROM_STAGE', `a version is registered as CANDIDATE, SHADOW or CHAMPION, not ${stage}`);
}

/** Stages reachable from `from` for some champion state (for API documentation and clients). */
export function nextStages(from: ModelStage): readonly ModelStage[] {
  return NEXT[from];
}
