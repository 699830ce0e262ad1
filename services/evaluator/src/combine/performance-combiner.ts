import { type EvaluatorPartial, type PerformanceReport } from '@continuum/events';
import { type EstimationSource } from '../evaluation/estimation';
import { type SourceRecord } from '../join/partition-progress';
import { type KeyValueStore, type WriteOp } from '../state/key-value-store';
import { PendingState } from '../state/pending-state';
import { type CombinerMeta, META_KEY, emptyCombinerMeta } from './combiner-progress';
import { type IntakeStats, takePartials } from './partial-intake';
import { mergeCompleteWindows } from './window-merge';

export { type CombinerMeta } from './combiner-progress';

export interface CombineResult {
  reports: PerformanceReport[];
  meta: CombinerMeta;
  ops: WriteOp[];
  stats: IntakeStats;
}

/**
 * The second stage of the evaluator: merges the per-partition window states published on
 * ct.evaluator-partials into one report per model version and window. A window is complete when
 * every source partition's progress marker has passed its end (`partial-intake.ts` takes the
 * records, `window-merge.ts` merges complete windows). State and offset are written together, as
 * in the first stage: `process` returns the reports to publish and the one atomic write the shell
 * applies after publishing them.
 */
export class PerformanceCombiner {
  private meta: CombinerMeta | undefined;

  constructor(
    private readonly store: KeyValueStore,
    /** Turns merged estimator states into estimated metrics (none: reports without estimates). */
    private readonly estimation?: EstimationSource,
  ) {}

  async progress(): Promise<CombinerMeta> {
    if (!this.meta) {
      const [raw] = await this.store.getMany([META_KEY]);
      this.meta = raw === undefined ? emptyCombinerMeta() : (JSON.parse(raw) as CombinerMeta);
    }
    return this.meta;
  }

  async process(
    records: ReadonlyArray<SourceRecord<EvaluatorPartial>>,
    producedAt: number,
  ): Promise<CombineResult> {
    const before = await this.progress();
    const meta: CombinerMeta = { ...before, progress: { ...before.progress } };
    const state = new PendingState(this.store);
    const stats = takePartials(meta, records, state);
    const reports = await mergeCompleteWindows(meta, state, producedAt, this.estimation);
    state.set(META_KEY, meta);
    return { reports, meta, ops: state.ops(), stats };
  }

  committed(result: CombineResult): void {
    this.meta = result.meta;
  }

  reset(): void {
    this.meta = undefined;
  }
}
