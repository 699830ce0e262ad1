export interface CheckResult {
  ok: boolean;
  detail?: string;
}

export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  live: boolean;
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/**
 * Liveness means the process is serving; readiness means every registered dependency check
 * passes (e.g. the Kafka consumer has joined its group). Orchestrators route traffic on readiness
 * and restart on liveness, so a broker outage makes a service unready, not dead.
 */
export class HealthChecks {
  private readonly readiness = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.readiness.set(name, check);
  }

  /** Once shutdown begins the service reports unready so no new work is routed to it. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<HealthReport> {
    const checks: Record<string, CheckResult> = {};
    for (const [name, check] of this.readiness) {
      try {
        checks[name] = await check();
      } catch (error) {
        checks[name] = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }
    if (this.shuttingDown) checks.shutdown = { ok: false, detail: 'shutting down' };
    const ready = Object.values(checks).every((c) => c.ok);
    return { status: ready ? 'ok' : 'unavailable', live: true, ready, checks };
  }
}
