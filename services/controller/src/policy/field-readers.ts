import {
  TrainingModeValues,
  WindowKindValues,
  type WindowKind,
  type WindowStrategy,
} from '@continuum/events';
import {
  INVALID,
  type FieldReader,
  durationField as duration,
  integerField as integer,
  mapping,
  oneOfField as oneOf,
  onlyKnownKeys,
  showValue as show,
} from '@continuum/config';

// The generic readers live in libs/config (shared with the trainer's policy file).
export {
  INVALID,
  Problems,
  bool,
  finiteNumber,
  isMapping,
  mapping,
  onlyKnownKeys,
  textList,
  durationField as duration,
  integerField as integer,
  oneOfField as oneOf,
  textField as text,
  type FieldReader,
  type Mapping,
} from '@continuum/config';

export const trainingMode = oneOf(TrainingModeValues);

const WINDOW_FIELDS: Record<WindowKind, { required: string[]; optional: string[] }> = {
  FIXED_COUNT: { required: ['count'], optional: [] },
  FIXED_DURATION: { required: ['durationMs'], optional: [] },
  DYNAMIC: { required: ['candidateCounts', 'holdoutCount'], optional: [] },
  REPRESENTATIVE: { required: [], optional: ['count'] },
};

/**
 * Reads a WindowStrategy (the retrain-requests contract's shape). A duration may be given as
 * `durationMs` (milliseconds) or `duration` (e.g. `30d`); fields another kind uses are errors.
 */
export const windowStrategy: FieldReader<WindowStrategy> = (raw, path, problems) => {
  const value = mapping(raw, path, problems);
  if (value === INVALID) return INVALID;
  const before = problems.items.length;
  onlyKnownKeys(
    value,
    path,
    ['kind', 'count', 'duration', 'durationMs', 'candidateCounts', 'holdoutCount'],
    problems,
  );
  if (value.kind === undefined) {
    problems.add(`${path}.kind`, `is required (one of ${WindowKindValues.join(', ')})`);
    return INVALID;
  }
  const kind = oneOf(WindowKindValues)(value.kind, `${path}.kind`, problems);
  if (kind === INVALID) return INVALID;
  const window: WindowStrategy = {
    kind,
    count: null,
    durationMs: null,
    candidateCounts: [],
    holdoutCount: null,
  };
  const given = Object.keys(value).filter((k) => k !== 'kind' && value[k] !== undefined);
  if (given.includes('duration') && given.includes('durationMs')) {
    problems.add(`${path}.duration`, 'and durationMs are the same setting; give one of them');
  }
  const canonical = (key: string) => (key === 'duration' ? 'durationMs' : key);
  const fields = WINDOW_FIELDS[kind];
  for (const key of fields.required) {
    if (!given.some((g) => canonical(g) === key)) {
      const name = key === 'durationMs' ? 'duration (or durationMs)' : key;
      problems.add(`${path}.${name}`, `is required for kind ${kind}`);
    }
  }
  for (const key of given) {
    const c = canonical(key);
    if (!fields.required.includes(c) && !fields.optional.includes(c)) {
      problems.add(`${path}.${key}`, `is not used by kind ${kind}`);
    }
  }
  if (value.count !== undefined) {
    const count = integer(1)(value.count, `${path}.count`, problems);
    if (count !== INVALID) window.count = count;
  }
  if (value.duration !== undefined || value.durationMs !== undefined) {
    const key = value.duration !== undefined ? 'duration' : 'durationMs';
    const reader = key === 'duration' ? duration(1) : integer(1);
    const ms = reader(value[key], `${path}.${key}`, problems);
    if (ms !== INVALID) window.durationMs = ms;
  }
  if (value.candidateCounts !== undefined) {
    const counts = value.candidateCounts;
    const ok =
      Array.isArray(counts) &&
      counts.length > 0 &&
      counts.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 1);
    if (ok) window.candidateCounts = [...new Set(counts as number[])].sort((a, b) => a - b);
    else
      problems.add(
        `${path}.candidateCounts`,
        `must be a non-empty list of integers >= 1 (got ${show(counts)})`,
      );
  }
  if (value.holdoutCount !== undefined) {
    const holdout = integer(1)(value.holdoutCount, `${path}.holdoutCount`, problems);
    if (holdout !== INVALID) window.holdoutCount = holdout;
  }
  return problems.items.length === before ? window : INVALID;
};
