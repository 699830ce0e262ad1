/**
 * Progress of a long operation on stderr: on a terminal one line rewritten in place, otherwise a
 * line at most every `intervalMs` (so a log file gets a few lines, not thousands). The clock is
 * passed in so tests need no timers.
 */
import { type CommandIo } from './command';

export class Progress {
  private lastAt = -Infinity;
  private shown = false;

  constructor(
    private readonly io: CommandIo,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 2000,
  ) {}

  /** Shows `text` unless one was shown less than the interval ago (`force`: show anyway). */
  update(text: string, force = false): void {
    const t = this.now();
    const inPlace = this.io.interactive === true && this.io.errWrite !== undefined;
    const interval = inPlace ? Math.min(this.intervalMs, 200) : this.intervalMs;
    if (!force && t - this.lastAt < interval) return;
    this.lastAt = t;
    if (inPlace) {
      this.io.errWrite!(`\r\x1b[2K${text}`);
      this.shown = true;
    } else this.io.err(text);
  }

  /** Ends the in-place line (terminal) so that the next output starts on its own line. */
  done(): void {
    if (this.shown) this.io.errWrite?.('\n');
    this.shown = false;
  }
}

/** "12.5 MB" / "830 kB" / "512 B". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}
