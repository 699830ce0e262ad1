import { type EventColumns, PREDICTION_NULL, PREDICTION_NUMBER, PREDICTION_STRING } from '@continuum/drift';
import {
  type CategoricalMapColumn,
  type ColumnarRecords,
  type FeatureObservation,
  type NumericMapColumn,
  PRESENT,
  type Prediction,
  type RecordColumns,
} from '@continuum/events';
import { type MonitoredEvent } from './monitored-event';

/**
 * The feature maps of one columnar batch as the drift library's EventColumns (the reader's arrays,
 * not copies), with the model's output reduced to one value per row as `predictionValue` does.
 */
function featureColumns(
  columns: RecordColumns,
  output: RecordColumns | undefined,
  size: number,
): EventColumns {
  const numeric = columns.numericMap('numeric');
  const categorical = columns.categoricalMap('categorical');
  return {
    // Names are read once: the reader's dictionaries keep growing across batches.
    numeric: { names: numeric.names, values: numeric.values, presence: numeric.presence },
    categorical: { names: categorical.names, codes: categorical.codes, levels: categorical.levels },
    prediction: output && predictionColumn(output, size),
  };
}

/** The score, else the class, else the most probable class (ties: the smallest name), per row. */
function predictionColumn(output: RecordColumns, size: number): EventColumns['prediction'] {
  const score = output.numbers('score');
  const predictedClass = output.strings('predictedClass').values;
  const probabilities = output.numericMap('classProbabilities');
  const classes = probabilities.names;
  const kind = new Uint8Array(size);
  const numbers = new Float64Array(size);
  const strings = new Array<string | null>(size);
  for (let r = 0; r < size; r++) {
    if (score.presence[r] === PRESENT) {
      kind[r] = PREDICTION_NUMBER;
      numbers[r] = score.values[r];
      continue;
    }
    const named = predictedClass[r];
    if (named !== null && named !== undefined) {
      kind[r] = PREDICTION_STRING;
      strings[r] = named;
      continue;
    }
    let best: string | null = null;
    let bestP = -Infinity;
    for (let c = 0; c < classes.length; c++) {
      if (probabilities.presence[c][r] !== PRESENT) continue;
      const p = probabilities.values[c][r];
      if (p > bestP || (p === bestP && best !== null && classes[c] < best)) {
        best = classes[c];
        bestP = p;
      }
    }
    kind[r] = best === null ? PREDICTION_NULL : PREDICTION_STRING;
    strings[r] = best;
  }
  return { kind, numbers, strings };
}

/**
 * One row of a columnar batch as stage 1's event: identity and time read from the columns, the
 * features left in them (windows observe the row column-wise); the maps are rebuilt only
 * when asked for (bootstrap samples, segment tags).
 */
class ColumnarEvent implements MonitoredEvent {
  constructor(
    private readonly batch: SourceColumns,
    readonly row: number,
    readonly modelId: string,
    readonly modelVersion: string,
    readonly timestamp: number,
  ) {}

  get columns(): EventColumns {
    return this.batch.columns;
  }

  get eventId(): string {
    return this.batch.eventIds[this.row] as string;
  }

  get numeric(): Readonly<Record<string, number | null>> {
    return this.batch.numeric.get(this.row) as Record<string, number | null>;
  }

  get categorical(): Readonly<Record<string, string | null>> {
    return this.batch.categorical.get(this.row) as Record<string, string | null>;
  }

  get segments(): Readonly<Record<string, string>> {
    return this.batch.segmentTags(this.row);
  }

  get prediction(): number | string | null | undefined {
    const p = this.batch.columns.prediction;
    if (!p) return undefined;
    const kind = p.kind[this.row];
    return kind === PREDICTION_NUMBER
      ? p.numbers[this.row]
      : kind === PREDICTION_STRING
        ? p.strings[this.row]
        : null;
  }
}

/** Combinations of segment values above this many are not shared: such a row gets its own tags. */
const MAX_SHARED_TAG_SETS = 4096;

/** A columnar batch of ct.predictions or ct.features, row by row as stage 1's events. */
export class SourceColumns {
  readonly columns: EventColumns;
  readonly eventIds: ReadonlyArray<string | null>;
  readonly numeric: NumericMapColumn;
  readonly categorical: CategoricalMapColumn;
  readonly segments: CategoricalMapColumn;
  private readonly modelIds: ReadonlyArray<string | null>;
  private readonly modelVersions: ReadonlyArray<string | null> | undefined;
  private readonly timestamps: Float64Array;
  /** Segment tags by combination of the row's codes (see segmentTags), made when first asked for. */
  private readonly sharedTags = new Map<number, Readonly<Record<string, string>>>();
  private tagRadix: Int32Array | undefined;

  private constructor(records: ColumnarRecords<unknown>, predictions: boolean) {
    const columns = records.columns;
    this.columns = featureColumns(columns, predictions ? columns.record('output') : undefined, records.size);
    this.eventIds = columns.strings('eventId').values;
    this.numeric = columns.numericMap('numeric');
    this.categorical = columns.categoricalMap('categorical');
    this.segments = columns.categoricalMap('segments');
    this.modelIds = columns.strings('modelId').values;
    this.modelVersions = predictions ? columns.strings('modelVersion').values : undefined;
    this.timestamps = columns.numbers('timestamp').values;
  }

  static ofPredictions(records: ColumnarRecords<Prediction>): SourceColumns {
    return new SourceColumns(records, true);
  }

  static ofFeatures(records: ColumnarRecords<FeatureObservation>): SourceColumns {
    return new SourceColumns(records, false);
  }

  modelId(row: number): string | null {
    return this.modelIds[row];
  }

  /**
   * Row `row`'s segment tags (the `segments` map). Rows with the same values share one read-only
   * object: a batch has few combinations (countries × channels), and stage 1 reads every event's
   * tags, so building a map per row was a cost per event.
   */
  segmentTags(row: number): Readonly<Record<string, string>> {
    const radix = (this.tagRadix ??= this.combinationRadix());
    if (radix.length === 0 && this.segments.codes.length > 0)
      return this.segments.get(row) as Record<string, string>;
    // The row's codes (absent and null below zero) as one mixed-radix number.
    const codes = this.segments.codes;
    let combination = 0;
    for (let k = 0; k < codes.length; k++) combination = combination * radix[k] + codes[k][row] + 2;
    let tags = this.sharedTags.get(combination);
    if (!tags) this.sharedTags.set(combination, (tags = this.segments.get(row) as Record<string, string>));
    return tags;
  }

  /** Per segment key, its codes' range (levels + absent + null); empty when the combinations are too many to share. */
  private combinationRadix(): Int32Array {
    const radix = Int32Array.from(this.segments.levels, (levels) => levels.length + 2);
    let combinations = 1;
    for (const r of radix) combinations *= r;
    return combinations <= MAX_SHARED_TAG_SETS ? radix : new Int32Array(0);
  }

  /** Row `row` as stage 1's event; undefined for a feature observation without a model (as fromFeatureObservation). */
  event(row: number): MonitoredEvent | undefined {
    const modelId = this.modelIds[row];
    if (modelId === null || modelId.length === 0) return undefined;
    return new ColumnarEvent(this, row, modelId, this.modelVersions?.[row] ?? '', this.timestamps[row]);
  }
}
