import { INVALID, Problems } from './document-fields';
import { windowStrategyField } from './window-field';

const kinds = ['FIXED_COUNT', 'FIXED_DURATION', 'DYNAMIC'] as const;
const fields = {
  FIXED_COUNT: { required: ['count'], optional: [] },
  FIXED_DURATION: { required: ['durationMs'], optional: [] },
  DYNAMIC: { required: ['candidateCounts'], optional: ['holdoutCount'] },
};
const exclusive = windowStrategyField({ kinds, fields });
const fallback = windowStrategyField({ kinds, fields, durationAlias: 'fallback', missingKind: 'oneOf' });

function read(reader: typeof exclusive, raw: unknown) {
  const problems = new Problems();
  const value = reader(raw, 'w', problems);
  return { value: value === INVALID ? 'INVALID' : value, problems: problems.items };
}

describe('windowStrategyField', () => {
  it('reads a window, a duration given either way, and sorts candidate counts', () => {
    for (const reader of [exclusive, fallback]) {
      expect(read(reader, { kind: 'FIXED_DURATION', duration: '2h' }).value).toEqual({
        kind: 'FIXED_DURATION',
        count: null,
        durationMs: 7_200_000,
        candidateCounts: [],
        holdoutCount: null,
      });
      expect(read(reader, { kind: 'FIXED_DURATION', durationMs: 5 }).value).toMatchObject({ durationMs: 5 });
      expect(read(reader, { kind: 'DYNAMIC', candidateCounts: [20, 5, 20] }).value).toMatchObject({
        candidateCounts: [5, 20],
      });
    }
  });

  it('exclusive (default): both duration spellings are a problem, named as written', () => {
    expect(read(exclusive, { kind: 'FIXED_DURATION', duration: '1h', durationMs: 5 }).problems).toEqual([
      'w.duration and durationMs are the same setting; give one of them',
    ]);
    expect(read(exclusive, { kind: 'FIXED_DURATION' }).problems).toEqual([
      'w.duration (or durationMs) is required for kind FIXED_DURATION',
    ]);
    expect(read(exclusive, { kind: 'FIXED_COUNT', count: 3, duration: '1h' }).problems).toEqual([
      'w.duration is not used by kind FIXED_COUNT',
    ]);
    expect(read(exclusive, {}).problems).toEqual([
      'w.kind is required (one of FIXED_COUNT, FIXED_DURATION, DYNAMIC)',
    ]);
  });

  it('fallback: duration wins, durationMs is read when it is missing or invalid, problems name durationMs', () => {
    expect(read(fallback, { kind: 'FIXED_DURATION', duration: '1h', durationMs: 5 }).value).toMatchObject({
      durationMs: 3_600_000,
    });
    expect(read(fallback, { kind: 'FIXED_DURATION' }).problems).toEqual([
      'w.durationMs is required for kind FIXED_DURATION',
    ]);
    expect(read(fallback, { kind: 'FIXED_COUNT', count: 3, duration: '1h' }).problems).toEqual([
      'w.durationMs is not used by kind FIXED_COUNT',
    ]);
    expect(read(fallback, {}).problems).toEqual([
      'w.kind must be one of FIXED_COUNT, FIXED_DURATION, DYNAMIC (got undefined)',
    ]);
  });
});
