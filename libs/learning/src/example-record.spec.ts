import { InvalidInputError } from './errors';
import { exampleFromRecord, registeredTaskOf, taskOfRegisteredTask } from './example-record';
import { LogisticRegression } from './models/linear-models';

/** A ct.examples record as the Avro decoder returns it (the extra fields are ignored). */
const record = {
  eventId: 'e-1',
  modelId: 'churn',
  modelVersion: '3',
  predictionTimestamp: 1_700_000_000_000,
  labelTimestamp: 1_700_000_600_000,
  entityId: null,
  numeric: { tenure: 12, spend: null },
  categorical: { plan: 'pro', region: null },
  segments: { country: 'fr' },
  output: { score: 0.7, predictedClass: null, classProbabilities: {} },
  label: 1,
};

describe('exampleFromRecord', () => {
  it('takes the prediction time, the features and the label of a ct.examples record', () => {
    expect(exampleFromRecord(record)).toEqual({
      timestamp: 1_700_000_000_000,
      numeric: { tenure: 12, spend: null },
      categorical: { plan: 'pro', region: null },
      label: 1,
    });
  });

  it('gives examples a learner trains on', () => {
    const features = { features: [{ name: 'tenure', type: 'numeric' as const }] };
    const model = new LogisticRegression({ features });
    const examples = [0, 1, 2, 3].map((i) =>
      exampleFromRecord({ ...record, numeric: { tenure: i }, label: i < 2 ? 0 : 1 }),
    );
    model.partialFit(examples);
    expect(model.predict([examples[0]])).toHaveLength(1);
  });

  it.each([
    [{ ...record, predictionTimestamp: NaN }, 'predictionTimestamp'],
    [{ ...record, label: NaN }, 'label'],
    [{ ...record, label: '' }, 'label'],
  ])('refuses a record with a bad %#th field, naming it', (bad, field) => {
    const error = (() => {
      try {
        exampleFromRecord(bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe(field);
  });
});

describe('registered task names', () => {
  it('map both ways', () => {
    for (const [registered, task] of [
      ['BINARY_CLASSIFICATION', 'binary'],
      ['MULTICLASS_CLASSIFICATION', 'multiclass'],
      ['REGRESSION', 'regression'],
    ] as const) {
      expect(taskOfRegisteredTask(registered)).toBe(task);
      expect(registeredTaskOf(task)).toBe(registered);
    }
    expect(() => taskOfRegisteredTask('CLUSTERING' as never)).toThrow(InvalidInputError);
  });
});
