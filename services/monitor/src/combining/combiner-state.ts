import {
  type MonitorClosedWindows,
  type MonitorPartial,
  type MonitorPartitionProgress,
  type MonitorSample,
  type MonitorWindowPartial,
} from '@continuum/events';
import { recordKind } from '../windowing/partial-keys';
import {
  type Source,
  type Stream,
  type Subject,
  streamKey,
  subjectKey,
  windowKey,
} from '../streams/stream-identity';

/** One window of one stream waiting for every source partition. */
export interface PendingWindow {
  readonly key: string;
  /** Partition of ct.monitor-partials it is on (the model's): only that partition's progress counts. */
  readonly partialsPartition: number;
  readonly stream: Stream;
  readonly start: number;
  readonly end: number;
  /** Latest partial per source partition, with the record key to tombstone it. */
  readonly parts: Map<number, { partial: MonitorWindowPartial; recordKey: string }>;
}

export interface SampleSet {
  readonly subject: Subject;
  readonly partialsPartition: number;
  /** Samples by `partition:offset` (replays re-send the same offsets). */
  readonly events: Map<string, MonitorSample & { sourcePartition: number }>;
  /** Sample records and the samples each holds. */
  readonly records: Map<string, string[]>;
}

interface ProgressEntry {
  progress: MonitorPartitionProgress;
  /** (watermark, publishedAt) of recent progress records, ascending: when each boundary was crossed. */
  history: Array<[number, number]>;
}

/** A source partition a window's close relies on being idle: true while its log end is `nextOffset`. */
export interface IdleClaim {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: number;
}

/** A window the close rule allows, once the broker confirms its idle claims (none: at once). */
export interface ClosableWindow {
  readonly window: PendingWindow;
  readonly idle: readonly IdleClaim[];
}

/** Partials that arrived after their window was reported, held until the stream's next report. */
export interface LateCarry {
  /** Events in no report: new events of late partials plus events stage 1 dropped as late. */
  readonly events: number;
  readonly recordKeys: readonly string[];
}

export interface CombinerOptions {
  /** Topic name of each source (the close rule needs its partition count). */
  readonly sourceTopics: Readonly<Record<Source, string>>;
  /** Closed windows remembered per stream beyond the floor. */
  readonly closedWindowsKept: number;
}

const HISTORY = 64;

/**
 * Stage 2 state of the ct.monitor-partials partitions one instance owns, rebuilt from the
 * beginning of those partitions on every assignment: pending window partials per source
 * partition, the latest progress of every source partition (progress is on every partition),
 * the windows already reported per stream, and bootstrap samples. Pure: decisions are taken by
 * the caller once it has caught up.
 */
export class CombinerState {
  readonly pending = new Map<string, PendingWindow>();
  private readonly recordWindow = new Map<string, string>();
  /** Progress by partials partition, then source topic and partition. */
  private readonly progress = new Map<number, Map<string, Map<number, ProgressEntry>>>();
  private readonly closed = new Map<string, MonitorClosedWindows>();
  readonly samples = new Map<string, SampleSet>();
  private readonly sampleRecord = new Map<string, string>();
  /** Processing time since which a window waits only on idle partitions. */
  private readonly dueSince = new Map<string, number>();
  /** Late partials by stream, then record key: the late events each adds. */
  private readonly lateByStream = new Map<string, Map<string, number>>();

  constructor(readonly options: CombinerOptions) {}

  /**
   * Applies one record of ct.monitor-partials (value null: a tombstone), read from partition
   * `partialsPartition` in offset order. Each partition is a consistent log on its own: a
   * window's partials precede the progress records that announce them on the same partition, so
   * a window is judged by the progress read from its own partition only (another partition may
   * have been read further).
   */
  apply(partialsPartition: number, key: string, value: MonitorPartial | null): void {
    const kind = recordKind(key);
    if (value === null) {
      if (kind === 'window') this.forgetPartial(key);
      else if (kind === 'samples') this.forgetSamples(key);
      return;
    }
    if (value.window) this.addPartial(partialsPartition, key, value.window);
    else if (value.progress) this.addProgress(partialsPartition, value.progress);
    else if (value.closed) this.addClosed(value.closed);
    else if (value.samples) this.addSamples(partialsPartition, key, value.samples);
  }

  /**
   * Closing is irreversible: merge, never overwrite. Reading back an older closed record of our
   * own (this instance's position may be behind its own writes) must not reopen a window.
   */
  private addClosed(record: MonitorClosedWindows): void {
    const sk = streamKey(record.stream);
    const known = this.closed.get(sk);
    if (!known) {
      this.closed.set(sk, record);
      return;
    }
    const floor = Math.max(known.floor, record.floor);
    const ends = [...new Set([...known.windowEnds, ...record.windowEnds])]
      .filter((e) => e > floor)
      .sort((a, b) => a - b);
    this.closed.set(sk, { stream: known.stream, floor, windowEnds: ends });
  }

  private addPartial(partialsPartition: number, recordKey: string, partial: MonitorWindowPartial): void {
    const key = windowKey(partial.stream, partial.windowStart, partial.windowEnd);
    let w = this.pending.get(key);
    if (!w) {
      w = {
        key,
        partialsPartition,
        stream: partial.stream,
        start: partial.windowStart,
        end: partial.windowEnd,
        parts: new Map(),
      };
      this.pending.set(key, w);
    }
    w.parts.set(partial.sourcePartition, { partial, recordKey });
    this.recordWindow.set(recordKey, key);
  }

  private forgetPartial(recordKey: string): void {
    const key = this.recordWindow.get(recordKey);
    if (key === undefined) return;
    this.recordWindow.delete(recordKey);
    const w = this.pending.get(key);
    if (!w) return;
    for (const [p, part] of w.parts) if (part.recordKey === recordKey) w.parts.delete(p);
    if (w.parts.size === 0) this.pending.delete(key);
  }

  private topicProgress(partialsPartition: number, topic: string): Map<number, ProgressEntry> | undefined {
    return this.progress.get(partialsPartition)?.get(topic);
  }

  private addProgress(partialsPartition: number, progress: MonitorPartitionProgress): void {
    let perPartition = this.progress.get(partialsPartition);
    if (!perPartition) this.progress.set(partialsPartition, (perPartition = new Map()));
    let perTopic = perPartition.get(progress.sourceTopic);
    if (!perTopic) perPartition.set(progress.sourceTopic, (perTopic = new Map()));
    const entry = perTopic.get(progress.sourcePartition);
    if (!entry) {
      perTopic.set(progress.sourcePartition, {
        progress,
        history: [[progress.watermark, progress.publishedAt]],
      });
      return;
    }
    const last = entry.history[entry.history.length - 1];
    if (progress.watermark > last[0]) {
      entry.history.push([progress.watermark, progress.publishedAt]);
      if (entry.history.length > HISTORY) entry.history.shift();
    }
    entry.progress = progress;
  }

  private addSamples(
    partialsPartition: number,
    recordKey: string,
    samples: NonNullable<MonitorPartial['samples']>,
  ): void {
    const sk = subjectKey(samples.subject);
    let set = this.samples.get(sk);
    if (!set) {
      set = { subject: samples.subject, partialsPartition, events: new Map(), records: new Map() };
      this.samples.set(sk, set);
    }
    const ids: string[] = [];
    for (const e of samples.events) {
      const id = `${samples.sourcePartition}:${e.offset}`;
      set.events.set(id, { ...e, sourcePartition: samples.sourcePartition });
      ids.push(id);
    }
    set.records.set(recordKey, ids);
    this.sampleRecord.set(recordKey, sk);
  }

  private forgetSamples(recordKey: string): void {
    const sk = this.sampleRecord.get(recordKey);
    if (sk === undefined) return;
    this.sampleRecord.delete(recordKey);
    const set = this.samples.get(sk);
    if (!set) return;
    const ids = set.records.get(recordKey) ?? [];
    set.records.delete(recordKey);
    const stillHeld = new Set([...set.records.values()].flat());
    for (const id of ids) if (!stillHeld.has(id)) set.events.delete(id);
    if (set.records.size === 0) this.samples.delete(sk);
  }

  /** Drops a subject's samples from memory (their records are tombstoned by the caller). */
  dropSamples(subject: Subject): void {
    const sk = subjectKey(subject);
    const set = this.samples.get(sk);
    if (!set) return;
    for (const key of set.records.keys()) this.sampleRecord.delete(key);
    this.samples.delete(sk);
  }

  /** Whether the window was already reported (a later partial of it is late). */
  isClosed(stream: Stream, end: number): boolean {
    const c = this.closed.get(streamKey(stream));
    return !!c && (end <= c.floor || c.windowEnds.includes(end));
  }

  /**
   * The close rule (per-partition watermarks with idleness, as Flink's and Kafka Streams'): at
   * least one partition of the stream's source topic has a watermark past the window's end, and
   * every other one has one too or is idle — an idle partition published its open windows before
   * saying so, and counts only while the broker confirms it has nothing more (the caller checks
   * the claims) and once the window has waited `idleWaitMs` for it, so that a partition whose
   * records reach the broker a little after the others' still gets into the window. Sorted by
   * end, then stream. `now` is processing time.
   */
  closable(
    partitionCount: (topic: string) => number | undefined,
    now: number,
    idleWaitMs: number,
  ): ClosableWindow[] {
    const out: ClosableWindow[] = [];
    for (const w of this.pending.values()) {
      if (this.isClosed(w.stream, w.end)) continue;
      const topic = this.options.sourceTopics[w.stream.subject.source];
      const n = partitionCount(topic);
      const perTopic = this.topicProgress(w.partialsPartition, topic);
      let passed = 0;
      const idle: IdleClaim[] = [];
      for (let p = 0; n !== undefined && perTopic && p < n; p++) {
        const pr = perTopic.get(p)?.progress;
        if (!pr) break;
        if (pr.watermark >= w.end) passed++;
        else if (pr.idle && pr.nextOffset >= 0) idle.push({ topic, partition: p, nextOffset: pr.nextOffset });
        else break;
      }
      if (n === undefined || passed === 0 || passed + idle.length < n) {
        this.dueSince.delete(w.key);
        continue;
      }
      if (idle.length === 0) {
        out.push({ window: w, idle });
        continue;
      }
      const since = this.dueSince.get(w.key) ?? now;
      this.dueSince.set(w.key, since);
      if (now - since >= idleWaitMs) out.push({ window: w, idle });
    }
    return out.sort(
      (a, b) =>
        a.window.end - b.window.end ||
        (a.window.key < b.window.key ? -1 : a.window.key > b.window.key ? 1 : 0),
    );
  }

  /**
   * Moves the partials of windows already reported (late: stage 1 published them after stage 2
   * closed their window) to the stream's late carry; returns them. The carry is counted in the
   * stream's next report and tombstoned with it, so a restart in between counts them again
   * instead of losing them.
   */
  carryLatePartials(): Array<{ window: PendingWindow; events: number }> {
    const moved: Array<{ window: PendingWindow; events: number }> = [];
    for (const w of [...this.pending.values()]) {
      if (!this.isClosed(w.stream, w.end)) continue;
      const sk = streamKey(w.stream);
      let carry = this.lateByStream.get(sk);
      if (!carry) this.lateByStream.set(sk, (carry = new Map()));
      let events = 0;
      for (const { partial, recordKey } of w.parts.values()) {
        const late = Math.max(0, partial.eventCount - partial.earlierEventCount) + partial.droppedLateEvents;
        carry.set(recordKey, (carry.get(recordKey) ?? 0) + late);
        events += late;
      }
      this.removeWindow(w);
      moved.push({ window: w, events });
    }
    return moved;
  }

  /** The stream's late carry, to count in its next report. */
  lateCarry(stream: Stream): LateCarry {
    const carry = this.lateByStream.get(streamKey(stream));
    if (!carry) return { events: 0, recordKeys: [] };
    let events = 0;
    for (const n of carry.values()) events += n;
    return { events, recordKeys: [...carry.keys()] };
  }

  /** The stream's report counted its late carry. */
  clearLateCarry(stream: Stream): void {
    this.lateByStream.delete(streamKey(stream));
  }

  /** Forgets a window; returns the record keys of its partials (to tombstone). */
  removeWindow(w: PendingWindow): string[] {
    this.pending.delete(w.key);
    this.dueSince.delete(w.key);
    const keys = [...w.parts.values()].map((p) => p.recordKey);
    for (const k of keys) this.recordWindow.delete(k);
    return keys;
  }

  /** Records the window as reported; returns the stream's new closed-windows record. */
  markClosed(w: PendingWindow): MonitorClosedWindows {
    const sk = streamKey(w.stream);
    const previous = this.closed.get(sk);
    let floor = previous?.floor ?? -Infinity;
    const ends = (previous?.windowEnds ?? []).filter((e) => e > floor && e !== w.end);
    ends.push(w.end);
    ends.sort((a, b) => a - b);
    while (ends.length > this.options.closedWindowsKept) floor = Math.max(floor, ends.shift() as number);
    const record: MonitorClosedWindows = { stream: w.stream, floor, windowEnds: ends };
    this.closed.set(sk, record);
    return record;
  }

  /** Processing time at which the last source partition's watermark passed `end` (for the latency metric). */
  closableSince(w: PendingWindow, n: number): number | undefined {
    const end = w.end;
    const perTopic = this.topicProgress(
      w.partialsPartition,
      this.options.sourceTopics[w.stream.subject.source],
    );
    if (!perTopic) return undefined;
    let latest = -Infinity;
    for (let p = 0; p < n; p++) {
      const entry = perTopic.get(p);
      if (!entry) return undefined;
      const crossed = entry.history.find(([wm]) => wm >= end);
      latest = Math.max(latest, crossed ? crossed[1] : entry.progress.publishedAt);
    }
    return Number.isFinite(latest) ? latest : undefined;
  }

  /** Largest event time any partition of the topic has reported. */
  maxEventTime(set: SampleSet): number {
    let max = -Infinity;
    const topic = this.options.sourceTopics[set.subject.source];
    for (const e of this.topicProgress(set.partialsPartition, topic)?.values() ?? [])
      max = Math.max(max, e.progress.maxEventTime);
    return max;
  }
}
