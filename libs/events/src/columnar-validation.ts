import { ABSENT, type ColumnarRecords, type NumericMapColumn, PRESENT, type RecordColumns } from './columnar';
import { type FeatureObservation, type Label, type Prediction } from './generated/contracts';

/**
 * Screens for columnar rows: true when a row may fail its contract's validator (validation.ts).
 * Each is a superset of its validator's conditions, read from the columns without building the
 * row; the runtime rebuilds only the screened rows and lets the validator decide and word the
 * reason, so there is one set of rules and one set of messages.
 */
export type RowScreen<T> = (records: ColumnarRecords<T>, row: number) => boolean;

function badIdentity(columns: RecordColumns, row: number): boolean {
  const timestamp = columns.numbers('timestamp').values[row];
  return columns.strings('eventId').values[row] === '' || !(timestamp > 0 && Number.isFinite(timestamp));
}

function badNumbers(numeric: NumericMapColumn, row: number): boolean {
  for (let k = 0; k < numeric.values.length; k++) {
    if (numeric.presence[k][row] === PRESENT && !Number.isFinite(numeric.values[k][row])) return true;
  }
  return false;
}

export const screenFeatureObservation: RowScreen<FeatureObservation> = ({ columns }, row) =>
  badIdentity(columns, row) || badNumbers(columns.numericMap('numeric'), row);

export const screenPrediction: RowScreen<Prediction> = ({ columns }, row) => {
  if (columns.strings('modelId').values[row] === '' || columns.strings('modelVersion').values[row] === '')
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
    columns.strings('modelId').values[row] === '' ||
    (typeof label === 'number' && !Number.isFinite(label)) ||
    badIdentity(columns, row)
  );
};
