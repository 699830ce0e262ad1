import { ConfigurationError, InvalidInputError } from '../errors';
import type { TimedExample } from '../example';
import type { WindowSelection } from './window';

/** How much recent data: the last `lastN` examples, or the last `durationMs` of event time. */
export type WindowSize = { readonly lastN: number } | { readonly durationMs: number };

export interface FixedWindowOptions {
  /**
   * End of the window (exclusive for duration windows), epoch ms. Default: just after the
   * newest example. Examples at or after `end` are ignored.
   */
  readonly end?: number;
}

/**
 * Fixed window — the article's "fixed window size": train on the most recent N examples or
 * the most recent T of event time. Works on any iterable source in bounded memory: a
 * min-heap keeps the N newest examples by timestamp (so a source not in time order is
 * handled), and a duration window keeps only examples within T of the newest seen. The
 * selection is returned oldest first.
 */
export function fixedWindow(
  source: Iterable<TimedExample>,
  size: WindowSize,
  options: FixedWindowOptions = {},
): WindowSelection {
  checkSize(size, 'size');
  const end = options.end;
  if (end !== undefined && !Number.isFinite(end))
    throw new ConfigurationError('end', `must be finite, got ${end}`);
  const examples =
    'lastN' in size ? newestN(source, size.lastN, end) : newestWithin(source, size.durationMs, end);
  return describe('fixed', examples, { size });
}

export function checkSize(size: WindowSize, where: string): void {
  if (size && 'lastN' in size) {
    if (!Number.isInteger(size.lastN) || size.lastN < 1)
      throw new ConfigurationError(`${where}.lastN`, `must be a positive integer, got ${size.lastN}`);
  } else if (size && 'durationMs' in size) {
    if (!(size.durationMs > 0) || !Number.isFinite(size.durationMs))
      throw new ConfigurationError(
        `${where}.durationMs`,
        `must be a positive number, got ${size.durationMs}`,
      );
  } else {
    throw new ConfigurationError(where, 'must be { lastN } or { durationMs }');
  }
}

export function describe(
  strategy: WindowSelection['strategy'],
  examples: TimedExample[],
  details: Record<string, unknown>,
): WindowSelection {
  return {
    strategy,
    examples,
    count: examples.length,
    start: examples.length > 0 ? examples[0].timestamp : null,
    end: examples.length > 0 ? examples[examples.length - 1].timestamp : null,
    details,
  };
}

/** Sorts by timestamp, ties by arrival order (stable). */
export function byTime(a: { t: number; i: number }, b: { t: number; i: number }): number {
  return a.t - b.t || a.i - b.i;
}

function timestampOf(e: TimedExample, i: number): number {
  const t = e?.timestamp;
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new InvalidInputError(
      `source[${i}].timestamp`,
      `must be a finite number (epoch ms), got ${String(t)}`,
    );
  return t;
}

function newestN(source: Iterable<TimedExample>, n: number, end: number | undefined): TimedExample[] {
  // Min-heap on (timestamp, arrival index) holding the n newest so far.
  const heap: { t: number; i: number; e: TimedExample }[] = [];
  let i = 0;
  for (const e of source) {
    const t = timestampOf(e, i);
    const item = { t, i, e };
    i++;
    if (end !== undefined && t >= end) continue;
    if (heap.length < n) {
      heap.push(item);
      siftUp(heap, heap.length - 1);
    } else if (byTime(item, heap[0]) > 0) {
      heap[0] = item;
      siftDown(heap, 0);
    }
  }
  return heap.sort(byTime).map((h) => h.e);
}

function newestWithin(
  source: Iterable<TimedExample>,
  duration: number,
  end: number | undefined,
): TimedExample[] {
  let kept: { t: number; i: number; e: TimedExample }[] = [];
  let newest = -Infinity;
  let i = 0;
  for (const e of source) {
    const t = timestampOf(e, i);
    const item = { t, i, e };
    i++;
    if (end !== undefined && t >= end) continue;
    if (t > newest) newest = t;
    const cutoff = (end ?? newest) - duration;
    if (t < cutoff) continue;
    kept.push(item);
    // Drop what fell out of the window, amortised.
    if (end === undefined && kept.length > 1024 && kept.length % 1024 === 0)
      kept = kept.filter((k) => k.t >= cutoff);
  }
  const upper = end ?? newest;
  // Duration windows are (upper - duration, upper] when the end is the newest example, and
  // [end - duration, end) when an explicit end is given.
  const cutoff = upper - duration;
  return kept
    .filter((k) => (end === undefined ? k.t > cutoff : k.t >= cutoff))
    .sort(byTime)
    .map((k) => k.e);
}

type HeapItem = { t: number; i: number };

function siftUp(h: HeapItem[], k: number): void {
  while (k > 0) {
    const p = (k - 1) >> 1;
    if (byTime(h[k], h[p]) >= 0) return;
    [h[k], h[p]] = [h[p], h[k]];
    k = p;
  }
}

function siftDown(h: HeapItem[], k: number): void {
  const n = h.length;
  for (;;) {
    const l = 2 * k + 1;
    const r = l + 1;
    let m = k;
    if (l < n && byTime(h[l], h[m]) < 0) m = l;
    if (r < n && byTime(h[r], h[m]) < 0) m = r;
    if (m === k) return;
    [h[k], h[m]] = [h[m], h[k]];
    k = m;
  }
}
