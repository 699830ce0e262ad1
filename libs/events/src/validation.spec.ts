import { type Label, type Prediction } from './generated/contracts';
import { validateFeatureObservation, validateLabel, validatePrediction } from './validation';

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
