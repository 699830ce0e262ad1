import {
  type DriftReport,
  type Evidence,
  type PerformanceReport,
  type RetrainReason,
  type RetrainRequest,
  type TrainingMode,
  type WindowStrategy,
} from '@continuum/events';
import {
  type ControllerPolicy,
  type ModelPolicy,
  REASON_PRECEDENCE,
  requestSettingsFor,
} from '../policy/policy';
import { assessDriftReport, stepDataDrift } from './data-drift-trigger';
import { DAY_MS, type GuardName, automaticVerdict, budgetVerdict } from './guards';
import {
  type DataDriftTriggerState,
  type ModelState,
  type PendingRequest,
  type PerformanceTriggerState,
  type PerformanceWindowState,
  type Signal,
  emptyModelState,
} from './model-state';
import {
  type PerformanceSkip,
  assessConceptDrift,
  bandVerdict,
  countRun,
  decideOverdue,
  disarmPerformance,
  judgeWindow,
  pruneWindows,
  recordWindow,
  stepConceptDrift,
} from './performance-trigger';
import { type EmittedRequest, RequestHistory, evidenceRef, summarizeRequest } from './request-history';
import { requestIdFor } from './request-id';
import { type StageLookup, stageVerdict } from './stage-gate';
import { CronSchedule } from './schedule';

/**
 * What became of a trigger's signal: it opened a pending request, merged into one, was already
 * emitted before a restart, or was suppressed by a guard (hysteresis: the trigger already fired for
 * this episode; cooldown; daily budget).
 */
export type SignalDisposition = 'opened' | 'merged' | 'already-emitted' | 'hysteresis' | GuardName;

export interface SignalOutcome {
  modelId: string;
  reason: RetrainReason;
  disposition: SignalDisposition;
  /** The pending (or emitted) request the signal went into. */
  requestId?: string;
  /** For cooldown and budget: when the guard lets requests through again. */
  blockedUntil?: number;
}

/** `not-champion`: the report is about a version that is not the model's CHAMPION (see stage-gate.ts). */
export type ReportIgnored =
  'unknown-model' | 'no-trigger' | 'segment-not-watched' | 'stale-window' | 'not-champion';

/**
 * An estimated window as the performance trigger saw it: decided on its band (`breach`: the whole
 * band past the threshold; `band-straddles`; `clean`).
 */
export type EstimateOutcome = 'breach' | 'band-straddles' | 'clean';

export interface ReportOutcome {
  modelId: string;
  ignored?: ReportIgnored;
  /** Parts of a performance report that could not be judged. */
  skipped: PerformanceSkip[];
  /** Estimated windows decided by this event (their labels' horizon passed). */
  estimates?: EstimateOutcome[];
  signals: SignalOutcome[];
}

export interface ManualInput {
  /** Free text from the caller, kept as evidence. */
  note?: string;
  window?: WindowStrategy;
  mode?: TrainingMode;
  requestedBy: string;
  /** Same key, same request id: a retried call is recognised instead of emitted twice. */
  idempotencyKey?: string;
  /** Used as the occasion when there is no idempotency key (keeps the engine free of randomness). */
  nonce: string;
}

export type ManualOutcome =
  | { kind: 'unknown-model' }
  | { kind: 'duplicate'; requestId: string }
  | { kind: 'budget-exhausted'; until: number; used: number; budget: number }
  | { kind: 'request'; request: RetrainRequest; absorbedPending: string | null };

export type ScheduleOutcome =
  | { kind: 'none' }
  /** The first slot seen for this model (or this cron expression) is recorded, not fired. */
  | { kind: 'initialized'; slot: number }
  | { kind: 'fired'; slot: number; signal: SignalOutcome };

export interface EngineLimits {
  /** Performance states kept per model (model versions); the least recently reported goes first. */
  maxVersions: number;
}

/** Whether a signal's occasion was already handled: the trigger then disarms as if it just fired. */
function handled(disposition: SignalDisposition): boolean {
  return disposition === 'opened' || disposition === 'merged' || disposition === 'already-emitted';
}

function precedence(reason: RetrainReason): number {
  return REASON_PRECEDENCE.indexOf(reason);
}

/**
 * The retrain-trigger policy engine: pure, clock passed in, no I/O. It turns drift reports,
 * performance reports, schedule ticks and manual calls into retrain requests under the policy's
 * triggers and guards. The service around it loads and checkpoints its state, emits what
 * `dueRequests` returns and reports emissions back with `recordEmitted`.
 */
export class RetrainEngine {
  private readonly states = new Map<string, ModelState>();
  private readonly history = new RequestHistory();
  private readonly dirty = new Set<string>();
  private readonly schedules = new Map<string, CronSchedule>();
  /** No slot can be due before this time (per model): spares a cron search on most ticks. */
  private readonly nextSlotAt = new Map<string, number>();
  /** The registry's stages; until set, every version's reports count (no registry). */
  private stages?: StageLookup;

  /** The models it runs: the policy file's, then registered models adopted at run time (adopt). */
  readonly models: Map<string, ModelPolicy>;

  constructor(
    readonly policy: ControllerPolicy,
    private readonly limits: EngineLimits = { maxVersions: 8 },
  ) {
    this.models = new Map(policy.models);
    for (const p of policy.models.values()) this.addSchedule(p);
  }

  /**
   * Runs one more model from now on: a model registered with a `policyRef` naming an entry of the
   * policy file (policy/registered-models.ts). Call before its state is restored or its first report.
   */
  adopt(policy: ModelPolicy): void {
    if (this.models.has(policy.modelId)) return;
    this.models.set(policy.modelId, policy);
    this.addSchedule(policy);
  }

  private addSchedule(p: ModelPolicy): void {
    if (p.schedule) this.schedules.set(p.modelId, new CronSchedule(p.schedule.cron, p.schedule.timezone));
  }

  /**
   * Makes the engine stage-aware: drift and performance reports then raise requests for the
   * model's CHAMPION only (a registry view folded from ct.model-versions, kept current by the caller).
   */
  useStages(stages: StageLookup): void {
    this.stages = stages;
  }

  /** How far back the requests topic must be read at start-up for the guards to be right. */
  historyWindowMs(): number {
    let window = DAY_MS;
    for (const p of this.models.values()) window = Math.max(window, p.cooldownMs);
    return window;
  }

  /**
   * Installs checkpointed model states and the requests already emitted. A pending request that
   * was emitted before a crash (its id, or every signal it holds, is on the requests topic) is
   * dropped instead of being emitted again.
   */
  restore(states: Iterable<ModelState>, emitted: Iterable<EmittedRequest>, now: number): void {
    for (const r of emitted) this.history.add(r);
    for (const s of states) {
      if (!this.models.has(s.modelId)) continue;
      const state = structuredClone(s);
      if (state.pending && this.pendingAlreadyEmitted(state.modelId, state.pending)) {
        state.pending = null;
        state.updatedAt = now;
        this.dirty.add(state.modelId);
      }
      this.states.set(state.modelId, state);
      this.nextSlotAt.delete(state.modelId);
    }
  }

  /** Drops the in-memory state of models another instance now owns. */
  forget(modelIds: Iterable<string>): void {
    for (const id of modelIds) {
      this.states.delete(id);
      this.dirty.delete(id);
      this.nextSlotAt.delete(id);
    }
  }

  modelPolicy(modelId: string): ModelPolicy | undefined {
    return this.models.get(modelId);
  }

  /** A copy of the model's state (undefined before its first event). */
  stateOf(modelId: string): ModelState | undefined {
    const s = this.states.get(modelId);
    return s && structuredClone(s);
  }

  knowsRequest(requestId: string): boolean {
    return this.history.has(requestId);
  }

  onDriftReport(report: DriftReport, now: number): ReportOutcome {
    const outcome: ReportOutcome = { modelId: report.modelId, skipped: [], signals: [] };
    const policy = this.models.get(report.modelId);
    if (!policy) return { ...outcome, ignored: 'unknown-model' };
    if (!policy.drift) return { ...outcome, ignored: 'no-trigger' };
    if (!policy.drift.segments.includes(report.segment))
      return { ...outcome, ignored: 'segment-not-watched' };
    if (!stageVerdict(this.stages, report.modelId, report.modelVersion).counts)
      return { ...outcome, ignored: 'not-champion' };
    const state = this.mutableState(report.modelId, now);
    let trigger = state.drift.find(
      (d) => d.modelVersion === report.modelVersion && d.segment === report.segment,
    );
    if (!trigger) {
      trigger = {
        modelVersion: report.modelVersion,
        segment: report.segment,
        lastWindowEnd: Number.MIN_SAFE_INTEGER,
        seenAt: now,
        armed: true,
        cleanReports: 0,
      };
      state.drift.push(trigger);
    }
    if (report.windowEnd <= trigger.lastWindowEnd) return { ...outcome, ignored: 'stale-window' };
    trigger.lastWindowEnd = report.windowEnd;
    trigger.seenAt = now;
    state.latestVersion = report.modelVersion;
    this.touch(state, now);

    const assessment = assessDriftReport(policy.drift, report);
    const step = stepDataDrift(trigger, assessment.triggered, policy.drift);
    if (step === 'fire') {
      const signal = this.raise(policy, state, {
        reason: 'DATA_DRIFT',
        modelVersion: report.modelVersion,
        raisedAt: now,
        key: `DATA_DRIFT|${report.reportId}`,
        evidence: [assessment.evidence],
      });
      if (handled(signal.disposition)) disarm(trigger);
      outcome.signals.push(signal);
    } else if (step === 'hysteresis') {
      outcome.signals.push({ modelId: report.modelId, reason: 'DATA_DRIFT', disposition: 'hysteresis' });
    }
    state.drift = this.evict(state.drift, this.limits.maxVersions * policy.drift.segments.length);
    return outcome;
  }

  onPerformanceReport(report: PerformanceReport, now: number): ReportOutcome {
    const outcome: ReportOutcome = { modelId: report.modelId, skipped: [], signals: [] };
    const policy = this.models.get(report.modelId);
    if (!policy) return { ...outcome, ignored: 'unknown-model' };
    if (!policy.performance && !policy.conceptDrift) return { ...outcome, ignored: 'no-trigger' };
    if (!stageVerdict(this.stages, report.modelId, report.modelVersion).counts)
      return { ...outcome, ignored: 'not-champion' };
    const state = this.mutableState(report.modelId, now);
    let trigger = state.performance.find((p) => p.modelVersion === report.modelVersion);
    if (!trigger) {
      trigger = {
        modelVersion: report.modelVersion,
        lastWindowEnd: Number.MIN_SAFE_INTEGER,
        seenAt: now,
        consecutiveBreaches: 0,
        breachEvidence: [],
        armed: true,
        cleanWindows: 0,
        conceptArmed: true,
        conceptCleanReports: 0,
        windows: [],
        forgottenThrough: 0, // nothing forgotten yet (windows end after the epoch)
        firedThrough: null,
      };
      state.performance.push(trigger);
    }
    // Concept drift is read once per window (the newest seen); the performance trigger keeps its
    // own ledger of recent windows, because an estimate is decided at its labels' horizon, after
    // newer windows may have been reported.
    const newWindow = report.windowEnd > trigger.lastWindowEnd;
    let performanceChanged = false;
    if (policy.performance) {
      const judged = judgeWindow(report, policy.performance, now);
      if (typeof judged === 'string') {
        if (newWindow) outcome.skipped.push(judged);
      } else {
        const changed = decideOverdue(trigger, now);
        if (recordWindow(trigger, judged)) {
          performanceChanged = true;
          if (judged.basis !== 'AWAITING_LABELS') changed.push(judged);
        }
        if (changed.length > 0) {
          performanceChanged = true;
          this.judgeRun(policy, state, trigger, changed, outcome, now);
        }
        pruneWindows(trigger, policy.performance);
      }
    }
    if (!newWindow && !performanceChanged) return { ...outcome, ignored: 'stale-window' };
    trigger.lastWindowEnd = Math.max(trigger.lastWindowEnd, report.windowEnd);
    trigger.seenAt = now;
    state.latestVersion = report.modelVersion;
    this.touch(state, now);

    if (policy.conceptDrift && newWindow) {
      const assessment = assessConceptDrift(policy.conceptDrift, report);
      const step = stepConceptDrift(trigger, assessment.triggered, policy.conceptDrift);
      if (step === 'fire') {
        const signal = this.raise(policy, state, {
          reason: 'CONCEPT_DRIFT',
          modelVersion: report.modelVersion,
          raisedAt: now,
          key: `CONCEPT_DRIFT|${report.reportId}`,
          evidence: [assessment.evidence],
        });
        if (handled(signal.disposition)) {
          trigger.conceptArmed = false;
          trigger.conceptCleanReports = 0;
        }
        outcome.signals.push(signal);
      } else if (step === 'hysteresis') {
        outcome.signals.push({ modelId: report.modelId, reason: 'CONCEPT_DRIFT', disposition: 'hysteresis' });
      }
    }
    state.performance = this.evict(state.performance, this.limits.maxVersions);
    return outcome;
  }

  /**
   * Lets estimates stand in for windows whose labels are still missing at wall-clock `now`, past
   * their policy's horizon (called on the service's tick; a report of the version does it too).
   */
  onLabelHorizon(modelId: string, now: number): ReportOutcome | null {
    const policy = this.models.get(modelId);
    const state = this.states.get(modelId);
    if (!policy?.performance?.estimated || !state) return null;
    const outcome: ReportOutcome = { modelId, skipped: [], signals: [] };
    for (const trigger of state.performance) {
      // A version demoted since its windows were recorded raises nothing any more.
      if (!stageVerdict(this.stages, modelId, trigger.modelVersion).counts) continue;
      const changed = decideOverdue(trigger, now);
      if (changed.length === 0) continue;
      this.touch(state, now);
      this.judgeRun(policy, state, trigger, changed, outcome, now);
      pruneWindows(trigger, policy.performance);
    }
    return outcome.estimates ? outcome : null;
  }

  /** The performance rule over a version's ledger after `changed` windows were decided. */
  private judgeRun(
    policy: ModelPolicy,
    state: ModelState,
    trigger: PerformanceTriggerState,
    changed: PerformanceWindowState[],
    outcome: ReportOutcome,
    now: number,
  ): void {
    const performance = policy.performance!;
    const estimated = performance.estimated;
    for (const w of changed) {
      if (w.basis !== 'ESTIMATED' || !estimated) continue;
      const { lower, upper } = w.evidence.values;
      (outcome.estimates ??= []).push(bandVerdict(estimated.direction, estimated.threshold, lower, upper));
    }
    const step = countRun(trigger, performance, changed);
    if (step === 'fire') {
      const deciding = trigger.breachEvidence[trigger.breachEvidence.length - 1];
      const signal = this.raise(policy, state, {
        reason: 'PERFORMANCE',
        modelVersion: trigger.modelVersion,
        raisedAt: now,
        // A realised run keeps the report's own occasion; an estimated one is a different occasion.
        key:
          deciding.kind === 'PERFORMANCE_REPORT'
            ? `PERFORMANCE|${deciding.reference}`
            : `PERFORMANCE|${deciding.kind}|${deciding.reference}`,
        evidence: structuredClone(trigger.breachEvidence),
      });
      if (handled(signal.disposition)) disarmPerformance(trigger);
      outcome.signals.push(signal);
    } else if (step === 'hysteresis') {
      outcome.signals.push({ modelId: state.modelId, reason: 'PERFORMANCE', disposition: 'hysteresis' });
    }
  }

  /**
   * Checks the model's cron schedule at wall-clock `now`. Each slot is handled once: fired (through
   * the cooldown and budget), or recorded without firing when it is the first slot ever seen. After
   * downtime only the latest missed slot fires, once.
   */
  onScheduleTick(modelId: string, now: number): ScheduleOutcome {
    const schedule = this.schedules.get(modelId);
    const policy = this.models.get(modelId);
    if (!schedule || !policy?.schedule) return { kind: 'none' };
    if (now < (this.nextSlotAt.get(modelId) ?? -Infinity)) return { kind: 'none' };
    this.nextSlotAt.set(modelId, schedule.nextSlot(now) ?? Infinity);
    const slot = schedule.latestSlot(now);
    if (slot === null) return { kind: 'none' };
    const existing = this.states.get(modelId);
    if (
      existing?.scheduleCron === schedule.expression &&
      existing.lastScheduledSlot !== null &&
      slot <= existing.lastScheduledSlot
    ) {
      return { kind: 'none' };
    }
    const state = this.mutableState(modelId, now);
    const first = state.scheduleCron !== schedule.expression || state.lastScheduledSlot === null;
    state.scheduleCron = schedule.expression;
    state.lastScheduledSlot = slot;
    this.touch(state, now);
    if (first) return { kind: 'initialized', slot };
    const signal = this.raise(policy, state, {
      reason: 'SCHEDULE',
      modelVersion: state.latestVersion,
      raisedAt: now,
      key: `SCHEDULE|${schedule.expression}|${schedule.timezone}|${slot}`,
      evidence: [
        {
          kind: 'SCHEDULE',
          reference: schedule.expression,
          summary: `cron '${schedule.expression}' (${schedule.timezone}) slot ${new Date(slot).toISOString()}`,
          values: { slot, lateByMs: now - slot },
        },
      ],
    });
    return { kind: 'fired', slot, signal };
  }

  /**
   * A person's request. It bypasses the cooldown but not the daily budget, and takes in the
   * signals of a pending request so that they are not emitted again as a second request.
   */
  manual(modelId: string, input: ManualInput, now: number): ManualOutcome {
    const policy = this.models.get(modelId);
    if (!policy) return { kind: 'unknown-model' };
    const requestId = requestIdFor(modelId, `MANUAL|${input.idempotencyKey ?? input.nonce}`);
    if (this.history.has(requestId)) return { kind: 'duplicate', requestId };
    const budget = budgetVerdict(policy, this.history, now);
    if (!budget.allowed) {
      return {
        kind: 'budget-exhausted',
        until: budget.until,
        used: this.history.since(modelId, now - DAY_MS).length,
        budget: policy.dailyBudget,
      };
    }
    const state = this.states.get(modelId);
    const pending = state?.pending ?? null;
    const settings = requestSettingsFor(policy, 'MANUAL');
    const manualEvidence: Evidence = {
      kind: 'MANUAL',
      reference: input.requestedBy,
      summary: input.note ?? 'retrain requested on demand',
      values: {},
    };
    const request: RetrainRequest = {
      requestId,
      modelId,
      modelVersion: state?.latestVersion ?? null,
      reason: 'MANUAL',
      requestedAt: now,
      requestedBy: input.requestedBy,
      evidence: mergeEvidence([{ evidence: [manualEvidence] }, ...(pending?.signals ?? [])]),
      window: input.window ?? settings.window,
      mode: input.mode ?? settings.mode,
    };
    return { kind: 'request', request, absorbedPending: pending?.requestId ?? null };
  }

  /** Pending requests whose de-duplication interval has ended, as the requests to emit now. */
  dueRequests(now: number): RetrainRequest[] {
    const due: RetrainRequest[] = [];
    for (const state of this.states.values()) {
      const pending = state.pending;
      const policy = this.models.get(state.modelId);
      if (!pending || !policy || pending.deadline > now) continue;
      const signals = [...pending.signals].sort(
        (a, b) => precedence(a.reason) - precedence(b.reason) || a.raisedAt - b.raisedAt,
      );
      const primary = signals[0];
      const settings = requestSettingsFor(policy, primary.reason);
      due.push({
        requestId: pending.requestId,
        modelId: state.modelId,
        modelVersion: primary.modelVersion ?? state.latestVersion,
        reason: primary.reason,
        requestedAt: now,
        requestedBy: policy.name,
        evidence: mergeEvidence(pending.signals),
        window: settings.window,
        mode: settings.mode,
      });
    }
    return due;
  }

  /** Records a request the broker acknowledged; clears the pending request it carried. */
  recordEmitted(request: RetrainRequest, absorbedPending: string | null = null): void {
    this.history.add(summarizeRequest(request));
    const state = this.states.get(request.modelId);
    const carried = state?.pending?.requestId;
    if (state && carried !== undefined && (carried === request.requestId || carried === absorbedPending)) {
      state.pending = null;
      this.touch(state, request.requestedAt);
    }
  }

  /** Models changed since the last call, as copies to checkpoint. */
  takeDirty(): ModelState[] {
    const out: ModelState[] = [];
    for (const id of this.dirty) {
      const s = this.states.get(id);
      if (s) out.push(structuredClone(s));
    }
    this.dirty.clear();
    return out;
  }

  /** Marks models to checkpoint again (after a failed write). */
  markDirty(modelIds: Iterable<string>): void {
    for (const id of modelIds) if (this.states.has(id)) this.dirty.add(id);
  }

  /** Forgets requests too old to matter to any guard. */
  pruneHistory(now: number): void {
    this.history.prune(now - this.historyWindowMs());
  }

  historySize(): number {
    return this.history.size;
  }

  /** Current consecutive breaching windows per model version (for the metrics). */
  consecutiveBreaches(): Array<{ modelId: string; modelVersion: string; count: number }> {
    const out: Array<{ modelId: string; modelVersion: string; count: number }> = [];
    for (const s of this.states.values()) {
      for (const p of s.performance) {
        out.push({ modelId: s.modelId, modelVersion: p.modelVersion, count: p.consecutiveBreaches });
      }
    }
    return out;
  }

  /** Windows waiting for their labels' horizon per model version (for the metrics). */
  windowsAwaitingLabels(): Array<{ modelId: string; modelVersion: string; count: number }> {
    const out: Array<{ modelId: string; modelVersion: string; count: number }> = [];
    for (const s of this.states.values()) {
      if (!this.models.get(s.modelId)?.performance?.estimated) continue;
      for (const p of s.performance) {
        const count = p.windows.filter((w) => w.basis === 'AWAITING_LABELS').length;
        out.push({ modelId: s.modelId, modelVersion: p.modelVersion, count });
      }
    }
    return out;
  }

  pendingCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.pending) n += 1;
    return n;
  }

  private mutableState(modelId: string, now: number): ModelState {
    let state = this.states.get(modelId);
    if (!state) {
      state = emptyModelState(modelId, now);
      this.states.set(modelId, state);
    }
    return state;
  }

  private touch(state: ModelState, now: number): void {
    state.updatedAt = now;
    this.dirty.add(state.modelId);
  }

  /**
   * A trigger fired: merge into the model's pending request, or recognise a request emitted before
   * a restart, or pass the cooldown and budget and open a pending request.
   */
  private raise(policy: ModelPolicy, state: ModelState, signal: Signal): SignalOutcome {
    const base = { modelId: state.modelId, reason: signal.reason };
    this.touch(state, signal.raisedAt);
    if (state.pending) {
      state.pending.signals.push(signal);
      return { ...base, disposition: 'merged', requestId: state.pending.requestId };
    }
    const requestId = requestIdFor(state.modelId, signal.key);
    if (this.history.has(requestId) || this.signalAlreadyEmitted(state.modelId, signal)) {
      return { ...base, disposition: 'already-emitted', requestId };
    }
    const verdict = automaticVerdict(policy, this.history, signal.raisedAt);
    if (!verdict.allowed) return { ...base, disposition: verdict.guard, blockedUntil: verdict.until };
    const pending: PendingRequest = {
      requestId,
      openedAt: signal.raisedAt,
      deadline: signal.raisedAt + policy.dedupIntervalMs,
      signals: [signal],
    };
    state.pending = pending;
    return { ...base, disposition: 'opened', requestId };
  }

  /** A report-based signal whose deciding report an emitted request already cites. */
  private signalAlreadyEmitted(modelId: string, signal: Signal): boolean {
    if (signal.reason === 'SCHEDULE' || signal.reason === 'MANUAL') return false;
    const deciding = signal.evidence[signal.evidence.length - 1];
    return (
      deciding !== undefined && this.history.cites(modelId, evidenceRef(deciding.kind, deciding.reference))
    );
  }

  private pendingAlreadyEmitted(modelId: string, pending: PendingRequest): boolean {
    if (this.history.has(pending.requestId)) return true;
    return pending.signals.every((s) => this.signalAlreadyEmitted(modelId, s));
  }

  /** Keeps the `limit` most recently reported trigger states (old model versions fall away). */
  private evict<T extends PerformanceTriggerState | DataDriftTriggerState>(list: T[], limit: number): T[] {
    if (list.length <= limit) return list;
    return [...list].sort((a, b) => b.seenAt - a.seenAt).slice(0, limit);
  }
}

function disarm(trigger: DataDriftTriggerState): void {
  trigger.armed = false;
  trigger.cleanReports = 0;
}

/** The evidence of merged signals in order, each report cited once. */
function mergeEvidence(signals: Array<Pick<Signal, 'evidence'>>): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const s of signals) {
    for (const e of s.evidence) {
      const ref = evidenceRef(e.kind, e.reference);
      if (seen.has(ref)) continue;
      seen.add(ref);
      out.push(e);
    }
  }
  return out;
}
