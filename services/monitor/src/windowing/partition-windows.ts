import {
  type ClosedWindow,
  type ReferenceProfile,
  WindowedProfiles,
  type WindowSpec,
} from '@continuum/drift';
import { type MonitorSample, type MonitorWindowPartial } from '@continuum/events';
import { type ResolvedReference } from '../references/resolved-reference';
import { type MonitoredEvent } from '../streams/monitored-event';
import { SegmentTables, type SegmentTablesJSON } from '../streams/segment-table';
import { type Source, type Stream, type Subject, streamKey, subjectKey } from '../streams/stream-identity';

/** Event-time windows of stage 1 (aligned to the epoch; size a multiple of hop). */
export interface WindowSettings {
  readonly sizeMs: number;
  readonly hopMs: number;
  readonly latenessMs: number;
}

export interface PartitionWindowsOptions {
  readonly topic: string;
  readonly partition: number;
  readonly source: Source;
  readonly window: WindowSettings;
  readonly segmentKeys: readonly string[];
  readonly maxSegmentsPerKey: number;
  /** Events forwarded per subject as bootstrap samples while it has no reference. */
  readonly bootstrapEvents: number;
}

/** Where stage 1 finds reference profiles (the catalog). */
export interface ReferenceResolver {
  referenceFor(subject: Subject): ResolvedReference | undefined;
  byReferenceId(id: string): ResolvedReference | undefined;
}

/** A checkpoint names a reference the catalog does not know (yet). */
export class UnknownReferenceError extends Error {
  constructor(readonly referenceId: string) {
    super(`checkpoint refers to reference ${referenceId}, which the catalog does not know`);
    this.name = 'UnknownReferenceError';
  }
}

export class InvalidCheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidCheckpointError';
  }
}

/** What observing records produced, to publish before the next checkpoint. */
export class StageOneOutput {
  readonly partials: MonitorWindowPartial[] = [];
  readonly samples = new Map<string, { subject: Subject; events: MonitorSample[] }>();
  /** The partition watermark crossed a window boundary: progress must be published. */
  crossedBoundary = false;
  events = 0;
  windowed = 0;
  awaitingReference = 0;
  late = 0;
  dropped = 0;
}

interface Applied {
  readonly ref: ResolvedReference;
  /** Events from this event time on are windowed against `ref`. */
  readonly from: number;
}

interface Retiring extends Applied {
  /** Events before this time are windowed against `ref` (the next reference took over here). */
  readonly until: number;
}

interface SubjectState {
  readonly subject: Subject;
  /** subjectKey(subject). */
  readonly key: string;
  current?: Applied;
  previous?: Retiring;
  bootstrapSent: number;
  /** The subject's entries of `streams`, by segment (no stream key built per event). */
  readonly streams: Map<string, StreamState>;
}

interface Slot {
  readonly refId: string;
  readonly profile: ReferenceProfile;
  readonly windows: WindowedProfiles;
}

interface StreamState {
  readonly stream: Stream;
  readonly subject: SubjectState;
  current?: Slot;
  previous?: Slot;
}

/**
 * What a previous owner of the partition announced in its last progress record before it
 * stopped (a crash, a rebalance): every window ending at or before `watermark` was published, and
 * the records before `nextOffset` were windowed.
 */
export interface AnnouncedProgress {
  readonly watermark: number;
  readonly nextOffset: number;
}

const NOTHING_ANNOUNCED: AnnouncedProgress = { watermark: -Infinity, nextOffset: 0 };

interface ProvisionalWindow {
  readonly windowEnd: number;
  readonly eventCount: number;
}

function provisionalKey(stream: Stream, refId: string, start: number): string {
  return `${streamKey(stream)}|${refId}|${start}`;
}

const MAGIC = 0x434d5431; // 'CMT1'

function encodeNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v;
}

function decodeNumbers(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$num') return Number((v as { $num: string }).$num);
  }
  return v;
}

/**
 * Stage 1 state of one source partition: segment tables, per subject the reference in use and the
 * bootstrap samples sent, per stream (subject × segment) event-time windows driven by THIS
 * partition's watermark (largest event time − allowed lateness, advanced record by record), and
 * the next offset it covers. A pure function of the partition's records in offset order and of the
 * references the catalog gave, so every instance and every replay from a checkpoint produces the
 * same window partials.
 */
export class PartitionWindows {
  /** The state covers every record before this offset. */
  nextOffset = 0;
  private wm = -Infinity;
  private maxTime = -Infinity;
  private readonly segments: SegmentTables;
  private readonly subjects = new Map<string, SubjectState>();
  private readonly streams = new Map<string, StreamState>();
  private readonly spec: WindowSpec;
  private readonly resolved = new Map<string, ResolvedReference | undefined>();
  /** Windows published provisionally (idle partition), by window identity: the event count published. */
  private readonly provisional = new Map<string, ProvisionalWindow>();
  /** How far a previous owner got: the replay up to there publishes and counts nothing again. */
  private announced: AnnouncedProgress = NOTHING_ANNOUNCED;
  /** The subject of the previous event of this batch, its reference applied (consecutive events mostly share one). */
  private lastSubject: SubjectState | undefined;

  constructor(
    readonly options: PartitionWindowsOptions,
    private readonly references: ReferenceResolver,
    segments?: SegmentTables,
  ) {
    this.segments = segments ?? new SegmentTables(options.segmentKeys, options.maxSegmentsPerKey);
    this.spec = {
      type: 'event-time',
      size: options.window.sizeMs,
      hop: options.window.hopMs,
      allowedLateness: options.window.latenessMs,
    };
  }

  /** Every window ending at or before the watermark has been emitted. */
  get watermark(): number {
    return this.wm;
  }

  get maxEventTime(): number {
    return this.maxTime;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** The furthest progress announced for this partition, by this state or a previous owner. */
  get announcedProgress(): AnnouncedProgress {
    return this.announced;
  }

  /**
   * Progress was announced up to here: by this state (the runtime tells it after each progress
   * record, and the checkpoint keeps it), or by a previous owner before it stopped (its last
   * progress record, read back on assignment). Replaying the
   * records between the restored checkpoint and there closes windows that owner already
   * published — stage 2 may have reported them and tombstoned their partials, so publishing them
   * again would make their events count as late in the next report — and meets again the late
   * events it already counted. Such windows are not published again and such events not counted
   * again; the state itself evolves exactly as before, so everything after is unchanged.
   */
  markAnnounced(previous: AnnouncedProgress): void {
    if (previous.watermark > this.announced.watermark || previous.nextOffset > this.announced.nextOffset) {
      this.announced = {
        watermark: Math.max(previous.watermark, this.announced.watermark),
        nextOffset: Math.max(previous.nextOffset, this.announced.nextOffset),
      };
    }
  }

  /** A progress record with this state's watermark now would say less than one already announced. */
  get behindAnnounced(): boolean {
    return this.wm < this.announced.watermark;
  }

  /** Forget cached reference lookups: call at the start of each batch (the catalog may have changed). */
  beginBatch(): void {
    this.resolved.clear();
    this.lastSubject = undefined;
  }

  private resolve(subject: Subject, key: string): ResolvedReference | undefined {
    if (this.resolved.has(key)) return this.resolved.get(key);
    const ref = this.references.referenceFor(subject);
    this.resolved.set(key, ref);
    return ref;
  }

  /** First window boundary strictly after `t` (-Infinity stays -Infinity). */
  private boundaryAfter(t: number): number {
    if (t === -Infinity) return -Infinity;
    const hop = this.options.window.hopMs;
    return Math.floor(t / hop) * hop + hop;
  }

  private subjectState(subject: Subject, key: string): SubjectState {
    let s = this.subjects.get(key);
    if (!s) this.subjects.set(key, (s = { subject, key, bootstrapSent: 0, streams: new Map() }));
    return s;
  }

  /**
   * The event's subject with the catalog's reference applied. Within a batch the reference of a
   * subject does not change (`resolve` caches it), so applying it again to the previous event's
   * subject would change nothing: it is reused.
   */
  private subjectOf(event: MonitoredEvent): SubjectState {
    const last = this.lastSubject;
    if (last && last.subject.modelId === event.modelId && last.subject.modelVersion === event.modelVersion) {
      return last;
    }
    const subject: Subject = {
      modelId: event.modelId,
      source: this.options.source,
      modelVersion: event.modelVersion,
    };
    const sk = subjectKey(subject);
    const s = this.subjectState(subject, sk);
    this.applyReference(s, this.resolve(subject, sk));
    return (this.lastSubject = s);
  }

  /** Applies the catalog's current reference to the subject; a new reference takes over at the next boundary. */
  private applyReference(s: SubjectState, ref: ResolvedReference | undefined): void {
    if (!ref) return;
    if (!s.current) {
      s.current = { ref, from: ref.kind === 'BOOTSTRAP' ? ref.effectiveFrom : -Infinity };
      return;
    }
    if (s.current.ref.id === ref.id) return;
    // Windows that may already hold events of this partition stay on the old reference.
    const switchAt = Math.max(ref.effectiveFrom, this.boundaryAfter(this.maxTime), s.current.from);
    s.previous = { ...s.current, until: switchAt };
    s.current = { ref, from: switchAt };
  }

  private newSlot(ref: ResolvedReference): Slot {
    const windows = new WindowedProfiles(ref.profile, this.spec);
    if (this.wm > -Infinity) windows.advanceWatermark(this.wm);
    return { refId: ref.id, profile: ref.profile, windows };
  }

  private streamState(subject: SubjectState, segment: string): StreamState {
    let st = subject.streams.get(segment);
    if (!st) {
      const stream: Stream = { subject: subject.subject, segment };
      st = { stream, subject };
      this.streams.set(streamKey(stream), st);
      subject.streams.set(segment, st);
    }
    const current = subject.current as Applied;
    if (st.current?.refId !== current.ref.id) {
      st.previous = st.current && subject.previous?.ref.id === st.current.refId ? st.current : undefined;
      st.current = this.newSlot(current.ref);
    }
    if (st.previous && st.previous.refId !== subject.previous?.ref.id) st.previous = undefined;
    return st;
  }

  /** Windows of this slot that belong in partials (each reference covers its own span of windows). */
  private owned(st: StreamState, role: 'current' | 'previous', windows: readonly ClosedWindow[]) {
    return windows.filter(
      (w) =>
        !(role === 'current' && st.subject.current && w.start < st.subject.current.from) &&
        !(role === 'previous' && st.subject.previous && w.start >= st.subject.previous.until),
    );
  }

  private partial(st: StreamState, slot: Slot, w: ClosedWindow, earlier: number): MonitorWindowPartial {
    const scope = subjectKey(st.stream.subject);
    const folded = this.segments.foldedIn(scope, st.stream.segment, w.start, w.end, slot.profile);
    return {
      stream: st.stream,
      windowStart: w.start,
      windowEnd: w.end,
      sourceTopic: this.options.topic,
      sourcePartition: this.options.partition,
      referenceId: slot.refId,
      eventCount: w.state.eventCount,
      droppedLateEvents: w.droppedLateEvents,
      earlierEventCount: earlier,
      state: Buffer.from(w.state.serialize()),
      foldedValues: folded ? Buffer.from(folded.toBytes()) : null,
    };
  }

  private emit(
    st: StreamState,
    role: 'current' | 'previous',
    closed: readonly ClosedWindow[],
    out: StageOneOutput,
  ) {
    if (closed.length === 0) return;
    const slot = (role === 'current' ? st.current : st.previous) as Slot;
    for (const w of this.owned(st, role, closed)) {
      const id = provisionalKey(st.stream, slot.refId, w.start);
      const earlier = this.provisional.get(id);
      this.provisional.delete(id);
      // Published by a previous owner with this very content (a replay after a restart).
      if (w.end <= this.announced.watermark) continue;
      // Published as it is already: nothing new for stage 2.
      if (earlier && earlier.eventCount === w.state.eventCount && w.droppedLateEvents === 0) continue;
      out.partials.push(this.partial(st, slot, w, earlier?.eventCount ?? 0));
    }
  }

  /**
   * The partition has gone idle (caught up with the broker, no record for the idle timeout): its
   * open windows are published as they are, so that stage 2 can close a window the other
   * partitions have passed without waiting for this one's watermark. A window that grows later
   * is published again, saying how many of its events were published before; one that does not
   * is not published again when it closes.
   */
  publishOpenWindows(out: StageOneOutput): void {
    for (const st of this.streams.values()) {
      for (const role of ['current', 'previous'] as const) {
        const slot = role === 'current' ? st.current : st.previous;
        if (!slot) continue;
        for (const w of this.owned(st, role, slot.windows.openWindows())) {
          const id = provisionalKey(st.stream, slot.refId, w.start);
          const earlier = this.provisional.get(id);
          if (earlier?.eventCount === w.state.eventCount) continue;
          out.partials.push(this.partial(st, slot, w, earlier?.eventCount ?? 0));
          this.provisional.set(id, { windowEnd: w.end, eventCount: w.state.eventCount });
        }
      }
    }
  }

  private observeIn(
    st: StreamState,
    role: 'current' | 'previous',
    event: MonitoredEvent,
    out: StageOneOutput,
  ) {
    const slot = (role === 'current' ? st.current : st.previous) as Slot;
    const w = slot.windows;
    if (w.watermark < this.wm) this.emit(st, role, w.advanceWatermark(this.wm), out);
    // A row of a columnar batch is observed from its columns (column-wise, same state).
    const closed = event.columns
      ? w.observeRow(event.columns, event.row as number, event.timestamp)
      : w.observe(event);
    this.emit(st, role, closed, out);
  }

  /** Observes one valid record; `offset` must be at least nextOffset. */
  observe(offset: number, event: MonitoredEvent, out: StageOneOutput): void {
    out.events++;
    // Replayed after a rebalance: the partition's previous owner counted it already.
    const replay = offset < this.announced.nextOffset;
    const s = this.subjectOf(event);
    const sk = s.key;
    const t = event.timestamp;
    if (!s.current) {
      if (s.bootstrapSent < this.options.bootstrapEvents) {
        s.bootstrapSent++;
        let entry = out.samples.get(sk);
        if (!entry) out.samples.set(sk, (entry = { subject: s.subject, events: [] }));
        entry.events.push({
          offset,
          eventId: event.eventId,
          timestamp: t,
          numeric: (event.numeric ?? {}) as Record<string, number | null>,
          categorical: (event.categorical ?? {}) as Record<string, string | null>,
          prediction: event.prediction ?? null,
        });
      }
      if (!replay) out.awaitingReference++;
    } else {
      const { size, hop } = { size: this.options.window.sizeMs, hop: this.options.window.hopMs };
      let windowed = false;
      let dropped = false;
      let counted = false;
      const pane = Math.floor(t / hop) * hop;
      for (const segment of this.segments.segmentsOf(sk, event.segments, pane, s.current.ref.profile)) {
        const st = this.streamState(s, segment);
        const all = !counted;
        counted = true;
        let lateBefore = 0;
        let droppedBefore = 0;
        if (all) {
          lateBefore = (st.current as Slot).windows.lateEvents;
          droppedBefore = (st.current as Slot).windows.droppedEvents;
        }
        if (t >= (s.current as Applied).from) {
          this.observeIn(st, 'current', event, out);
          windowed = true;
        }
        const prev = s.previous;
        if (st.previous && prev && t >= prev.from && t < prev.until - hop + size) {
          this.observeIn(st, 'previous', event, out);
          windowed = true;
        }
        if (all) dropped = (st.current as Slot).windows.droppedEvents > droppedBefore;
        // A late event a previous owner already counted is not counted again.
        if (all && replay === false) {
          if (dropped) out.dropped++;
          else if ((st.current as Slot).windows.lateEvents > lateBefore) out.late++;
        }
      }
      // A dropped event is in no window (it is counted as dropped); an event a previous owner of
      // the partition already counted (replayed after a rebalance) is not counted again.
      if (!replay) {
        if (windowed && !dropped) out.windowed++;
        else if (!windowed) out.awaitingReference++;
      }
    }
    if (t > this.maxTime) this.maxTime = t;
    const next = t - this.options.window.latenessMs;
    if (next > this.wm) {
      const hop = this.options.window.hopMs;
      const crossed = this.wm === -Infinity || Math.floor(next / hop) > Math.floor(this.wm / hop);
      this.wm = next;
      if (crossed) {
        out.crossedBoundary = true;
        this.advanceAll(out);
      }
    }
    this.nextOffset = offset + 1;
  }

  /** Records after the last valid one (dead-lettered) are covered too. */
  skipTo(nextOffset: number): void {
    if (nextOffset > this.nextOffset) this.nextOffset = nextOffset;
  }

  /** Advances every stream to the partition watermark, so that every window ending before it is emitted. */
  private advanceAll(out: StageOneOutput): void {
    const { sizeMs, hopMs } = this.options.window;
    for (const [key, st] of this.streams) {
      if (st.current) this.emit(st, 'current', st.current.windows.advanceWatermark(this.wm), out);
      if (st.previous) {
        this.emit(st, 'previous', st.previous.windows.advanceWatermark(this.wm), out);
        const prev = st.subject.previous;
        if (!prev || this.wm >= prev.until - hopMs + sizeMs) st.previous = undefined;
      }
      // A stream without open windows is re-created identically on its next event.
      if (!st.previous && (!st.current || st.current.windows.openPanes === 0)) {
        this.streams.delete(key);
        st.subject.streams.delete(st.stream.segment);
      }
    }
    for (const s of this.subjects.values()) {
      if (s.previous && this.wm >= s.previous.until - hopMs + sizeMs) s.previous = undefined;
    }
    this.segments.prune(this.wm, sizeMs);
    // A provisional window that closed without a final emission (its stream changed reference).
    for (const [id, p] of this.provisional) if (p.windowEnd <= this.wm) this.provisional.delete(id);
  }

  /** Binary checkpoint: a JSON header, then every stream's WindowedProfiles checkpoint. */
  checkpoint(): Buffer {
    const blobs: Uint8Array[] = [];
    const subjects = [...this.subjects.values()];
    const subjectIndex = new Map(subjects.map((s, i) => [s, i]));
    const header = {
      topic: this.options.topic,
      partition: this.options.partition,
      source: this.options.source,
      window: this.options.window,
      nextOffset: this.nextOffset,
      watermark: this.wm,
      maxEventTime: this.maxTime,
      segments: this.segments.toJSON(),
      provisional: [...this.provisional],
      announced: this.announced,
      subjects: subjects.map((s) => ({
        subject: s.subject,
        bootstrapSent: s.bootstrapSent,
        current: s.current && { refId: s.current.ref.id, from: s.current.from },
        previous: s.previous && { refId: s.previous.ref.id, from: s.previous.from, until: s.previous.until },
      })),
      streams: [...this.streams.values()].map((st) => {
        const slot = (x: Slot | undefined) => {
          if (!x) return undefined;
          blobs.push(x.windows.checkpoint());
          return { refId: x.refId, blob: blobs.length - 1 };
        };
        return {
          segment: st.stream.segment,
          subject: subjectIndex.get(st.subject),
          current: slot(st.current),
          previous: slot(st.previous),
        };
      }),
    };
    const head = Buffer.from(JSON.stringify(header, encodeNumbers), 'utf8');
    const size = 8 + head.length + blobs.reduce((n, b) => n + 4 + b.length, 0);
    const out = Buffer.allocUnsafe(size);
    out.writeUInt32BE(MAGIC, 0);
    out.writeUInt32BE(head.length, 4);
    head.copy(out, 8);
    let at = 8 + head.length;
    for (const b of blobs) {
      out.writeUInt32BE(b.length, at);
      out.set(b, at + 4);
      at += 4 + b.length;
    }
    return out;
  }

  /** Restores a checkpoint taken with the same options; throws UnknownReferenceError while the catalog lacks a profile. */
  static restore(
    options: PartitionWindowsOptions,
    references: ReferenceResolver,
    bytes: Buffer,
  ): PartitionWindows {
    if (bytes.length < 8 || bytes.readUInt32BE(0) !== MAGIC)
      throw new InvalidCheckpointError('not a monitor partition checkpoint (bad magic number)');
    const headLength = bytes.readUInt32BE(4);
    let header: CheckpointHeader;
    try {
      header = JSON.parse(
        bytes.subarray(8, 8 + headLength).toString('utf8'),
        decodeNumbers,
      ) as CheckpointHeader;
    } catch (cause) {
      throw new InvalidCheckpointError('checkpoint header is not valid JSON', { cause });
    }
    if (header.topic !== options.topic || header.partition !== options.partition) {
      throw new InvalidCheckpointError(
        `checkpoint of ${header.topic}/${header.partition} cannot restore ${options.topic}/${options.partition}`,
      );
    }
    const w = options.window;
    if (
      header.window.sizeMs !== w.sizeMs ||
      header.window.hopMs !== w.hopMs ||
      header.window.latenessMs !== w.latenessMs
    ) {
      throw new InvalidCheckpointError(
        `checkpoint was taken with windows ${JSON.stringify(header.window)}, not ${JSON.stringify(w)}; ` +
          'changing the window settings needs a new MONITOR_GROUP_ID',
      );
    }
    const blobs: Buffer[] = [];
    let at = 8 + headLength;
    while (at < bytes.length) {
      const n = bytes.readUInt32BE(at);
      blobs.push(bytes.subarray(at + 4, at + 4 + n));
      at += 4 + n;
    }
    const lookup = (id: string) => {
      const ref = references.byReferenceId(id);
      if (!ref) throw new UnknownReferenceError(id);
      return ref;
    };
    const state = new PartitionWindows(
      options,
      references,
      SegmentTables.fromJSON(options.segmentKeys, options.maxSegmentsPerKey, header.segments),
    );
    state.nextOffset = header.nextOffset;
    state.wm = header.watermark;
    state.maxTime = header.maxEventTime;
    for (const [id, p] of header.provisional ?? []) state.provisional.set(id, p);
    if (header.announced) state.markAnnounced(header.announced);
    const subjects = header.subjects.map((h) => {
      const key = subjectKey(h.subject);
      const s: SubjectState = { subject: h.subject, key, bootstrapSent: h.bootstrapSent, streams: new Map() };
      if (h.current) s.current = { ref: lookup(h.current.refId), from: h.current.from };
      if (h.previous)
        s.previous = { ref: lookup(h.previous.refId), from: h.previous.from, until: h.previous.until };
      state.subjects.set(key, s);
      return s;
    });
    for (const h of header.streams) {
      const subject = subjects[h.subject];
      const stream: Stream = { subject: subject.subject, segment: h.segment };
      const slot = (x: { refId: string; blob: number } | undefined): Slot | undefined =>
        x && {
          refId: x.refId,
          profile: lookup(x.refId).profile,
          windows: WindowedProfiles.restore(lookup(x.refId).profile, state.spec, blobs[x.blob]),
        };
      const st: StreamState = { stream, subject, current: slot(h.current), previous: slot(h.previous) };
      state.streams.set(streamKey(stream), st);
      subject.streams.set(h.segment, st);
    }
    return state;
  }
}

interface CheckpointHeader {
  topic: string;
  partition: number;
  source: Source;
  window: WindowSettings;
  nextOffset: number;
  watermark: number;
  maxEventTime: number;
  segments: SegmentTablesJSON;
  /** Absent in checkpoints of monitors before provisional windows. */
  provisional?: Array<[string, ProvisionalWindow]>;
  /** Absent in checkpoints of monitors before replays were told what was already published. */
  announced?: AnnouncedProgress;
  subjects: Array<{
    subject: Subject;
    bootstrapSent: number;
    current?: { refId: string; from: number };
    previous?: { refId: string; from: number; until: number };
  }>;
  streams: Array<{
    segment: string;
    subject: number;
    current?: { refId: string; blob: number };
    previous?: { refId: string; blob: number };
  }>;
}
