import { type ModelPolicy } from '../policy/policy';
import { type RequestHistory } from './request-history';

export const DAY_MS = 86_400_000;

export type GuardName = 'cooldown' | 'budget';

export type GuardVerdict = { allowed: true } | { allowed: false; guard: GuardName; until: number };

/**
 * The cooldown: no automatic request within `cooldownMs` of the model's last request (any reason,
 * MANUAL included, so a person's retrain also quiets the automatic triggers for a while).
 */
export function cooldownVerdict(policy: ModelPolicy, history: RequestHistory, now: number): GuardVerdict {
  const last = history.last(policy.modelId);
  if (last && now - last.requestedAt < policy.cooldownMs) {
    return { allowed: false, guard: 'cooldown', until: last.requestedAt + policy.cooldownMs };
  }
  return { allowed: true };
}

/** The daily budget: at most `dailyBudget` requests of the model (all reasons) in any 24 hours. */
export function budgetVerdict(policy: ModelPolicy, history: RequestHistory, now: number): GuardVerdict {
  const recent = history.since(policy.modelId, now - DAY_MS);
  if (recent.length >= policy.dailyBudget) {
    // The budget frees up when the oldest request of the day leaves the 24-hour window.
    const oldest = recent[recent.length - policy.dailyBudget];
    return { allowed: false, guard: 'budget', until: oldest.requestedAt + DAY_MS };
  }
  return { allowed: true };
}

/** Both guards, cooldown first, for automatic signals. */
export function automaticVerdict(policy: ModelPolicy, history: RequestHistory, now: number): GuardVerdict {
  const cooldown = cooldownVerdict(policy, history, now);
  return cooldown.allowed ? budgetVerdict(policy, history, now) : cooldown;
}
