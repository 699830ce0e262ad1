import { ABSENT, type ColumnarRecords, type NumericMapColumn, PRESENT, type RecordColumns } from './columnar';
import { type FeatureObservation, type Label, type Prediction } from './generated/contracts';
import { EVENT_ID_PATTERN, MODEL_ID_PATTERN } from './validation';

/**
 * Screens for columnar rows: true when a row may fail its contract's validator (validation.ts).
 * Each is a superset of its validator's conditions, read from the columns without building the
 * row; the runtime rebuilds only the screened rows and lets the validator decide and word the
 * reason, so there is one set of rules and one set of messages.
 */
export type RowScreen<T> = (records: ColumnarRecords<T>) => (row: number) => boolean;

/** An id the validator would refuse (validation.ts: MODEL_ID_PATTERN, EVENT_ID_PATTERN). */
function badModelId(value: string | null): boolean {
  return value !== null && !MODEL_ID_PATTERN.test(value);
}

/** The columns a screen reads are looked up once per batch, not per row. */
function identity(columns: RecordColumns): (row: number) => boolean {
  const eventId = columns.strings('eventId').values;
  const timestamp = columns.numbers('timestamp').values;
  return (row) =>
    !EVENT_ID_PATTERN.test(eventId[row] ?? '') || !(timestamp[row] > 0 && Number.isFinite(timestamp[row]));
}

/** Non-finite numbers in a numeric map (its columns may grow during the batch: read at call time). */
function nonFinite(numeric: NumericMapColumn): (row: number) => boolean {
  return (row) => {
    for (let k = 0; k < numeric.values.length; k++) {
      if (numeric.presence[k][row] === PRESENT && !Number.isFinite(numeric.values[k][row])) return true;
    }
    return false;
  };
}

export const screenFeatureObservation: RowScreen<FeatureObservation> = ({ columns }) => {
  const modelId = columns.strings('modelId').values;
  const badIdentity = identity(columns);
  const badNumbers = nonFinite(columns.numericMap('numeric'));
  return (row) => badModelId(modelId[row]) || badIdentity(row) || badNumbers(row);
};

export const screenPrediction: RowScreen<Prediction> = ({ columns }) => {
  const modelId = columns.strings('modelId').values;
  const modelVersion = columns.strings('modelVersion').values;
  const output = columns.record('output');
  const score = output.numbers('score');
  const predictedClass = output.strings('predictedClass').values;
  const probabilities = output.numericMap('classProbabilities');
  const badIdentity = identity(columns);
  const badNumbers = nonFinite(columns.numericMap('numeric'));
  return (row) => {
    if (badModelId(modelId[row]) || badModelId(modelVersion[row])) return true;
    if (score.presence[row] === PRESENT) {
      if (!Number.isFinite(score.values[row])) return true;
    } else if (predictedClass[row] === null && probabilities.presence.every((p) => p[row] === ABSENT)) {
      return true;
    }
    return badIdentity(row) || badNumbers(row);
  };
};

export const screenLabel: RowScreen<Label> = ({ columns }) => {
  const modelId = columns.strings('modelId').values;
  const label = columns.values('label').values;
  const badIdentity = identity(columns);
  return (row) => {
    const value = label[row];
    return (
      badModelId(modelId[row]) || (typeof value === 'number' && !Number.isFinite(value)) || badIdentity(row)
    );
  };
};
