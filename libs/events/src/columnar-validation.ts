import { ABSENT, type ColumnarRecords, type NumericMapColumn, PRESENT, type RecordColumns } from './columnar';
import { type FeatureObservation, type Label, type Prediction } from './generated/contracts';
import { EVENT_ID_PATTERN, MODEL_ID_PATTERN } from './validation';

/**
 * Screens for columnar rows: true when a row may fail its contract's validator (validation.ts).
 * Each is a superset of its validator's conditions, read from the columns without building the
 * row; the runtime rebuilds only the screened rows and lets the validator decide and word the
 * reason, so there is one set of rules and one set of messages.
 */
export type RowScreen<T> = (records: ColumnarRecords<T>, row: number) => boolean;

/** An id the validator would refuse (validation.ts: MODEL_ID_PATTERN, EVENT_ID_PATTERN). */
function badModelId(value: string | null): boolean {
  return value !== null && !MODEL_ID_PATTERN.test(value);
}

function badIdentity(columns: RecordColumns, row: number): boolean {
  const timestamp = columns.numbers('timestamp').values[row];
  return (
    !EVENT_ID_PATTERN.test(columns.strings('eventId').values[row] ?? '') ||
    !(timestamp > 0 && Number.isFinite(timestamp))
  );
}

function badNumbers(numeric: NumericMapColumn, row: number): boolean {
  for (let k = 0; k < numeric.values.length; k++) {
    if (numeric.presence[k][row] === PRESENT && !Number.isFinite(numeric.values[k][row])) return true;
  }
  return false;
}

export const screenFeatureObservation: RowScreen<FeatureObservation> = ({ columns }, row) =>
  badModelId(columns.strings('modelId').values[row]) ||
  badIdentity(columns, row) ||
  badNumbers(columns.numericMap('numeric'), row);

export const screenPrediction: RowScreen<Prediction> = ({ columns }, row) => {
  if (
    badModelId(columns.strings('modelId').values[row]) ||
    badModelId(columns.strings('modelVersion').values[row])
  )
    return true;
  const output = columns.record('output');
  const score = output.numbers('score');
  if (score.presence[row] === PRESENT) {
    if (!Number.isFinite(score.values[row])) return true;
  } else if (output.strings('predictedClass').values[row] === null) {
    const probabilities = output.numericMap('classProbabilities');
    if (probabilities.presence.every((p) => p[row] === ABSENT)) return true;
  }
  return badIdentity(columns, row) || badNumbers(columns.numericMap('numeric'), row);
};

export const screenLabel: RowScreen<Label> = ({ columns }, row) => {
  const label = columns.values('label').values[row];
  return (
    badModelId(columns.strings('modelId').values[row]) ||
    (typeof label === 'number' && !Number.isFinite(label)) ||
    badIdentity(columns, row)
  );
};
