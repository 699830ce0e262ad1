import { type HeavyHitter, type ReferenceProfile, SpaceSaving, WindowProfile } from '@continuum/drift';
import { type MonitorWindowPartial } from '@continuum/events';
import { segmentKeyOf } from '../streams/segment-table';
import { subjectKey } from '../streams/stream-identity';
import { type PendingWindow } from './combiner-state';

/** One segment of a key to report for one window, and the partials (of every partition) it merges. */
export interface ChosenSegment {
  /** `key=value`, or `key=other` for everything not reported on its own. */
  readonly segment: string;
  /** In merge order: source partition, then the segment each partial was windowed in. */
  readonly partials: readonly MonitorWindowPartial[];
}

export interface SegmentChoice {
  /** The reported values, most frequent first, then `key=other` (when it holds any partial). */
  readonly segments: readonly ChosenSegment[];
  /** Among the K most frequent values, those some partition folded into `other`: reported within it. */
  readonly foldedTopValues: readonly string[];
  /** The window's value counts the choice was made on (upper bounds: exact counts plus folded estimates). */
  readonly counts: readonly HeavyHitter[];
}

const byPartitionThenSegment = (a: MonitorWindowPartial, b: MonitorWindowPartial) =>
  a.sourcePartition - b.sourcePartition ||
  (a.stream.segment < b.stream.segment ? -1 : a.stream.segment > b.stream.segment ? 1 : 0);

/**
 * Which values of a segment key get a report of their own in one window, for a key whose values the
 * reference profile does not give (stage 1 windowed every value it could as a candidate and folded
 * the rest into `key=other`, counting them in a SpaceSaving sketch per partial):
 *
 * - the window's count of a value is its candidates' exact event counts plus its estimate in the
 *   folded sketches merged across partitions (Agarwal et al. 2012's mergeable SpaceSaving): the K
 *   (`maxValues`) most frequent are chosen, ties by value — exactly the window's top K while no
 *   partition folded more distinct values than its sketch holds;
 * - a chosen value is reported on its own only if no partition folded any of its events (its
 *   estimate is 0 in every partition's folded sketch; a `key=other` partial without a sketch may
 *   hold anything): otherwise its events are split between its own partials and `other` on some
 *   partition, and it is reported within `other` (`foldedTopValues`);
 * - `other` merges everything else: the folded partials and the candidates not chosen.
 *
 * So every report holds exactly the window's events of what its segment names, whatever the
 * partitioning: the statistics one process holding all those events would compute (see
 * segment-choice.spec.ts). Pure.
 */
export function chooseSegments(
  key: string,
  partials: readonly MonitorWindowPartial[],
  maxValues: number,
): SegmentChoice {
  const otherSegment = `${key}=other`;
  const exact = new Map<string, number>();
  const others: MonitorWindowPartial[] = [];
  for (const p of partials) {
    if (p.stream.segment === otherSegment) others.push(p);
    else {
      const value = p.stream.segment.slice(key.length + 1);
      exact.set(value, (exact.get(value) ?? 0) + p.eventCount);
    }
  }
  others.sort(byPartitionThenSegment);
  const sketches = others.map((p) => (p.foldedValues ? SpaceSaving.fromBytes(p.foldedValues) : undefined));
  const known = sketches.filter((s): s is SpaceSaving => s !== undefined);
  const capacity = Math.max(1, ...known.map((s) => s.capacity));
  const folded = known.reduce((m, s) => m.merge(s), new SpaceSaving(capacity));
  const values = new Set([...exact.keys(), ...folded.top().map((h) => h.value)]);
  values.delete('other');
  const counts = [...values]
    .map((value) => {
      const estimate = folded.estimate(value);
      return { value, count: (exact.get(value) ?? 0) + estimate.count, error: estimate.error };
    })
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const top = counts.slice(0, maxValues).map((h) => h.value);
  const separable = (value: string) =>
    sketches.every((s) => s !== undefined && s.estimate(value).count === 0);
  const reported = top.filter((v) => exact.has(v) && separable(v));
  const segments: ChosenSegment[] = reported.map((value) => ({
    segment: `${key}=${value}`,
    partials: partials.filter((p) => p.stream.segment === `${key}=${value}`).sort(byPartitionThenSegment),
  }));
  const chosen = new Set(segments.map((s) => s.segment));
  const rest = partials.filter((p) => !chosen.has(p.stream.segment)).sort(byPartitionThenSegment);
  if (rest.length > 0) segments.push({ segment: otherSegment, partials: rest });
  return { segments, foldedTopValues: top.filter((v) => !reported.includes(v)), counts };
}

/** The merged window state of partials (in the order given) against `profile`. */
export function mergeStates(
  profile: ReferenceProfile,
  bounds: { start: number; end: number },
  partials: readonly MonitorWindowPartial[],
): WindowProfile {
  const merged = new WindowProfile(profile, bounds);
  for (const p of partials) merged.merge(WindowProfile.deserialize(profile, p.state));
  merged.setBounds(bounds);
  return merged;
}

/**
 * Closable windows in reporting groups, in the order given: a window of segment '*' alone; the
 * windows of every segment of one key (same subject, key and window) together, since which values
 * of the key are reported on their own is decided over all of them — with the `pending` windows of
 * that group that are not closable yet (they obey the same close rule, but one whose first partial
 * came later may have started its idle wait later).
 */
export function segmentGroups(
  closable: readonly PendingWindow[],
  pending: Iterable<PendingWindow> = [],
): PendingWindow[][] {
  const groupOf = (w: PendingWindow) => {
    const key = segmentKeyOf(w.stream.segment);
    return key === undefined ? w.key : JSON.stringify([subjectKey(w.stream.subject), key, w.start, w.end]);
  };
  const groups = new Map<string, PendingWindow[]>();
  for (const w of closable) {
    const id = groupOf(w);
    const group = groups.get(id);
    if (group) group.push(w);
    else groups.set(id, [w]);
  }
  for (const w of pending) {
    const group = groups.get(groupOf(w));
    if (group && !group.includes(w)) group.push(w);
  }
  return [...groups.values()];
}
