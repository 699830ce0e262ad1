import { BadPredictRequest, parsePredictRequest } from './predict-request';
import { httpAnswer } from './predict-response';

function problem(body: unknown, maxBatch = 10): string {
  try {
    parsePredictRequest(body, maxBatch);
  } catch (error) {
    if (error instanceof BadPredictRequest) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('parsePredictRequest', () => {
  it('reads one event or a batch, defaulting the optional parts', () => {
    expect(parsePredictRequest({ numeric: { x: 1, y: null }, categorical: { c: 'a' } }, 10)).toEqual({
      batch: false,
      instances: [
        {
          eventId: undefined,
          timestamp: undefined,
          entityId: null,
          numeric: { x: 1, y: null },
          categorical: { c: 'a' },
          segments: {},
        },
      ],
    });
    const batch = parsePredictRequest(
      { instances: [{ eventId: 'a', timestamp: 5, entityId: 'u', segments: { s: 'x' } }, {}] },
      10,
    );
    expect(batch.batch).toBe(true);
    expect(batch.instances.map((i) => [i.eventId, i.timestamp, i.entityId])).toEqual([
      ['a', 5, 'u'],
      [undefined, undefined, null],
    ]);
  });

  it('names the offending field of a malformed body', () => {
    expect(problem([])).toBe('body: must be a JSON object');
    expect(problem({ numerics: {} })).toMatch(/^numerics: unknown field/);
    expect(problem({ numeric: { x: 'high' } })).toBe(
      'numeric.x: must be a finite number or null, got "high"',
    );
    expect(problem({ categorical: { c: 3 } })).toBe('categorical.c: must be a string or null, got 3');
    expect(problem({ segments: { s: null } })).toBe('segments.s: must be a string, got null');
    expect(problem({ numeric: [1] })).toBe('numeric: must be an object of feature name to value');
    expect(problem({ eventId: '' })).toMatch(/^eventId: must be a non-empty string/);
    expect(problem({ timestamp: -1 })).toMatch(/^timestamp: must be epoch milliseconds/);
    expect(problem({ timestamp: 1.5 })).toMatch(/^timestamp:/);
    expect(problem({ entityId: 7 })).toBe('entityId: must be a string or null');
    expect(problem({ instances: {} })).toBe('instances: must be an array');
    expect(problem({ instances: [] })).toBe('instances: must not be empty');
    expect(problem({ instances: [{}, {}, {}] }, 2)).toBe('instances: 3 instances exceed the maximum of 2');
    expect(problem({ instances: [{}, { numeric: { x: true } }] })).toBe(
      'instances[1].numeric.x: must be a finite number or null, got true',
    );
    expect(problem({ instances: [{ eventId: 'a' }, { eventId: 'a' }] })).toBe(
      'instances[1].eventId: duplicates instances[0].eventId',
    );
    expect(problem({ instances: [{}], extra: 1 })).toBe('extra: unknown field next to instances');
  });
});

describe('httpAnswer', () => {
  const output = { score: 0.9, predictedClass: '1', classProbabilities: { '0': 0.1, '1': 0.9 } };

  it('answers one event with its eventId and version, a batch with every prediction', () => {
    const ok = { status: 'OK' as const, modelId: 'm', version: '3', predictions: [{ eventId: 'e', output }] };
    expect(httpAnswer(ok, false)).toEqual({
      status: 200,
      headers: { 'x-model-version': '3' },
      body: { eventId: 'e', modelId: 'm', modelVersion: '3', output },
    });
    expect(httpAnswer(ok, true).body).toEqual({
      modelId: 'm',
      modelVersion: '3',
      predictions: [{ eventId: 'e', output }],
    });
  });

  it('maps violations to 400 naming the feature (and instance in a batch), and availability to 404/503', () => {
    const invalid = {
      status: 'INVALID_INPUT' as const,
      modelId: 'm',
      version: '3',
      violations: [
        {
          index: 2,
          feature: 'x',
          kind: 'missing' as const,
          message: 'x: required numeric feature is missing',
        },
        { index: 2, feature: 'y', kind: 'above-max' as const, message: 'y: 9 is above the maximum 1' },
      ],
    };
    expect(httpAnswer(invalid, true)).toMatchObject({
      status: 400,
      body: {
        field: 'instances[2].x',
        error:
          'input violates the contract of model m version 3: instances[2]: x: required numeric feature is missing (and 1 more)',
      },
    });
    expect(httpAnswer(invalid, false).body).toMatchObject({
      field: 'x',
      violations: [
        { feature: 'x', kind: 'missing', message: 'x: required numeric feature is missing' },
        { feature: 'y' },
      ],
    });
    expect(
      httpAnswer({ status: 'UNKNOWN_MODEL', modelId: 'm', message: 'unknown model m' }, false).status,
    ).toBe(404);
    expect(httpAnswer({ status: 'MODEL_UNAVAILABLE', modelId: 'm', message: '...' }, false)).toMatchObject({
      status: 503,
      headers: { 'retry-after': '1' },
    });
    expect(httpAnswer({ status: 'OVERLOADED', modelId: 'm', message: '...' }, false).status).toBe(503);
    expect(
      httpAnswer({ status: 'ERROR', modelId: 'm', message: 'prediction not published to Kafka: x' }, false)
        .status,
    ).toBe(503);
    expect(httpAnswer({ status: 'ERROR', modelId: 'm', message: 'prediction failed: x' }, false).status).toBe(
      500,
    );
  });
});
