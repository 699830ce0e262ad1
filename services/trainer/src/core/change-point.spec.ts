import { type RetrainRequest } from '@continuum/events';
import {
  type ChangePointSettings,
  DEFAULT_MIN_EXAMPLES_AFTER_CHANGE,
  changePointOf,
  decideChangePointWait,
  requiredExamplesAfterChange,
} from './change-point';
import { changePointFor, replayFrom } from './plan';
import { DEFAULT_MODEL_POLICY } from '../policy/trainer-policy';

const HOUR = 3600_000;

function request(overrides: Partial<RetrainRequest> = {}): RetrainRequest {
  return {
    requestId: 'r1',
    modelId: 'houses',
    modelVersion: '1',
    reason: 'DATA_DRIFT',
    requestedAt: 10 * HOUR,
    requestedBy: 'controller',
    evidence: [],
    window: { kind: 'FIXED_COUNT', count: 500, durationMs: null, candidateCounts: [], holdoutCount: null },
    mode: 'FULL',
    ...overrides,
  };
}

const evidence = (kind: string, values: Record<string, number>) => ({
  kind,
  reference: `${kind}-1`,
  summary: '',
  values,
});

const settings: ChangePointSettings = {
  enabled: true,
  minExamples: 100,
  maxWaitMs: 24 * HOUR,
  floorExamples: 20,
};

describe('changePointOf', () => {
  it('is the drifting window start of a data-drift request', () => {
    const r = request({
      evidence: [evidence('DRIFT_REPORT', { windowStart: 7 * HOUR, windowEnd: 8 * HOUR })],
    });
    expect(changePointOf(r)).toBe(7 * HOUR);
  });

  it('is the earliest window start over consecutive performance breaches', () => {
    const r = request({
      reason: 'PERFORMANCE',
      evidence: [
        evidence('PERFORMANCE_REPORT', { windowStart: 6 * HOUR }),
        evidence('PERFORMANCE_REPORT', { windowStart: 5 * HOUR }),
        evidence('PERFORMANCE_REPORT', { windowStart: 7 * HOUR }),
      ],
    });
    expect(changePointOf(r)).toBe(5 * HOUR);
  });

  it('reads estimated-performance evidence: a run judged (partly) before its labels came', () => {
    const r = request({
      reason: 'PERFORMANCE',
      evidence: [
        evidence('ESTIMATED_PERFORMANCE', { windowStart: 4 * HOUR, lower: 0.6, upper: 0.7 }),
        evidence('PERFORMANCE_REPORT', { windowStart: 6 * HOUR }),
        evidence('ESTIMATED_PERFORMANCE', { windowStart: 5 * HOUR }),
      ],
    });
    expect(changePointOf(r)).toBe(4 * HOUR);
    const estimatedOnly = request({
      reason: 'PERFORMANCE',
      evidence: [evidence('ESTIMATED_PERFORMANCE', { windowStart: 8 * HOUR })],
    });
    expect(changePointOf(estimatedOnly)).toBe(8 * HOUR);
  });

  it('reads concept-drift evidence', () => {
    const r = request({
      reason: 'CONCEPT_DRIFT',
      evidence: [evidence('CONCEPT_DRIFT', { windowStart: 3 * HOUR })],
    });
    expect(changePointOf(r)).toBe(3 * HOUR);
  });

  it('is null for requests that answer no change, or whose evidence has no window', () => {
    const drift = [evidence('DRIFT_REPORT', { windowStart: 7 * HOUR })];
    expect(changePointOf(request({ reason: 'SCHEDULE', evidence: drift }))).toBeNull();
    expect(changePointOf(request({ reason: 'MANUAL', evidence: drift }))).toBeNull();
    expect(changePointOf(request({ evidence: [evidence('DRIFT_REPORT', { eventCount: 10 })] }))).toBeNull();
    expect(changePointOf(request({ evidence: [evidence('MANUAL', { windowStart: 1 })] }))).toBeNull();
  });
});

describe('requiredExamplesAfterChange', () => {
  it("is the policy's minimum, else the fixed window's size, else the default", () => {
    const r = request();
    expect(requiredExamplesAfterChange(settings, r.window)).toBe(100);
    expect(requiredExamplesAfterChange({ ...settings, minExamples: null }, r.window)).toBe(500);
    expect(
      requiredExamplesAfterChange(
        { ...settings, minExamples: null },
        { ...r.window, kind: 'DYNAMIC', count: null, candidateCounts: [100, 1000] },
      ),
    ).toBe(DEFAULT_MIN_EXAMPLES_AFTER_CHANGE);
  });
});

describe('decideChangePointWait', () => {
  const base = { changePoint: 7 * HOUR, acceptedAt: 10 * HOUR, required: 100, settings };

  it('trains as soon as the required examples after the change are labelled, even before the deadline', () => {
    expect(decideChangePointWait({ ...base, now: 10 * HOUR, examplesAfterChange: 100 })).toEqual({
      action: 'TRAIN',
      why: 'ENOUGH_EXAMPLES',
      examples: 100,
    });
  });

  it('waits while fewer are labelled and the wait has not expired, with the deadline from acceptance', () => {
    expect(decideChangePointWait({ ...base, now: 20 * HOUR, examplesAfterChange: 99 })).toEqual({
      action: 'WAIT',
      examples: 99,
      required: 100,
      deadline: 34 * HOUR,
    });
  });

  it('after the maximum wait trains on what exists at or above the floor, else fails naming why', () => {
    expect(decideChangePointWait({ ...base, now: 34 * HOUR, examplesAfterChange: 20 })).toEqual({
      action: 'TRAIN',
      why: 'WAIT_EXPIRED',
      examples: 20,
    });
    const failed = decideChangePointWait({ ...base, now: 40 * HOUR, examplesAfterChange: 19 });
    expect(failed.action).toBe('FAIL');
    expect(failed.action === 'FAIL' && failed.reason).toContain('only 19 labelled examples after the change');
  });

  it('never trains below the floor and never waits past the deadline (property over a grid)', () => {
    for (let examples = 0; examples <= 120; examples += 7)
      for (let now = 9 * HOUR; now <= 40 * HOUR; now += HOUR) {
        const d = decideChangePointWait({ ...base, now, examplesAfterChange: examples });
        if (d.action === 'TRAIN') expect(examples >= 100 || (now >= 34 * HOUR && examples >= 20)).toBe(true);
        if (d.action === 'WAIT') expect(now < 34 * HOUR && examples < 100).toBe(true);
        if (d.action === 'FAIL') expect(now >= 34 * HOUR && examples < 20).toBe(true);
      }
  });
});

describe('changePointFor (plan)', () => {
  it('is off unless the policy enables it, and then moves the replay start to the change', () => {
    const r = request({ evidence: [evidence('DRIFT_REPORT', { windowStart: 7 * HOUR })] });
    expect(changePointFor(r, DEFAULT_MODEL_POLICY)).toBeNull();
    expect(replayFrom(r, DEFAULT_MODEL_POLICY, 10 * HOUR)).toBe(10 * HOUR - DEFAULT_MODEL_POLICY.lookbackMs);
    const on = { ...DEFAULT_MODEL_POLICY, afterChange: { ...settings, enabled: true } };
    expect(changePointFor(r, on)).toBe(7 * HOUR);
    expect(replayFrom(r, on, 10 * HOUR)).toBe(7 * HOUR);
  });
});
