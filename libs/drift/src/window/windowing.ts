import { InvalidArgumentError, InvalidStateError } from '../errors';
import type { ObservedEvent } from '../profile/profile-types';
import type { ReferenceProfile } from '../profile/reference-profile';
import { ByteReader, ByteWriter, fnv1a } from '../sketch/codec';
import { type EventColumns } from './event-columns';
import { WindowProfile } from './window-profile';

/**
 * How events are grouped into windows.
 *
 * - `count`: every `size` events of this stream instance; `hop` < size makes them slide (hopping).
 *   Only full windows are emitted (the first one after `size` events). Counts are per instance, so
 *   count windows of two instances do not line up: use event time to merge partial states.
 * - `event-time`: windows [start, start + size) in epoch milliseconds, aligned to multiples of `hop`
 *   (plus `offset`), so that every instance assigns an event to the same window ids. A window closes
 *   when the watermark (max event time seen − `allowedLateness`, or an explicit `advanceWatermark`)
 *   reaches its end; events arriving later for a closed window are counted, never silently dropped.
 *
 * Tumbling windows are the case hop = size. `size` must be a multiple of `hop`: the state is kept per
 * hop-sized pane and a window is the merge of its panes, so each event is observed once whatever the
 * overlap.
 */
export type WindowSpec =
  | { readonly type: 'count'; readonly size: number; readonly hop?: number }
  | {
      readonly type: 'event-time';
      readonly size: number;
      readonly hop?: number;
      readonly allowedLateness?: number;
      readonly offset?: number;
    };

/** An event with its event time (epoch ms); required for event-time windows. */
export type TimedEvent = ObservedEvent & { readonly timestamp?: number };

/** A window whose state is final (or flushed). */
export interface ClosedWindow {
  /** Window start: epoch ms for event-time windows, index of the first event for count windows. */
  readonly start: number;
  /** Window end (exclusive). */
  readonly end: number;
  /** Deterministic id `${start}-${end}`: partial states of several instances merge by it. */
  readonly id: string;
  readonly state: WindowProfile;
  /** False when emitted by `flush()` before the window was due. */
  readonly complete: boolean;
  /**
   * Events dropped since the previous emitted window because every window they belonged to had
   * already closed (beyond the allowed lateness).
   */
  readonly droppedLateEvents: number;
}

const NOTHING: readonly ClosedWindow[] = Object.freeze([]);

interface ResolvedSpec {
  type: 'count' | 'event-time';
  size: number;
  hop: number;
  panes: number;
  lateness: number;
  offset: number;
}

function resolveSpec(spec: WindowSpec): ResolvedSpec {
  if (spec.type !== 'count' && spec.type !== 'event-time') {
    throw new InvalidArgumentError(
      `window type must be 'count' or 'event-time' (got ${String((spec as { type: unknown }).type)})`,
    );
  }
  const size = spec.size;
  const hop = spec.hop ?? size;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new InvalidArgumentError(`window size must be a positive integer (got ${size})`);
  if (!Number.isSafeInteger(hop) || hop < 1 || hop > size) {
    throw new InvalidArgumentError(
      `window hop must be an integer in [1, size] (got ${hop} for size ${size})`,
    );
  }
  if (size % hop !== 0)
    throw new InvalidArgumentError(`window size (${size}) must be a multiple of hop (${hop})`);
  if (size / hop > 10_000)
    throw new InvalidArgumentError(`a window may span at most 10000 hops (got ${size / hop})`);
  const lateness = spec.type === 'event-time' ? (spec.allowedLateness ?? 0) : 0;
  const offset = spec.type === 'event-time' ? (spec.offset ?? 0) : 0;
  if (!Number.isSafeInteger(lateness) || lateness < 0) {
    throw new InvalidArgumentError(`allowedLateness must be a non-negative integer (got ${lateness})`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= hop) {
    throw new InvalidArgumentError(`window offset must be an integer in [0, hop) (got ${offset})`);
  }
  return { type: spec.type, size, hop, panes: size / hop, lateness, offset };
}

/**
 * Assigns events to count or event-time windows (tumbling or hopping) and keeps one WindowProfile per
 * pane; returns each window's merged state when it closes. Event-time windows use a watermark with
 * allowed lateness; late events are counted (`lateEvents`, `droppedEvents`).
 */
export class WindowedProfiles {
  readonly spec: ResolvedSpec;
  private readonly panes = new Map<number, WindowProfile>();
  /** First pane of the earliest window not yet closed (NaN before the first event). */
  private nextWindow = NaN;
  private maxEventTime = -Infinity;
  private watermarkTime = -Infinity;
  private sequence = 0;
  private late = 0;
  private dropped = 0;
  private droppedSinceEmit = 0;
  /** Rows observeRow placed in panes, applied column-wise before any pane is read. */
  private pendingColumns: EventColumns | undefined;
  private readonly pendingRows = new Map<number, number[]>();
  /** The pane the previous deferred row went to, and its pending rows (consecutive rows mostly share one). */
  private lastDeferredPane = NaN;
  private lastDeferredRows: number[] = [];
  /**
   * `serialize()` of the panes unchanged since the last checkpoint, by pane index: a checkpoint
   * serialises only the panes that changed (an open window's older panes, a window kept open for
   * late events, rarely change). Entries are dropped when their pane changes or goes.
   */
  private serialized = new Map<number, Uint8Array>();

  constructor(
    readonly profile: ReferenceProfile,
    spec: WindowSpec,
  ) {
    this.spec = resolveSpec(spec);
  }

  /** Current watermark (event-time windows): windows ending at or before it are closed. */
  get watermark(): number {
    return this.watermarkTime;
  }

  /** Events that missed at least one window because it had closed (they are in the later ones). */
  get lateEvents(): number {
    return this.late;
  }

  /** Events that missed every window they belonged to (counted, not observed). */
  get droppedEvents(): number {
    return this.dropped;
  }

  /** Number of panes currently held (bounded by size / hop + lateness / hop + 1). */
  get openPanes(): number {
    return this.panes.size;
  }

  private pane(index: number): WindowProfile {
    let p = this.panes.get(index);
    if (!p) {
      const start = index * this.spec.hop + this.spec.offset;
      p = new WindowProfile(this.profile, { start, end: start + this.spec.hop });
      this.panes.set(index, p);
    }
    return p;
  }

  /** Observes one event; returns the windows this event closed (usually none). */
  observe(event: TimedEvent): readonly ClosedWindow[] {
    this.applyPendingRows();
    if (this.spec.type === 'count') return this.observeCount(event);
    return this.observeTimed(event.timestamp, event, 0);
  }

  /**
   * `observe` of row `row` of a batch of columns, with the same windows, counts and returned
   * closed windows; the pane update itself is deferred and applied column by column
   * (WindowProfile.observeColumns, rows in the order observed) before any pane is read or other
   * columns are observed. The columns are kept, not copied: they must not change until then.
   */
  observeRow(columns: EventColumns, row: number, timestamp?: number): readonly ClosedWindow[] {
    if (this.pendingColumns !== columns) {
      this.applyPendingRows();
      this.pendingColumns = columns;
    }
    if (this.spec.type === 'count') {
      const { hop, panes } = this.spec;
      const seq = this.sequence++;
      const index = Math.floor(seq / hop);
      this.deferRow(index, row);
      return this.closeCountWindow(seq, index, panes);
    }
    return this.observeTimed(timestamp, undefined, row);
  }

  private deferRow(index: number, row: number): void {
    if (index === this.lastDeferredPane) {
      this.lastDeferredRows.push(row);
      return;
    }
    this.pane(index);
    let rows = this.pendingRows.get(index);
    if (!rows) this.pendingRows.set(index, (rows = []));
    rows.push(row);
    this.lastDeferredPane = index;
    this.lastDeferredRows = rows;
  }

  private applyPendingRows(): void {
    const columns = this.pendingColumns;
    if (!columns) return;
    for (const [index, rows] of this.pendingRows) {
      (this.panes.get(index) as WindowProfile).observeColumns(columns, rows);
      this.serialized.delete(index);
    }
    this.pendingRows.clear();
    this.lastDeferredPane = NaN;
    this.pendingColumns = undefined;
  }

  /** The event-time placement of an event (`event`) or a column row (`row` of the pending columns). */
  private observeTimed(
    t: number | undefined,
    event: TimedEvent | undefined,
    row: number,
  ): readonly ClosedWindow[] {
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new InvalidArgumentError(`event-time windows need a finite numeric timestamp (got ${String(t)})`);
    }
    const { hop, offset, panes } = this.spec;
    const index = Math.floor((t - offset) / hop);
    if (Number.isNaN(this.nextWindow))
      this.nextWindow = this.firstOpenWindow(Math.max(this.watermarkTime, t - this.spec.lateness));
    if (index < this.nextWindow) {
      // Every window holding this event has closed.
      this.late++;
      this.dropped++;
      this.droppedSinceEmit++;
    } else {
      if (index - panes + 1 < this.nextWindow) this.late++;
      if (event) {
        this.pane(index).observe(event);
        this.serialized.delete(index);
      } else this.deferRow(index, row);
    }
    if (t > this.maxEventTime) {
      this.maxEventTime = t;
      return this.advanceWatermark(t - this.spec.lateness);
    }
    return NOTHING;
  }

  private observeCount(event: ObservedEvent): readonly ClosedWindow[] {
    const { hop, panes } = this.spec;
    const seq = this.sequence++;
    const index = Math.floor(seq / hop);
    this.pane(index).observe(event);
    this.serialized.delete(index);
    return this.closeCountWindow(seq, index, panes);
  }

  /** After the event `seq` in pane `index`: the count window it completes, if any. */
  private closeCountWindow(seq: number, index: number, panes: number): readonly ClosedWindow[] {
    const { hop } = this.spec;
    if ((seq + 1) % hop !== 0) return NOTHING;
    const first = index - panes + 1;
    if (first < 0) return NOTHING;
    const closed = this.emit(first, true);
    this.panes.delete(first);
    return closed ? [closed] : NOTHING;
  }

  /** First pane index of the earliest window that ends after `watermark`. */
  private firstOpenWindow(watermark: number): number {
    const { hop, offset, size } = this.spec;
    return Math.floor((watermark - offset - size) / hop) + 1;
  }

  private windowEnd(first: number): number {
    return first * this.spec.hop + this.spec.offset + this.spec.size;
  }

  /**
   * Moves the watermark forward (e.g. from the minimum over partitions, or wall-clock time on an idle
   * stream) and returns the windows it closes. A watermark never moves back.
   */
  advanceWatermark(time: number): readonly ClosedWindow[] {
    if (this.spec.type !== 'event-time') return NOTHING;
    if (!(time > this.watermarkTime)) return NOTHING;
    this.watermarkTime = time;
    if (Number.isNaN(this.nextWindow)) return NOTHING;
    let out: ClosedWindow[] | null = null;
    while (this.windowEnd(this.nextWindow) <= time) {
      if (this.panes.size === 0) {
        this.nextWindow = Math.max(this.nextWindow, this.firstOpenWindow(time));
        break;
      }
      let minPane = Infinity;
      for (const k of this.panes.keys()) if (k < minPane) minPane = k;
      if (minPane > this.nextWindow + this.spec.panes - 1) {
        // No data in this window: skip to the first window holding the oldest pane, but never past a
        // window that is still open (late events may still arrive for it).
        this.nextWindow = Math.min(minPane - this.spec.panes + 1, this.firstOpenWindow(time));
        continue;
      }
      const closed = this.emit(this.nextWindow, true);
      if (closed) (out ??= []).push(closed);
      this.panes.delete(this.nextWindow);
      this.nextWindow++;
    }
    return out ?? NOTHING;
  }

  /**
   * The event-time windows that hold events and have not closed, as they are now (`complete`
   * false, `droppedLateEvents` 0); nothing changes. An early result: e.g. the contribution of an
   * input that has gone idle, which may still grow if events arrive before the window closes.
   */
  openWindows(): readonly ClosedWindow[] {
    if (this.spec.type !== 'event-time' || this.panes.size === 0) return NOTHING;
    let minPane = Infinity;
    let maxPane = -Infinity;
    for (const k of this.panes.keys()) {
      if (k < minPane) minPane = k;
      if (k > maxPane) maxPane = k;
    }
    const earliest = minPane - this.spec.panes + 1;
    const out: ClosedWindow[] = [];
    const first = Number.isNaN(this.nextWindow) ? earliest : Math.max(this.nextWindow, earliest);
    for (let w = first; w <= maxPane; w++) {
      const open = this.merge(w, false, 0);
      if (open) out.push(open);
    }
    return out;
  }

  /** Merges the panes of the window starting at pane `first`; null when they hold no event. */
  private emit(first: number, complete: boolean): ClosedWindow | null {
    const closed = this.merge(first, complete, this.droppedSinceEmit);
    if (closed) this.droppedSinceEmit = 0;
    return closed;
  }

  private merge(first: number, complete: boolean, droppedLateEvents: number): ClosedWindow | null {
    this.applyPendingRows();
    const start = first * this.spec.hop + this.spec.offset;
    const end = start + this.spec.size;
    const state = new WindowProfile(this.profile);
    let any = false;
    for (let i = first; i < first + this.spec.panes; i++) {
      const p = this.panes.get(i);
      if (p && p.eventCount > 0) {
        state.merge(p);
        any = true;
      }
    }
    if (!any) return null;
    // The merged panes' bounds are the panes' own; the window's are the aligned ones.
    state.setBounds({ start, end });
    const closed: ClosedWindow = {
      start,
      end,
      id: `${start}-${end}`,
      state,
      complete,
      droppedLateEvents,
    };
    return closed;
  }

  /**
   * Emits every window that still holds events (marked incomplete unless already due) and clears the
   * state: call it at the end of a stream or before shutting down without a checkpoint.
   */
  flush(): readonly ClosedWindow[] {
    this.applyPendingRows();
    const out: ClosedWindow[] = [];
    if (this.panes.size === 0) return out;
    const keys = [...this.panes.keys()];
    const maxPane = Math.max(...keys);
    // Count windows: those starting before the oldest pane were emitted already.
    let first = this.spec.type === 'count' ? Math.min(...keys) : this.nextWindow;
    if (Number.isNaN(first)) first = Math.min(...keys) - this.spec.panes + 1;
    for (; first <= maxPane; first++) {
      const closed = this.emit(first, false);
      if (closed) out.push(closed);
    }
    this.panes.clear();
    if (this.spec.type === 'event-time') this.nextWindow = maxPane + 1;
    return out;
  }

  /** Binary checkpoint of the open panes and counters, to restart without losing open windows. */
  checkpoint(): Uint8Array {
    this.applyPendingRows();
    const w = new ByteWriter();
    w.u32(0x50445443); // 'CTDP'
    w.u8(1);
    w.string(JSON.stringify(this.spec));
    w.f64(this.nextWindow);
    w.f64(this.maxEventTime);
    w.f64(this.watermarkTime);
    w.varUint(this.sequence);
    w.varUint(this.late);
    w.varUint(this.dropped);
    w.varUint(this.droppedSinceEmit);
    w.varUint(this.panes.size);
    const serialized = new Map<number, Uint8Array>();
    for (const [index, pane] of [...this.panes.entries()].sort((a, b) => a[0] - b[0])) {
      w.f64(index);
      const bytes = this.serialized.get(index) ?? pane.serialize();
      serialized.set(index, bytes);
      w.varUint(bytes.length);
      w.raw(bytes);
    }
    // Only the panes still open: a closed pane's entry goes with it.
    this.serialized = serialized;
    const body = w.finish();
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, fnv1a(body), true);
    return out;
  }

  /** Restores a checkpoint taken with the same profile and window spec. */
  static restore(profile: ReferenceProfile, spec: WindowSpec, bytes: Uint8Array): WindowedProfiles {
    if (bytes.length < 9) throw new InvalidStateError('windowing checkpoint too short');
    const bodyLength = bytes.length - 4;
    const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bodyLength, true);
    if (fnv1a(bytes, 0, bodyLength) !== stored)
      throw new InvalidStateError('windowing checkpoint checksum mismatch');
    const r = new ByteReader(bytes.subarray(0, bodyLength), 'windowing checkpoint');
    if (r.u32() !== 0x50445443 || r.u8() !== 1)
      throw new InvalidStateError('not a version-1 windowing checkpoint');
    const w = new WindowedProfiles(profile, spec);
    if (r.string() !== JSON.stringify(w.spec))
      throw new InvalidStateError('windowing checkpoint was taken with another window spec');
    w.nextWindow = r.f64();
    w.maxEventTime = r.f64();
    w.watermarkTime = r.f64();
    w.sequence = r.varUint();
    w.late = r.varUint();
    w.dropped = r.varUint();
    w.droppedSinceEmit = r.varUint();
    const n = r.count(1_000_000, 'panes');
    for (let i = 0; i < n; i++) {
      const index = r.f64();
      const length = r.count(1 << 30, 'pane size');
      w.panes.set(index, WindowProfile.deserialize(profile, r.raw(length)));
    }
    if (r.remaining !== 0) throw new InvalidStateError('windowing checkpoint has trailing bytes');
    return w;
  }
}
