import { type TrainingPlan } from './plan';
import { NewestSelector, SeededSample } from './selectors';
import { type TrainingExample, withoutDuplicates } from './training-example';

/** What a replay of the pinned ranges kept for training, in the trainer's total order. */
export interface CollectedWindow {
  /** Examples before the hold-out (FIXED_COUNT/DYNAMIC: the newest; otherwise a seeded sample when too many). */
  readonly history: TrainingExample[];
  /** The newest examples, held out for evaluation. */
  readonly holdout: TrainingExample[];
  /** Examples of the model seen in the ranges. */
  readonly seen: number;
  /** Whether `history` is a sample of a larger window (maxExamples). */
  readonly sampled: boolean;
}

/**
 * Collects a plan's window from a replay in any partition order with bounded memory: the newest
 * `holdout` examples in one selector; what leaves it goes to a newest-N selector (count-based
 * windows) or a seeded order-independent sample (duration and representative windows), both
 * bounded by the plan's maxExamples.
 */
export class WindowCollector {
  private readonly holdout: NewestSelector;
  private readonly history: NewestSelector | SeededSample;
  private seen = 0;
  /** FIXED_DURATION: the oldest event time in the window (the replay, by record time, may hold older events). */
  private readonly since: number;

  constructor(plan: TrainingPlan) {
    const { window } = plan;
    this.since = window.kind === 'FIXED_DURATION' ? plan.acceptedAt - window.durationMs! : -Infinity;
    const holdout = Math.min(plan.holdout, Math.max(1, plan.maxExamples - 1));
    const room = Math.max(1, plan.maxExamples - holdout);
    this.holdout = new NewestSelector(holdout);
    switch (window.kind) {
      case 'FIXED_COUNT':
        // The window is the newest `count`; the hold-out is its newest slice (at most a fifth of it).
        this.holdout = new NewestSelector(Math.min(holdout, Math.max(1, Math.floor(window.count! / 5))));
        this.history = new NewestSelector(Math.min(room, window.count! - this.holdout.capacity));
        break;
      case 'DYNAMIC':
        this.history = new NewestSelector(Math.min(room, Math.max(...window.candidateCounts)));
        break;
      default:
        this.history = new SeededSample(room, plan.seed);
    }
  }

  /** Offers one example of the model; memory stays within the plan's bounds. */
  offer(example: TrainingExample): void {
    if (example.timestamp < this.since) return;
    this.seen++;
    const out = this.holdout.offer(example);
    if (out) this.history.offer(out);
  }

  /** Examples kept so far. */
  get kept(): number {
    return this.holdout.size + this.history.size;
  }

  finish(): CollectedWindow {
    // A repeated example is kept once (in the hold-out when one copy is there).
    const holdout = withoutDuplicates(this.holdout.sorted());
    const inHoldout = new Set(holdout.map((e) => e.eventId));
    const history = withoutDuplicates(this.history.sorted()).filter((e) => !inHoldout.has(e.eventId));
    const sampled = this.history instanceof SeededSample && this.history.sampled;
    return { history, holdout, seen: this.seen, sampled };
  }
}
