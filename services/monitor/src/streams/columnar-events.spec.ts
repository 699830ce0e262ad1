import { WindowProfile, evaluateDrift } from '@continuum/drift';
import {
  ColumnarReader,
  type ColumnarRecords,
  type FeatureObservation,
  FeatureObservationContract,
  type Prediction,
  PredictionContract,
} from '@continuum/events';
import { type Contract } from '@continuum/events';
import { PartitionWindows, StageOneOutput } from '../windowing/partition-windows';
import { MINUTE, T0, catalog, options, rng } from '../windowing/windowing-fixtures';
import { SourceColumns } from './columnar-events';
import { type MonitoredEvent, fromFeatureObservation, fromPrediction } from './monitored-event';

/**
 * Predictions of models a and b (registered references) and c (none: bootstrap samples), with
 * every shape of output (score, class, probabilities only, nothing), null and absent features,
 * a feature sent as the other type, keys of no feature, segment tags, late and dropped events.
 */
function predictions(n: number, seed: number): Prediction[] {
  const r = rng(seed);
  const countries = ['FR', 'DE', 'US', 'ES', 'IT'];
  return Array.from({ length: n }, (_, i) => {
    const numeric: Record<string, number | null> = { x: r() * 10, y: r() < 0.05 ? null : r() };
    const categorical: Record<string, string | null> = {
      c: r() < 0.05 ? null : countries[Math.floor(r() * 4)],
    };
    if (r() < 0.05) delete numeric.x;
    if (r() < 0.03) categorical.x = 'ten';
    if (r() < 0.03) numeric.extra = r();
    const u = r();
    const output: Prediction['output'] =
      u < 0.8
        ? { score: r(), predictedClass: null, classProbabilities: {} }
        : u < 0.87
          ? { score: null, predictedClass: r() < 0.5 ? 'yes' : 'no', classProbabilities: {} }
          : u < 0.95
            ? { score: null, predictedClass: null, classProbabilities: { yes: r(), no: r() } }
            : { score: null, predictedClass: null, classProbabilities: {} };
    const late = i % 97 === 0 ? 3 * MINUTE : 0;
    return {
      eventId: `e${i}`,
      modelId: ['a', 'b', 'c'][i % 3],
      modelVersion: '1',
      timestamp: Math.max(T0, T0 + i * 100 + Math.round((r() - 0.5) * 8000) - late),
      entityId: null,
      numeric,
      categorical,
      segments: (r() < 0.9
        ? { country: countries[Math.floor(r() * 5)], channel: r() < 0.5 ? 'web' : 'app' }
        : {}) as Record<string, string>,
      output,
    };
  });
}

/** The values as the consumer's columnar reader decodes them, in batches of `size`. */
function columnarBatches<T>(contract: Contract<T>, values: T[], size: number): Array<ColumnarRecords<T>> {
  const reader = ColumnarReader.for(contract) as ColumnarReader<T>;
  const out: Array<ColumnarRecords<T>> = [];
  for (let at = 0; at < values.length; at += size) {
    const records = reader.newRecords() as ColumnarRecords<T>;
    const batch = values.slice(at, at + size);
    records.reset(batch.length);
    for (const v of batch) records.appendBody(contract.type.toBuffer(v), 0);
    out.push(records);
  }
  return out;
}

/** What stage 1 publishes, comparable: partials with their states, samples, counts, checkpoint. */
function run(batches: Array<Array<MonitoredEvent | undefined>>, source = options) {
  const state = new PartitionWindows(source, catalog());
  const outputs: StageOneOutput[] = [];
  let offset = 0;
  for (const batch of batches) {
    const out = new StageOneOutput();
    state.beginBatch();
    for (const event of batch) {
      if (event) state.observe(offset, event, out);
      else state.skipTo(offset + 1);
      offset++;
    }
    outputs.push(out);
  }
  const closing = new StageOneOutput();
  state.publishOpenWindows(closing);
  outputs.push(closing);
  return { outputs, checkpoint: state.checkpoint() };
}

function comparable(outputs: StageOneOutput[]) {
  return outputs.map((o) => ({
    partials: o.partials.map((p) => ({ ...p, state: p.state.toString('hex') })),
    samples: [...o.samples.values()],
    counts: [o.events, o.windowed, o.awaitingReference, o.late, o.dropped, o.crossedBoundary],
  }));
}

describe('stage 1 on columnar batches', () => {
  it.each([
    [1, 500],
    [2, 137],
    [3, 2000],
  ])(
    'gives the partials, drift reports, samples, counts and checkpoint of the object path (seed %i, batches of %i)',
    (seed, size) => {
      const values = predictions(3000, seed);
      const byObject = run(
        Array.from({ length: Math.ceil(values.length / size) }, (_, b) =>
          values.slice(b * size, (b + 1) * size).map(fromPrediction),
        ),
      );
      const byColumns = run(
        columnarBatches(PredictionContract, values, size).map((records) => {
          const columns = SourceColumns.ofPredictions(records);
          return Array.from({ length: records.size }, (_, row) => columns.event(row));
        }),
      );
      expect(comparable(byColumns.outputs)).toEqual(comparable(byObject.outputs));
      expect(byColumns.checkpoint.equals(byObject.checkpoint)).toBe(true);
      // The reports stage 2 would compute from these states, one per partial.
      const references = catalog();
      const partials = byObject.outputs.flatMap((o) => o.partials);
      expect(partials.length).toBeGreaterThan(20);
      const columnsPartials = byColumns.outputs.flatMap((o) => o.partials);
      partials.forEach((p, i) => {
        const profile = references.byReferenceId(p.referenceId)!.profile;
        const report = (bytes: Buffer) => evaluateDrift(profile, WindowProfile.deserialize(profile, bytes));
        expect(report(columnsPartials[i].state)).toEqual(report(p.state));
      });
    },
  );

  it('feature observations: the same partials, and rows without a model are not windowed', () => {
    const r = rng(9);
    const values: FeatureObservation[] = predictions(2000, 4).map((p, i) => ({
      eventId: p.eventId,
      timestamp: p.timestamp,
      modelId: i % 11 === 0 ? null : p.modelId,
      entityId: null,
      numeric: p.numeric,
      categorical: p.categorical,
      segments: r() < 0.5 ? p.segments : {},
    }));
    const features = { ...options, topic: 'ct.features', source: 'FEATURES' as const };
    const byObject = run([values.map(fromFeatureObservation)], features);
    const records = columnarBatches(FeatureObservationContract, values, values.length)[0];
    const columns = SourceColumns.ofFeatures(records);
    const byColumns = run([Array.from({ length: records.size }, (_, row) => columns.event(row))], features);
    expect(comparable(byColumns.outputs)).toEqual(comparable(byObject.outputs));
    expect(byColumns.checkpoint.equals(byObject.checkpoint)).toBe(true);
  });
});
