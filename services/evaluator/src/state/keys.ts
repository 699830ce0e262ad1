/**
 * Key layout of the evaluator's store. Components are separated by NUL (ids containing NUL are
 * dead-lettered), times are zero-padded so that key order is time order, and every partition's keys
 * share a prefix so that partitions never touch each other's entries.
 *
 *   M p                          partition meta: next offsets, event-time progress, closed windows
 *   P p eventId model            predictions waiting for their label (one entry per event and model, a slot per version)
 *   L p eventId model            labels (kept until their horizon: later versions' predictions join them too)
 *   X p expiry kind eventId model   TTL index of P and L entries, in event-time order
 *   R p windowStart model joinTime eventId version   joined pairs of open windows
 *   N p windowStart model version   prediction and expiry counts of open windows
 *   V p model version            a model version's task and concept-drift detector
 *   B p model                    the model's last label (persistence baseline)
 *   Z p                          changelog position: the ct.evaluator-changelog offset this disk's partition state covers (local only)
 *   C ...                        the combiner's state (see combine/)
 *
 * Every kind but Z and C is one partition's join state. All of it but X and R is written to
 * partition p of ct.evaluator-changelog as well (state/changelog-store.ts); X and R are derived
 * from the P and L entries (the TTL times, and the joined markers that carry their pair), so they
 * stay on the local disk and a restore rebuilds them (join/waiting-expiry.ts): per joined pair
 * four changelog records fewer (two X, R and R's tombstone), and two tombstones fewer at expiry.
 */
export const SEP = '\u0000';
/** Sorts after every key that starts with the same prefix + SEP. */
const AFTER = '\u0001';

export function time(ms: number): string {
  return Math.max(0, Math.floor(ms)).toString().padStart(16, '0');
}

function tag(partition: number): string {
  return partition.toString().padStart(5, '0');
}

export interface KeyRange {
  gte: string;
  lt: string;
}

export type EntryKind = 'P' | 'L';

export const keys = {
  meta: (p: number) => `M${SEP}${tag(p)}`,
  prediction: (p: number, eventId: string, modelId: string) =>
    `P${SEP}${tag(p)}${SEP}${eventId}${SEP}${modelId}`,
  label: (p: number, eventId: string, modelId: string) => `L${SEP}${tag(p)}${SEP}${eventId}${SEP}${modelId}`,
  entry: (kind: EntryKind, p: number, eventId: string, modelId: string) =>
    `${kind}${SEP}${tag(p)}${SEP}${eventId}${SEP}${modelId}`,
  expiry: (p: number, expiresAt: number, kind: EntryKind, eventId: string, modelId: string) =>
    `X${SEP}${tag(p)}${SEP}${time(expiresAt)}${SEP}${kind}${SEP}${eventId}${SEP}${modelId}`,
  /** Index entries expiring at or before `upTo`. */
  expiredBy: (p: number, upTo: number): KeyRange => ({
    gte: `X${SEP}${tag(p)}${SEP}`,
    lt: `X${SEP}${tag(p)}${SEP}${time(upTo + 1)}`,
  }),
  pair: (
    p: number,
    windowStart: number,
    modelId: string,
    joinTime: number,
    eventId: string,
    version: string,
  ) =>
    `R${SEP}${tag(p)}${SEP}${time(windowStart)}${SEP}${modelId}${SEP}${time(joinTime)}${SEP}${eventId}${SEP}${version}`,
  counts: (p: number, windowStart: number, modelId: string, version: string) =>
    `N${SEP}${tag(p)}${SEP}${time(windowStart)}${SEP}${modelId}${SEP}${version}`,
  /** Pairs (R) or counts (N) of windows starting in [from, to). */
  windows: (kind: 'R' | 'N', p: number, from: number, to: number): KeyRange => ({
    gte: `${kind}${SEP}${tag(p)}${SEP}${time(from)}`,
    lt: `${kind}${SEP}${tag(p)}${SEP}${time(to)}`,
  }),
  version: (p: number, modelId: string, version: string) =>
    `V${SEP}${tag(p)}${SEP}${modelId}${SEP}${version}`,
  lastLabel: (p: number, modelId: string) => `B${SEP}${tag(p)}${SEP}${modelId}`,
  changelogPosition: (p: number) => `Z${SEP}${tag(p)}`,
  /** Everything of one partition (for tests and tools). */
  partition: (kind: string, p: number): KeyRange => ({
    gte: `${kind}${SEP}${tag(p)}${SEP}`,
    lt: `${kind}${SEP}${tag(p)}${AFTER}`,
  }),
};

/** The kinds of one partition's join state. */
export const PARTITION_KINDS = ['M', 'P', 'L', 'X', 'R', 'N', 'V', 'B'] as const;

/** The kinds of a partition's join state kept on the local disk only (derived, rebuilt after a restore). */
export const LOCAL_INDEX_KINDS: readonly string[] = ['X', 'R'];

/** The partition whose join state `key` belongs to; undefined for the combiner's and the position key. */
export function partitionOf(key: string): number | undefined {
  if (key[1] !== SEP || !(PARTITION_KINDS as readonly string[]).includes(key[0])) return undefined;
  return Number(key.slice(2, 7));
}

/** Whether `key` is join state mirrored in the changelog (not a local index). */
export function isMirrored(key: string): boolean {
  return partitionOf(key) !== undefined && !LOCAL_INDEX_KINDS.includes(key[0]);
}

/** Splits a key into its components (the first is the kind letter). */
export function parts(key: string): string[] {
  return key.split(SEP);
}
