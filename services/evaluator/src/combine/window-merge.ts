import { type PerformanceReport } from '@continuum/events';
import { type EstimationSource } from '../evaluation/estimation';
import { WindowState } from '../evaluation/window-state';
import { SEP, parts } from '../state/keys';
import { type PendingState } from '../state/pending-state';
import {
  type CombinerMeta,
  type StoredPartial,
  combinedProgress,
  partialsThrough,
} from './combiner-progress';

/**
 * Merges the stored partials of every window that all source partitions have closed since the
 * last publication into one report per model version and window (in window-end, model, version
 * order), deletes them and advances `meta.published`. A partition publishes its partials before its
 * marker on the same (single-partition) topic, so a window passed by every marker has all of them.
 */
export async function mergeCompleteWindows(
  meta: CombinerMeta,
  state: PendingState,
  producedAt: number,
  estimation?: EstimationSource,
): Promise<PerformanceReport[]> {
  const reports: PerformanceReport[] = [];
  const complete = combinedProgress(meta);
  if (complete === null || (meta.published !== null && complete <= meta.published)) return reports;
  const range = partialsThrough(complete);
  let group:
    | {
        id: string;
        windowEnd: number;
        modelId: string;
        version: string;
        windowStart: number;
        merged: WindowState;
      }
    | undefined;
  const finish = () => {
    if (!group) return;
    reports.push(
      group.merged.toReport(
        {
          modelId: group.modelId,
          modelVersion: group.version,
          windowStart: group.windowStart,
          windowEnd: group.windowEnd,
          producedAt,
        },
        estimation?.get(group.modelId, group.version) ?? null,
      ),
    );
    group = undefined;
  };
  for await (const [key, partial] of state.range<StoredPartial>(range.gte, range.lt)) {
    const [, , endText, modelId, version] = parts(key);
    const id = `${endText}${SEP}${modelId}${SEP}${version}`;
    if (!group || group.id !== id) {
      finish();
      await estimation?.prepare([[modelId, version]]);
      group = {
        id,
        windowEnd: Number(endText),
        modelId,
        version,
        windowStart: partial.windowStart,
        merged: new WindowState(),
      };
    }
    group.merged.merge(WindowState.fromJSON(partial.state, `partial ${key.split(SEP).slice(2).join('/')}`));
    state.delete(key);
  }
  finish();
  meta.published = complete;
  return reports;
}
