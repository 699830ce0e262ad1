import { type MonitorPartial, type MonitorPartitionProgress } from '@continuum/events';
import { type OutgoingEvent } from '@continuum/kafka';
import { type MonitoredEvent } from '../streams/monitored-event';
import { type IdleVerdict, idleVerdict } from './idle-rule';
import { type PartitionWindows, StageOneOutput } from './partition-windows';
import { type SourcePartition } from './checkpoint-store';
import { progressRecords, windowRecords } from './stage-one-records';

/** The I/O one source partition's runtime needs; each promise resolves once the broker acknowledged. */
export interface PartitionPorts {
  /** Sends records to ct.monitor-partials. */
  publish(records: Array<OutgoingEvent<MonitorPartial>>): Promise<void>;
  /** Writes the partition's checkpoint to ct.monitor-checkpoints. */
  saveCheckpoint(source: SourcePartition, body: Buffer, nextOffset: number): Promise<void>;
  /** Commits the stage 1 group's offset of the partition. */
  commit(source: SourcePartition, nextOffset: number): Promise<void>;
  /** Told after each published progress record (gauges). */
  progressPublished?(progress: MonitorPartitionProgress, openStreams: number): void;
  /** Told after each checkpoint write (size histogram). */
  checkpointSaved?(bytes: number): void;
}

export interface PartitionRuntimeSettings {
  readonly partialsPartitions: number;
  readonly checkpointIntervalMs: number;
  readonly idleTimeoutMs: number;
}

/** One record of a batch: its offset and the event it carries (undefined: nothing to window). */
export interface BatchRecord {
  readonly offset: number;
  readonly event: MonitoredEvent | undefined;
}

/**
 * The shell around one source partition's PartitionWindows: feeds it batches and publishes what
 * it produced in the order that keeps stage 2 and a restart correct —
 *   window partials and samples → progress (a progress record never announces a window stage 2
 *   cannot read yet) → checkpoint (never ahead of what was published) → group offset commit
 *   (never ahead of the checkpoint).
 * Going idle publishes the open windows, then the idle progress. Not thread-safe: the caller
 * runs one call at a time per partition. The clock is passed in.
 */
export class PartitionRuntime {
  private lastRecordAt = 0;
  private lastCheckpointAt: number;
  private checkpointedOffset: number;
  private idle = false;
  /** Replaced by a newer assignment's runtime: it must not checkpoint or commit any more. */
  private retired = false;
  /** What the last published progress said. */
  private published?: { watermark: number; idle: boolean };
  /**
   * What the state produced but a failed publish did not deliver (the broker went away mid-batch).
   * The state has already moved past those records, so they are never observed again: this output
   * is published before anything else — progress, checkpoint, commit — or the windows it closed
   * would be announced and checkpointed without their partials (seen in the fault suite: a window
   * reported without one partition's events after a broker SIGKILL).
   */
  private undelivered?: { out: StageOneOutput; idleChanged: boolean };

  constructor(
    readonly source: SourcePartition,
    readonly state: PartitionWindows,
    private readonly ports: PartitionPorts,
    private readonly settings: PartitionRuntimeSettings,
    private readonly readyAt: number,
  ) {
    this.lastCheckpointAt = readyAt;
    this.checkpointedOffset = state.nextOffset;
  }

  /**
   * A new assignment restored another runtime for this partition from the checkpoint it found.
   * This one may still be inside a batch (a publish blocked while the broker was away): if it then
   * checkpointed and committed, the group offset would run past what the new runtime's state
   * covers, and the new runtime would never see the records in between (seen in the fault suite).
   */
  retire(): void {
    this.retired = true;
  }

  get isIdle(): boolean {
    return this.idle;
  }

  /** Whether a batch has been handled since the assignment. */
  get started(): boolean {
    return this.lastRecordAt > 0;
  }

  /** Processing time since when the partition has had no record (or since the assignment). */
  get quietSince(): number {
    return Math.max(this.lastRecordAt, this.readyAt);
  }

  /**
   * Windows one batch (records in offset order, those below the restored offset skipped),
   * publishes what it closed, and checkpoints when the interval has passed.
   */
  async handleBatch(
    records: readonly BatchRecord[],
    lastOffset: number,
    now: number,
  ): Promise<StageOneOutput> {
    const out = new StageOneOutput();
    this.state.beginBatch();
    for (const { offset, event } of records) {
      // Covered by the checkpoint this state was restored from.
      if (offset < this.state.nextOffset) continue;
      if (event) this.state.observe(offset, event, out);
      else this.state.skipTo(offset + 1);
    }
    this.state.skipTo(lastOffset + 1);
    this.lastRecordAt = now;
    const wasIdle = this.idle;
    this.idle = false;
    await this.deliver(out, now, wasIdle);
    if (now - this.lastCheckpointAt >= this.settings.checkpointIntervalMs) await this.checkpoint(now);
    return out;
  }

  /** Publishes what an earlier failed publish left undelivered, then `out`; keeps both if it fails. */
  private async deliver(out: StageOneOutput | undefined, now: number, idleChanged: boolean): Promise<void> {
    const pending = this.undelivered;
    if (pending) {
      await this.publish(pending.out, now, pending.idleChanged);
      this.undelivered = undefined;
    }
    if (!out) return;
    this.undelivered = { out, idleChanged };
    await this.publish(out, now, idleChanged);
    this.undelivered = undefined;
  }

  /** Whether the periodic checkpoint is due (unsaved progress, interval passed). */
  checkpointDue(now: number): boolean {
    return (
      this.state.nextOffset !== this.checkpointedOffset &&
      now - this.lastCheckpointAt >= this.settings.checkpointIntervalMs
    );
  }

  /** Whether the partition is a candidate for idleness (then the caller asks the broker for its log end). */
  mayBeIdle(now: number): boolean {
    return !this.idle && now - this.quietSince >= this.settings.idleTimeoutMs;
  }

  /**
   * Applies the idle rule with the log-end offset the broker gave just now (undefined: no
   * answer). Idle: the open windows are published as they are, then the idle progress with the
   * offset it covers, which stage 2 checks against the broker again before relying on it.
   */
  async checkIdle(logEndOffset: number | undefined, now: number): Promise<IdleVerdict> {
    if (this.idle) return { idle: true };
    const verdict = idleVerdict(
      { quietSince: this.quietSince, nextOffset: this.state.nextOffset },
      logEndOffset,
      now,
      this.settings.idleTimeoutMs,
    );
    if (!verdict.idle) return verdict;
    const out = new StageOneOutput();
    this.state.publishOpenWindows(out);
    this.idle = true;
    await this.deliver(out, now, true);
    return verdict;
  }

  /** Progress, then the checkpoint, then the group offset: the offset never runs ahead of a checkpoint. */
  async checkpoint(now: number): Promise<void> {
    if (this.retired) return;
    await this.deliver(undefined, now, false);
    await this.publish(new StageOneOutput(), now, false, true);
    const nextOffset = this.state.nextOffset;
    if (nextOffset !== this.checkpointedOffset && !this.retired) {
      const body = this.state.checkpoint();
      await this.ports.saveCheckpoint(this.source, body, nextOffset);
      this.ports.checkpointSaved?.(body.length);
      if (this.retired) return;
      await this.ports.commit(this.source, nextOffset);
      this.checkpointedOffset = nextOffset;
    }
    this.lastCheckpointAt = now;
  }

  /** Partials and samples first, then progress: a progress record never announces a window not yet published. */
  private async publish(
    out: StageOneOutput,
    now: number,
    idleChanged: boolean,
    onChange = false,
  ): Promise<void> {
    const records = windowRecords(out, this.source, this.settings.partialsPartitions);
    if (records.length > 0) await this.ports.publish(records);
    const changed =
      !this.published ||
      this.published.idle !== this.idle ||
      this.published.watermark !== this.state.watermark;
    // While a replay is behind what was announced already, a progress record would move stage 2's
    // view of this partition backwards: it says nothing until the replay has caught up.
    if (this.state.behindAnnounced && !this.idle) return;
    if (out.crossedBoundary || idleChanged || (onChange && changed)) await this.publishProgress(now);
  }

  private async publishProgress(now: number): Promise<void> {
    const progress: MonitorPartitionProgress = {
      sourceTopic: this.source.topic,
      sourcePartition: this.source.partition,
      watermark: this.state.watermark,
      maxEventTime: this.state.maxEventTime,
      idle: this.idle,
      nextOffset: this.state.nextOffset,
      publishedAt: now,
    };
    await this.ports.publish(progressRecords(progress, this.settings.partialsPartitions));
    this.published = { watermark: progress.watermark, idle: progress.idle };
    this.state.markAnnounced({ watermark: progress.watermark, nextOffset: progress.nextOffset });
    this.ports.progressPublished?.(progress, this.state.streamCount);
  }
}
