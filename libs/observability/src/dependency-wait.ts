import { type Logger } from 'pino';

/** A dependency's answer to one probe: reachable, or why not (shown while waiting). */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface DependencyWait {
  /** What is waited for, as the log line names it, e.g. `Kafka`, `the schema registry`. */
  name: string;
  /** Where, e.g. the broker list or the URL. */
  target: string;
  /** One attempt; throws only for a problem waiting cannot fix (e.g. refused credentials). */
  probe: () => Promise<ProbeResult>;
  timeoutMs: number;
  /** The environment variable that sets `timeoutMs`, named in the timeout error. */
  timeoutEnv: string;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A dependency did not answer within the start-up wait. */
export class DependencyTimeoutError extends Error {
  constructor(
    readonly dependency: string,
    readonly target: string,
    readonly timeoutMs: number,
    readonly lastReason: string,
    timeoutEnv: string,
  ) {
    super(
      `${dependency} at ${target} did not answer within ${Math.round(timeoutMs / 1000)} s (last: ${lastReason}); ` +
        `start it or raise ${timeoutEnv}`,
    );
    this.name = 'DependencyTimeoutError';
  }
}

/**
 * Waits until `probe` succeeds, for at most `timeoutMs`. Silent when the dependency answers at
 * once; otherwise one line when the wait begins and one when it ends, however long it lasts.
 */
export async function waitForDependency(wait: DependencyWait): Promise<void> {
  const now = wait.now ?? Date.now;
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let last = await wait.probe();
  if (last.ok) return;
  wait.logger.info(
    { dependency: wait.name, target: wait.target, reason: last.reason, timeoutMs: wait.timeoutMs },
    `waiting for ${wait.name} at ${wait.target} (up to ${Math.round(wait.timeoutMs / 1000)} s)`,
  );
  for (;;) {
    if (now() - started >= wait.timeoutMs) {
      throw new DependencyTimeoutError(wait.name, wait.target, wait.timeoutMs, last.reason, wait.timeoutEnv);
    }
    await sleep(Math.min(wait.intervalMs ?? 500, Math.max(0, wait.timeoutMs - (now() - started))));
    const next = await wait.probe();
    if (next.ok) {
      wait.logger.info(
        { dependency: wait.name, target: wait.target, waitedMs: now() - started },
        `${wait.name} answered after ${((now() - started) / 1000).toFixed(1)} s`,
      );
      return;
    }
    last = next;
  }
}
