import { type Gauge } from 'prom-client';
import { type ProbeResult } from './dependency-wait';
import { type CheckResult, type HealthChecks } from './health';
import { type Logger } from './json-logger';
import { type Metrics } from './metrics';

export interface ConnectionStateOptions {
  /** Consecutive failed probes before the dependency counts as lost (one refused probe may be a blip). */
  readonly failuresToLose: number;
}

/** A change of a dependency's state, for one log line. */
export type ConnectionChange =
  | { readonly kind: 'lost'; readonly reason: string; readonly since: number }
  | { readonly kind: 'restored'; readonly downForMs: number };

/**
 * Whether one dependency (the Kafka brokers, the schema registry) answers, from the probes made
 * so far. Pure: the caller probes and passes the clock. It starts connected (the service waited
 * for its dependencies before starting), is lost after `failuresToLose` consecutive failed
 * probes, and is back on the first probe that succeeds.
 */
export class ConnectionState {
  private failures = 0;
  private lostSince?: number;
  private firstFailureAt?: number;
  private lastReason = '';

  constructor(private readonly options: ConnectionStateOptions) {
    if (!Number.isInteger(options.failuresToLose) || options.failuresToLose < 1)
      throw new RangeError(`failuresToLose must be a positive integer, not ${options.failuresToLose}`);
  }

  get connected(): boolean {
    return this.lostSince === undefined;
  }

  /** Why the last probe failed; empty while connected. */
  get reason(): string {
    return this.connected ? '' : this.lastReason;
  }

  /** Since when (epoch ms) the dependency is lost; undefined while connected. */
  get since(): number | undefined {
    return this.lostSince;
  }

  /** Records one probe's answer at `now`; returns the change it caused, if any. */
  record(result: ProbeResult, now: number): ConnectionChange | undefined {
    if (result.ok) {
      const lost = this.lostSince;
      this.failures = 0;
      this.firstFailureAt = undefined;
      this.lostSince = undefined;
      this.lastReason = '';
      return lost === undefined ? undefined : { kind: 'restored', downForMs: now - lost };
    }
    this.lastReason = result.reason;
    this.failures++;
    this.firstFailureAt ??= now;
    if (this.lostSince !== undefined || this.failures < this.options.failuresToLose) return undefined;
    this.lostSince = this.firstFailureAt;
    return { kind: 'lost', reason: result.reason, since: this.lostSince };
  }
}

export interface WatchedDependency {
  /** Readiness check name, e.g. `kafka-broker`. */
  readonly check: string;
  /** As log lines name it, e.g. `Kafka`. */
  readonly name: string;
  /** Where, e.g. the broker list or the registry URL. */
  readonly target: string;
  /** 0/1 gauge, e.g. `continuum_kafka_connected`. */
  readonly gauge: { readonly name: string; readonly help: string };
  /** One attempt; resolves with why it failed rather than throwing. */
  readonly probe: () => Promise<ProbeResult>;
  /** What an operator should do while it is lost, appended to the log line. */
  readonly advice: string;
}

export interface ConnectionWatchOptions {
  readonly intervalMs: number;
  readonly failuresToLose: number;
  readonly now?: () => number;
}

/**
 * Probes the service's dependencies every `intervalMs` after start-up: each one's state is a 0/1
 * gauge and a readiness check (not ready while lost, with the reason and since when), and each
 * change is one log line. Liveness is unaffected: waiting for a dependency is not a reason to
 * restart the process.
 */
export class ConnectionWatch {
  private readonly watched: Array<{ dep: WatchedDependency; state: ConnectionState; gauge: Gauge }> = [];
  private timer?: NodeJS.Timeout;
  private probing = false;
  private readonly now: () => number;

  constructor(
    dependencies: readonly WatchedDependency[],
    private readonly options: ConnectionWatchOptions,
    metrics: Metrics,
    health: HealthChecks,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? Date.now;
    for (const dep of dependencies) {
      const state = new ConnectionState({ failuresToLose: options.failuresToLose });
      const gauge = metrics.gauge(dep.gauge.name, dep.gauge.help);
      gauge.set(1);
      this.watched.push({ dep, state, gauge });
      health.addReadinessCheck(dep.check, () => readiness(dep, state));
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round of probes (the timer calls it; tests may too). */
  async probeAll(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(this.watched.map((w) => this.probeOne(w)));
    } finally {
      this.probing = false;
    }
  }

  private async probeOne(w: ConnectionWatch['watched'][number]): Promise<void> {
    let result: ProbeResult;
    try {
      result = await w.dep.probe();
    } catch (error) {
      result = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const change = w.state.record(result, this.now());
    w.gauge.set(w.state.connected ? 1 : 0);
    if (change?.kind === 'lost') {
      this.logger.warn(
        { dependency: w.dep.name, target: w.dep.target, reason: change.reason },
        `${w.dep.name} at ${w.dep.target} is unreachable (${change.reason}): readiness reports not ready until it answers again; ${w.dep.advice}`,
      );
    } else if (change?.kind === 'restored') {
      this.logger.info(
        { dependency: w.dep.name, target: w.dep.target, downForMs: change.downForMs },
        `${w.dep.name} at ${w.dep.target} answers again after ${Math.round(change.downForMs / 1000)} s: ready again`,
      );
    }
  }
}

function readiness(dep: WatchedDependency, state: ConnectionState): CheckResult {
  if (state.connected) return { ok: true, detail: `${dep.name} at ${dep.target} answers` };
  return {
    ok: false,
    detail: `${dep.name} at ${dep.target} unreachable since ${new Date(state.since ?? 0).toISOString()}: ${state.reason}`,
  };
}
