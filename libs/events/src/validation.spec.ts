import { seededUniform } from '@continuum/stats';
import { type Label, type Prediction } from './generated/contracts';
import {
  eventIdProblem,
  modelIdProblem,
  isAcceptedRecordKey,
  recordKeyProblem,
  validateFeatureObservation,
  validateLabel,
  validatePrediction,
} from './validation';

const prediction: Prediction = {
  eventId: 'e1',
  modelId: 'm',
  modelVersion: '1',
  timestamp: 1_700_000_000_000,
  entityId: null,
  numeric: { a: 1, b: null },
  categorical: {},
  segments: {},
  output: { score: 0.4, predictedClass: null, classProbabilities: {} },
};

describe('event validation', () => {
  it('accepts a well-formed prediction, with null meaning missing', () => {
    expect(validatePrediction(prediction)).toBeUndefined();
  });

  it.each([
    [{ modelId: '' }, 'modelId is empty'],
    [{ eventId: '' }, 'eventId is empty'],
    [{ timestamp: 0 }, 'timestamp 0 is not a positive epoch-millisecond time'],
    [{ numeric: { a: Number.NaN } }, "numeric feature 'a' is NaN; use null for missing"],
    [
      { output: { score: null, predictedClass: null, classProbabilities: {} } },
      'output has neither score, predictedClass nor classProbabilities',
    ],
  ])('names the problem in %j', (change, message) => {
    expect(validatePrediction({ ...prediction, ...change } as Prediction)).toBe(message);
  });

  it('checks features and labels', () => {
    expect(validateFeatureObservation({ ...prediction, modelId: null, numeric: { x: Infinity } })).toBe(
      "numeric feature 'x' is Infinity; use null for missing",
    );
    const label: Label = { eventId: 'e1', modelId: 'm', timestamp: 1, label: 'spam' };
    expect(validateLabel(label)).toBeUndefined();
    expect(validateLabel({ ...label, label: Number.NaN })).toBe('label is NaN');
  });
});

describe('ids and keys (issue 10 item 8)', () => {
  const label: Label = { eventId: 'e1', modelId: 'm', timestamp: 1, label: 1 };

  it.each([['churn'], ['fraud-v2.eu_west'], ['A'], ['m'.repeat(128)]])(
    'accepts the model id %s',
    (modelId) => {
      expect(validatePrediction({ ...prediction, modelId })).toBeUndefined();
      expect(modelIdProblem('modelId', modelId)).toBeUndefined();
    },
  );

  it.each([
    ['', 'modelId is empty'],
    ['m'.repeat(129), 'modelId is 129 characters long; at most 128 are accepted'],
    ['m'.repeat(10_000), 'modelId is 10000 characters long; at most 128 are accepted'],
    [
      'churn model',
      'modelId "churn model" has characters outside A-Z a-z 0-9 . _ - (first a letter or digit)',
    ],
    ['-churn', 'modelId "-churn" has characters outside A-Z a-z 0-9 . _ - (first a letter or digit)'],
    [
      'churn\u0000',
      'modelId "churn\\u0000" has characters outside A-Z a-z 0-9 . _ - (first a letter or digit)',
    ],
    ['modèle', 'modelId "modèle" has characters outside A-Z a-z 0-9 . _ - (first a letter or digit)'],
  ])('refuses the model id %j of a prediction, a label and a feature observation', (modelId, message) => {
    expect(validatePrediction({ ...prediction, modelId })).toBe(message);
    expect(validateLabel({ ...label, modelId })).toBe(message);
    expect(validateFeatureObservation({ ...prediction, modelId })).toBe(message);
  });

  it('a feature observation without a model (null) is fine', () => {
    expect(validateFeatureObservation({ ...prediction, modelId: null })).toBeUndefined();
  });

  it('applies the same rule to the model version', () => {
    expect(validatePrediction({ ...prediction, modelVersion: '1 beta' })).toBe(
      'modelVersion "1 beta" has characters outside A-Z a-z 0-9 . _ - (first a letter or digit)',
    );
    expect(validatePrediction({ ...prediction, modelVersion: 'v'.repeat(200) })).toBe(
      'modelVersion is 200 characters long; at most 128 are accepted',
    );
  });

  it.each([['e1'], ['3f2b9c1e-8d7a-4b1c-9e2f-0a1b2c3d4e5f'], ['order:42|retry#1'], ['x'.repeat(128)]])(
    'accepts the event id %s',
    (eventId) => {
      expect(eventIdProblem(eventId)).toBeUndefined();
      expect(validateLabel({ ...label, eventId })).toBeUndefined();
    },
  );

  it.each([
    ['', 'eventId is empty'],
    ['x'.repeat(129), 'eventId is 129 characters long; at most 128 are accepted'],
    ['order 42', 'eventId "order 42" has characters outside printable ASCII without spaces'],
    ['e\n1', 'eventId "e\\n1" has characters outside printable ASCII without spaces'],
  ])('refuses the event id %j', (eventId, message) => {
    expect(validatePrediction({ ...prediction, eventId })).toBe(message);
    expect(validateLabel({ ...label, eventId })).toBe(message);
    expect(validateFeatureObservation({ ...prediction, eventId })).toBe(message);
  });

  it('refuses a prediction or label whose record has no key, an empty one or an unusable one', () => {
    const missing =
      "the record has no key: key predictions and labels by the prediction's eventId (the join needs it)";
    expect(validatePrediction(prediction, null)).toBe(missing);
    expect(validateLabel(label, '')).toBe(missing);
    expect(recordKeyProblem('k'.repeat(300))).toBe(
      'the record key is 300 characters long; at most 128 are accepted',
    );
    expect(recordKeyProblem('a b')).toBe(
      'the record key "a b" has characters outside printable ASCII without spaces',
    );
  });

  it('isAcceptedRecordKey reads on the bytes what recordKeyProblem decides on the string', () => {
    const random = seededUniform(14);
    const cases: Array<Buffer | null> = [
      null,
      Buffer.alloc(0),
      Buffer.from('é'),
      Buffer.from('k'.repeat(128)),
    ];
    cases.push(Buffer.from('k'.repeat(129)), Buffer.from([0x21]), Buffer.from([0x7e]), Buffer.from([0x7f]));
    for (let n = 0; n < 2000; n++) {
      // Mostly printable ASCII (accepted), sometimes a space, a control, a high or a multi-byte byte.
      const length = Math.floor(random() * 140);
      const bytes = Array.from({ length }, () =>
        random() < 0.995 ? 0x21 + Math.floor(random() * 94) : Math.floor(random() * 256),
      );
      cases.push(Buffer.from(bytes));
    }
    let accepted = 0;
    for (const key of cases) {
      const byString = recordKeyProblem(key === null ? null : key.toString('utf8')) === undefined;
      expect(isAcceptedRecordKey(key)).toBe(byString);
      if (byString) accepted++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(cases.length - 100);
  });

  it('checks the key only when the caller passes one', () => {
    expect(validatePrediction(prediction)).toBeUndefined();
    expect(validatePrediction(prediction, 'e1')).toBeUndefined();
    expect(validateLabel(label, 'e1')).toBeUndefined();
  });
});
