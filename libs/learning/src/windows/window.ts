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
