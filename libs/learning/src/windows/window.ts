import type { TimedExample } from '../example';

/**
 * A chosen set of training examples and how it was chosen; `start`/`end` are the oldest and
 * newest event times in it. `details` is what a model version's metadata records about it.
 */
export interface WindowSelection {
  readonly strategy: 'fixed' | 'dynamic' | 'representative';
  readonly examples: TimedExample[];
  readonly count: number;
  readonly start: number | null;
  readonly end: number | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What a model version's metadata records about its training window (no examples). */
export function windowMetadata(selection: WindowSelection): Record<string, unknown> {
  return {
    strategy: selection.strategy,
    count: selection.count,
    start: selection.start,
    end: selection.end,
    ...selection.details,
  };
}
