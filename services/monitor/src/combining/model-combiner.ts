import { Inject, Injectable } from '@nestjs/common';
import { type Gauge } from 'prom-client';
import { ReferenceProfileBuilder, type WindowProfile, evaluateDrift } from '@continuum/drift';
import {
  type DriftReport,
  DriftReportContract,
  EventCodecs,
  type MonitorPartial,
  MonitorPartialContract,
  MonitorReferenceContract,
  topicName,
} from '@continuum/events';
import {
  type EventProducer,
  KAFKA_CLIENT,
  type KafkaClient,
  KeyedSerialQueue,
  type OutgoingEvent,
  TopicView,
} from '@continuum/kafka';
import { type CheckResult, HealthChecks, LOGGER, type Logger, Metrics } from '@continuum/observability';
import { type MonitorConfig } from '../monitor.config';
import { ReferenceCatalog } from '../references/reference-catalog';
import { type ResolvedReference } from '../references/resolved-reference';
import { segmentKeyOf } from '../streams/segment-table';
import { type Source, type Stream, subjectKey } from '../streams/stream-identity';
import { MONITOR_CONFIG } from '../tokens';
import { closedRecordKey } from '../windowing/partial-keys';
import { caughtUp } from '../windowing/idle-rule';
import {
  type ClosableWindow,
  CombinerState,
  type IdleClaim,
  type PendingWindow,
  type SampleSet,
} from './combiner-state';
import { DriftMetrics } from './drift-metrics';
import { judgeSegment, mergePartials, referencesOf, toDriftReportEvent } from './report-mapping';
import { chooseSegments, mergeStates, segmentGroups } from './segment-choice';

/**
 * Stage 2: owns some partitions of ct.monitor-partials (hence some models) in its own consumer
 * group. On every assignment it rebuilds its state by reading those partitions from the
 * beginning (it never commits), and takes no decision until it has read what they held at
 * assignment. Then: closes windows by the close rule, merges their partials in source-partition
 * order, evaluates drift, publishes the report, marks the window closed and tombstones its
 * partials; builds bootstrap reference profiles from forwarded samples.
 */
@Injectable()
export class ModelCombiner {
  private writer!: EventProducer;
  /** ct.monitor-partials as the combiner group assigns it, re-read from the beginning on every assignment. */
  private view?: TopicView<MonitorPartial>;
  private admin?: ReturnType<KafkaClient['admin']>;
  private state: CombinerState;
  private generation = 0;
  private assigned: number[] = [];
  private readonly positions = new Map<number, number>();
  private readonly partitionCounts = new Map<string, number>();
  /** Batches and the timer's decisions never interleave. */
  private readonly queue = new KeyedSerialQueue();
  private timer?: NodeJS.Timeout;
  private caughtUpLogged = -1;
  private readonly waitingFor = new Set<string>();
  private readonly partialsTopic = topicName('monitorPartials');
  private readonly sourceTopics: Record<Source, string> = {
    PREDICTIONS: topicName('predictions'),
    FEATURES: topicName('features'),
  };
  private readonly pendingGauge: Gauge;
  private readonly decidedGauge: Gauge<'partition'>;
  private readonly assignedGauge: Gauge<'stage'>;

  constructor(
    @Inject(MONITOR_CONFIG) private readonly config: MonitorConfig,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly catalog: ReferenceCatalog,
    private readonly driftMetrics: DriftMetrics,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.state = this.newState();
    this.assignedGauge = metrics.gauge(
      'continuum_monitor_assigned_partitions',
      'Partitions assigned to this instance: source partitions (stage 1, windowing) or ct.monitor-partials partitions (stage 2, combiner).',
      ['stage'],
    );
    this.decidedGauge = metrics.gauge(
      'continuum_monitor_combiner_decided_offset',
      'Per ct.monitor-partials partition owned by this instance: the next offset it has read and taken every decision on (a progress signal for tests and operators).',
      ['partition'],
    );
    this.pendingGauge = metrics.gauge(
      'continuum_monitor_pending_windows',
      'Windows stage 2 holds partials of, waiting for every source partition.',
    );
  }

  private newState(): CombinerState {
    return new CombinerState({
      sourceTopics: this.sourceTopics,
      closedWindowsKept: this.config.closedWindowsKept,
    });
  }

  async start(writer: EventProducer): Promise<void> {
    this.writer = writer;
    await this.refreshPartitionCounts();
    const view = new TopicView(this.client, this.codecs, {
      topic: this.partialsTopic,
      contract: MonitorPartialContract,
      group: { groupId: this.config.combinerGroupId, onAssignment: (p) => this.onAssignment(p) },
      sessionTimeoutMs: this.config.sessionTimeoutMs,
      maxBytesPerPartition: 32 * 1024 * 1024,
      onUndecodable: (r) =>
        this.logger.warn(
          { err: r.error, key: r.key, offset: r.offset },
          'skipped an undecodable partials record',
        ),
      onBatch: (records, batch) =>
        this.queue.run(async () => {
          if (batch.stale()) return;
          for (const r of records) if (r.key) this.state.apply(batch.partition, r.key, r.value);
          this.positions.set(batch.partition, Number(batch.nextOffset));
          await this.decideOrRetryLater();
        }),
    });
    this.view = view;
    this.health.addReadinessCheck('monitor-combiner', () => this.readiness());
    await view.start();
    this.timer = setInterval(() => void this.queue.run(() => this.decideOrRetryLater()), 1000);
    this.timer.unref();
  }

  private readiness(): CheckResult {
    return this.view?.joined
      ? { ok: true, detail: `combiner in group ${this.config.combinerGroupId}` }
      : { ok: false, detail: 'combiner not in its group' };
  }

  private async refreshPartitionCounts(): Promise<void> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const topics = [this.partialsTopic, ...Object.values(this.sourceTopics)];
      const metadata = await admin.fetchTopicMetadata({ topics });
      for (const t of metadata.topics) this.partitionCounts.set(t.name, t.partitions.length);
    } finally {
      await admin.disconnect();
    }
  }

  /** New assignment: forget everything and re-read the assigned partitions from the beginning. */
  private onAssignment(partitions: number[]): void {
    const generation = ++this.generation;
    this.state = this.newState();
    this.positions.clear();
    this.decidedGauge.reset();
    this.assigned = [...partitions].sort((a, b) => a - b);
    this.assignedGauge.set({ stage: 'combiner' }, this.assigned.length);
    this.logger.info({ generation, partitions: this.assigned }, 'combiner assignment; rebuilding its state');
    // The view reads the end offsets of the assignment itself; the partition counts may have changed.
    void this.refreshPartitionCounts().catch((error: unknown) =>
      this.logger.error({ err: error }, 'could not read the partition counts of the monitored topics'),
    );
  }

  private caughtUp(): boolean {
    return this.view?.isCaughtUp() ?? false;
  }

  /** A failed decision (e.g. the broker briefly unavailable) is taken again on the next batch or tick. */
  private async decideOrRetryLater(): Promise<void> {
    try {
      if (await this.decide()) {
        for (const [partition, next] of this.positions)
          this.decidedGauge.set({ partition: String(partition) }, next);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'combiner decision failed; retried on the next batch or tick');
    }
  }

  /** Takes every decision the state allows (only once caught up with the assignment's end offsets). */
  private async decide(): Promise<boolean> {
    if (!this.view || !this.caughtUp()) return false;
    if (this.caughtUpLogged !== this.generation) {
      this.caughtUpLogged = this.generation;
      this.logger.info(
        { generation: this.generation, pendingWindows: this.state.pending.size },
        'combiner caught up; deciding',
      );
    }
    this.carryLatePartials();
    const closable = this.state.closable(
      (topic) => this.partitionCounts.get(topic),
      Date.now(),
      this.config.idleTimeoutMs,
    );
    const confirmed = await this.confirmIdle(closable);
    const closing = closable.filter((c) => confirmed(c.idle)).map((c) => c.window);
    for (const group of segmentGroups(closing, [...this.state.pending.values()])) await this.close(group);
    for (const set of [...this.state.samples.values()]) await this.bootstrap(set);
    this.pendingGauge.set(this.state.pending.size);
    return true;
  }

  /**
   * Idle claims hold only while the broker's log-end offset of the source partition is still the
   * offset the idle progress covered: a record that reached the broker since (the partition's
   * consumer may be stalled, or behind) makes the window wait for it.
   */
  private async confirmIdle(
    closable: readonly ClosableWindow[],
  ): Promise<(claims: readonly IdleClaim[]) => boolean> {
    const topics = [...new Set(closable.flatMap((c) => c.idle.map((claim) => claim.topic)))];
    if (topics.length === 0) return () => true;
    const ends = new Map<string, number>();
    const admin = await this.connectedAdmin();
    for (const topic of topics) {
      for (const o of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}:${o.partition}`, Number(o.high));
    }
    return (claims) =>
      claims.every((claim) => caughtUp(claim.nextOffset, ends.get(`${claim.topic}:${claim.partition}`)));
  }

  private async connectedAdmin(): Promise<ReturnType<KafkaClient['admin']>> {
    if (!this.admin) {
      const admin = this.client.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Late partials wait, counted, for their stream's next report (which tombstones them). */
  private carryLatePartials(): void {
    for (const { window, events } of this.state.carryLatePartials()) {
      this.driftMetrics.latePartials(window.parts.size, window.stream.subject.source, events);
      this.logger.warn(
        {
          stream: window.stream,
          windowStart: window.start,
          windowEnd: window.end,
          partials: window.parts.size,
          lateEvents: events,
        },
        "partials arrived after their window was reported; their events count as late in the stream's next report",
      );
    }
  }

  /**
   * Reports one window of a stream, or (a group) the windows of every segment of one key of a
   * subject: a key whose values the reference profile does not give has its reported values chosen
   * here, over every partition's partials (combining/segment-choice.ts).
   */
  private async close(windows: readonly PendingWindow[]): Promise<void> {
    const first = windows[0];
    const references: ResolvedReference[] = [];
    for (const id of [...new Set(windows.flatMap((w) => referencesOf(w)))]) {
      const reference = this.catalog.byReferenceId(id);
      if (!reference) {
        if (!this.waitingFor.has(id)) {
          this.waitingFor.add(id);
          this.logger.info({ referenceId: id }, 'window waits for the catalog to know its reference');
        }
        return;
      }
      references.push(reference);
    }
    const producedAt = Date.now();
    const { start, end } = first;
    const subject = first.stream.subject;
    const key = segmentKeyOf(first.stream.segment);
    // Late events since a stream's previous report go into the first report of its segment.
    const late = new Map<string, number>();
    const lateOf = (segment: string) => {
      const n = late.get(segment) ?? 0;
      late.set(segment, 0);
      return n;
    };
    const reported: Array<{ stream: Stream; report: DriftReport }> = [];
    const evaluate = (segment: string, reference: ResolvedReference, merged: WindowProfile) => {
      const stream: Stream = { subject, segment };
      const judgement = judgeSegment(stream, merged.eventCount, this.config.minSegmentEvents);
      const report = evaluateDrift(reference.profile, merged, {
        correction: this.config.correction,
        thresholds: { KS: this.config.alpha, CHI_SQUARE: this.config.alpha, Z_TEST: this.config.alpha },
        ...judgement.options,
      });
      const event = toDriftReportEvent(report, {
        stream,
        start,
        end,
        reference,
        producedAt,
        lateEvents: lateOf(segment),
        tooSmallToJudge: judgement.tooSmallToJudge,
      });
      reported.push({ stream, report: event });
    };
    const carries = windows.map((w) => this.state.lateCarry(w.stream));
    const lateOfWindow = (w: PendingWindow, i: number) =>
      carries[i].events + [...w.parts.values()].reduce((n, p) => n + p.partial.droppedLateEvents, 0);
    const countedByStage2 =
      key !== undefined && references.every((r) => r.profile.segmentValues(key) === undefined);
    const closedStreams = windows.map((w) => w.stream);
    if (key !== undefined && countedByStage2) {
      const otherSegment = `${key}=other`;
      for (const reference of references) {
        const partials = windows.flatMap((w) =>
          [...w.parts.values()].map((p) => p.partial).filter((p) => p.referenceId === reference.id),
        );
        const choice = chooseSegments(key, partials, this.config.maxSegmentsPerKey);
        const chosen = new Set(choice.segments.map((c) => c.segment));
        if (reported.length === 0) {
          windows.forEach((w, i) => {
            const into = chosen.has(w.stream.segment) ? w.stream.segment : otherSegment;
            late.set(into, (late.get(into) ?? 0) + lateOfWindow(w, i));
          });
        }
        if (choice.foldedTopValues.length > 0) {
          this.logger.info(
            { subject, key, windowStart: start, values: choice.foldedTopValues },
            "values among the window's most frequent were folded into 'other' on some source partition: reported within 'other'",
          );
        }
        for (const c of choice.segments)
          evaluate(c.segment, reference, mergeStates(reference.profile, { start, end }, c.partials));
      }
      if (!windows.some((w) => w.stream.segment === otherSegment))
        closedStreams.push({ subject, segment: otherSegment });
    } else {
      for (const [i, w] of windows.entries()) {
        late.set(w.stream.segment, lateOfWindow(w, i));
        for (const reference of references.filter((r) => referencesOf(w).includes(r.id)))
          evaluate(w.stream.segment, reference, mergePartials(reference.profile, w, reference.id));
      }
    }
    if (references.length > 1) {
      this.logger.warn(
        { stream: first.stream, windowStart: start, references: references.map((r) => r.id) },
        'source partitions windowed this window against different references (a reference changed): one report per reference',
      );
    }
    const modelId = subject.modelId;
    await this.writer.send(
      topicName('driftReports'),
      DriftReportContract,
      reported.map(({ report }) => ({ key: modelId, value: report })),
    );
    const publishedAt = Date.now();
    const topic = this.sourceTopics[subject.source];
    const since = this.state.closableSince(first, this.partitionCounts.get(topic) ?? 0);
    for (const { stream, report } of reported) this.driftMetrics.reported(stream, report, since, publishedAt);
    // Then the closed marks, then the tombstones: a crash before the marks re-publishes the same
    // reports (same reportIds); after them, the partials are recognised as reported.
    const partition = first.partialsPartition;
    const records: Array<OutgoingEvent<MonitorPartial>> = [];
    for (const stream of closedStreams) {
      const closed = this.state.markClosed({ ...first, stream });
      records.push({
        key: closedRecordKey(stream),
        partition,
        value: { window: null, progress: null, closed, samples: null },
      });
    }
    for (const w of windows)
      records.push(...this.state.removeWindow(w).map((k) => ({ key: k, value: null, partition })));
    for (const carry of carries)
      records.push(...carry.recordKeys.map((k) => ({ key: k, value: null, partition })));
    await this.writer.send(this.partialsTopic, MonitorPartialContract, records);
    for (const w of windows) this.state.clearLateCarry(w.stream);
  }

  /** Builds a bootstrap reference from the first N samples (by event time, then eventId) once it has N. */
  private async bootstrap(set: SampleSet): Promise<void> {
    const { subject } = set;
    const partition = set.partialsPartition;
    const discard = async () => {
      const keys = [...set.records.keys()];
      this.state.dropSamples(subject);
      await this.writer.send(
        this.partialsTopic,
        MonitorPartialContract,
        keys.map((key) => ({ key, value: null, partition })),
      );
    };
    if (this.catalog.referenceFor(subject)) return discard();
    const n = this.config.bootstrapEvents;
    if (set.events.size < n) return;
    // Another instance (or an earlier run of this one) may have built it already.
    await this.catalog.syncToEnd();
    if (this.catalog.referenceFor(subject)) return discard();
    const chosen = [...set.events.values()]
      .sort(
        (a, b) =>
          a.timestamp - b.timestamp ||
          (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0) ||
          a.sourcePartition - b.sourcePartition ||
          a.offset - b.offset,
      )
      .slice(0, n);
    const builder = new ReferenceProfileBuilder({ maxRows: n });
    let maxTimestamp = -Infinity;
    for (const e of chosen) {
      builder.observe({ numeric: e.numeric, categorical: e.categorical, prediction: e.prediction });
      maxTimestamp = Math.max(maxTimestamp, e.timestamp);
    }
    const profile = builder.build();
    // Events stage 1 already passed before it learns of the profile cannot be windowed: start
    // after everything the source partitions reported having seen.
    const seen = Math.max(maxTimestamp, this.state.maxEventTime(set));
    const hop = this.config.windowHopMs;
    const effectiveFrom = Math.floor(seen / hop) * hop + hop;
    await this.writer.send(topicName('monitorReferences'), MonitorReferenceContract, [
      {
        key: `${subject.modelId}|${subject.source}|${subject.modelVersion}`,
        value: {
          subject,
          referenceProfile: JSON.stringify(profile.toJSON()),
          effectiveFrom,
          sampleCount: chosen.length,
          builtAt: Date.now(),
        },
      },
    ]);
    this.logger.info(
      { subject: subjectKey(subject), samples: chosen.length, effectiveFrom },
      'published a bootstrap reference profile',
    );
    await this.catalog.syncToEnd();
    await discard();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.view?.stop();
    await this.admin?.disconnect().catch(() => undefined);
  }
}
