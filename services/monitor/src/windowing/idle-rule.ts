/**
 * When a source partition counts as idle. Silence proves nothing: a consumer cut off from a
 * stalled or restarting broker hears nothing either while records wait for it. So idleness needs
 * the broker's word: the partition's log-end offset, fetched now, is the offset the state covers
 * (Kafka Streams' rule for `max.task.idle.ms`, KIP-695).
 */
export type IdleVerdict =
  | { readonly idle: true }
  | { readonly idle: false; readonly reason: 'recent-records' | 'log-end-unknown' | 'records-left-to-read' };

/** The state covering every record before `nextOffset` has nothing left to read. */
export function caughtUp(nextOffset: number, logEndOffset: number | undefined): boolean {
  return logEndOffset !== undefined && nextOffset >= 0 && nextOffset >= logEndOffset;
}

/**
 * Stage 1's rule: idle when no record arrived for `idleTimeoutMs` (processing time, since the
 * later of the last record and the assignment) and the broker's log-end offset, fetched just
 * now (undefined when the broker did not answer), is `nextOffset`.
 */
export function idleVerdict(
  partition: { readonly quietSince: number; readonly nextOffset: number },
  logEndOffset: number | undefined,
  now: number,
  idleTimeoutMs: number,
): IdleVerdict {
  if (now - partition.quietSince < idleTimeoutMs) return { idle: false, reason: 'recent-records' };
  if (logEndOffset === undefined) return { idle: false, reason: 'log-end-unknown' };
  if (!caughtUp(partition.nextOffset, logEndOffset)) return { idle: false, reason: 'records-left-to-read' };
  return { idle: true };
}
