import type { ReferenceProfile } from './profile/reference-profile';
import type { DriftReport } from './report/drift-report';
import { type DriftEvaluationOptions, evaluateDrift } from './report/evaluate-drift';
import { WindowProfile } from './window/window-profile';
import { type ClosedWindow, type TimedEvent, type WindowSpec, WindowedProfiles } from './window/windowing';

export interface DriftMonitorOptions {
  readonly window: WindowSpec;
  /**
   * 'fixed' (default): every window is compared with the reference profile. 'expanding': with the
   * merge of the reference-period windows so far — the first window is compared with the profile,
   * then each closed window joins the baseline (same frozen bins).
   */
  readonly reference?: 'fixed' | 'expanding';
  readonly evaluation?: Omit<DriftEvaluationOptions, 'baseline'>;
}

/** A closed window with its drift report. */
export interface WindowReport {
  readonly window: ClosedWindow;
  readonly report: DriftReport;
}

/**
 * Single-instance convenience: windows events, evaluates each closed window against a fixed or
 * expanding reference, and returns the reports. Services that split a stream over instances use
 * WindowedProfiles + WindowProfile.merge + evaluateDrift directly instead.
 */
export class DriftMonitor {
  readonly windows: WindowedProfiles;
  private baseline: WindowProfile | null = null;

  constructor(
    readonly profile: ReferenceProfile,
    private readonly options: DriftMonitorOptions,
  ) {
    this.windows = new WindowedProfiles(profile, options.window);
  }

  /** Observes an event; returns reports of the windows it closed (usually none). */
  observe(event: TimedEvent): WindowReport[] {
    const closed = this.windows.observe(event);
    return closed.length === 0 ? [] : this.report(closed);
  }

  /** Advances the event-time watermark (e.g. on an idle stream). */
  advanceWatermark(time: number): WindowReport[] {
    return this.report(this.windows.advanceWatermark(time));
  }

  /** Reports every open window (end of stream). */
  flush(): WindowReport[] {
    return this.report(this.windows.flush());
  }

  /** The expanding baseline so far (null with a fixed reference or before the first window). */
  get expandingBaseline(): WindowProfile | null {
    return this.baseline;
  }

  private report(closed: readonly ClosedWindow[]): WindowReport[] {
    return closed.map((window) => {
      const report = evaluateDrift(this.profile, window.state, {
        ...this.options.evaluation,
        baseline: this.baseline ?? undefined,
      });
      if (this.options.reference === 'expanding') {
        this.baseline ??= new WindowProfile(this.profile);
        this.baseline.merge(window.state);
      }
      return { window, report };
    });
  }
}
