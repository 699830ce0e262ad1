import { Cron } from 'croner';

/**
 * A cron expression evaluated on wall-clock time in an IANA timezone. A slot is one instant the
 * expression names; the controller fires at most once per slot. Daylight-saving gaps move a slot
 * to the first valid instant after it, and a repeated hour fires once (croner's behaviour).
 */
export class CronSchedule {
  private readonly cron: Cron;

  /** Throws with croner's message when the expression or the timezone is not valid. */
  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    this.cron = new Cron(expression, { timezone, paused: true });
    // croner checks the timezone lazily; computing one slot surfaces a bad name now.
    this.cron.nextRun(new Date(0));
  }

  /** The latest slot at or before `now` (epoch ms), or null when there is none. */
  latestSlot(now: number): number | null {
    // previousRuns excludes a slot exactly at the reference instant; 1 ms later includes it.
    const [slot] = this.cron.previousRuns(1, new Date(now + 1));
    return slot ? slot.getTime() : null;
  }

  /** The first slot strictly after `now`, or null when there is none. */
  nextSlot(now: number): number | null {
    return this.cron.nextRun(new Date(now))?.getTime() ?? null;
  }
}
