import { readFileSync } from 'node:fs';
import { OUTPUT_FILE, renderContracts } from '../scripts/generate-contracts';
import { EventEncoder } from './codec';
import { DecodeError, EncodeError } from './errors';
import { AllContracts, type Prediction, PredictionContract } from './generated/contracts';
import { Topics } from './topics';
import { frame, schemaIdOf } from './wire-format';

const prediction: Prediction = {
  eventId: 'e-1',
  modelId: 'churn',
  modelVersion: '3',
  timestamp: 1_700_000_000_123,
  entityId: null,
  numeric: { age: 41, income: null },
  categorical: { country: 'FR' },
  segments: { channel: 'web' },
  output: { score: 0.82, predictedClass: null, classProbabilities: {} },
};

describe('generated contracts', () => {
  it('are up to date with the .avsc schemas', () => {
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(renderContracts());
  });

  it('cover every topic of the architecture, each with its own contract', () => {
    const contracts = Object.values(Topics).map((t) => t.contract.name);
    expect(new Set(contracts).size).toBe(contracts.length);
    expect(contracts.sort()).toEqual(AllContracts.map((c) => c.name).sort());
  });
});

describe('wire format', () => {
  it('frames a body with magic byte 0 and a big-endian schema id', () => {
    const framed = frame(258, Buffer.from([7, 8]));
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 7, 8]);
    expect(schemaIdOf(framed)).toBe(258);
  });

  it('rejects what is not in the wire format', () => {
    expect(schemaIdOf(Buffer.from('{"json":true}'))).toBeUndefined();
    expect(schemaIdOf(Buffer.from([0, 0, 1]))).toBeUndefined();
    expect(schemaIdOf(null)).toBeUndefined();
  });
});

describe('EventEncoder', () => {
  it('round-trips a prediction through Avro with epoch-millisecond timestamps', () => {
    const bytes = new EventEncoder(PredictionContract, 42).encode(prediction);
    expect(schemaIdOf(bytes)).toBe(42);
    expect(PredictionContract.type.fromBuffer(bytes.subarray(5))).toEqual(prediction);
  });

  it('names the invalid fields of a value that breaks the contract', () => {
    const bad = { ...prediction, timestamp: 'yesterday', numeric: { age: 'old' } } as unknown as Prediction;
    let error: unknown;
    try {
      new EventEncoder(PredictionContract, 1).encode(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).paths.sort()).toEqual(['numeric.age', 'timestamp']);
    expect((error as Error).message).toContain('Prediction');
  });
});

describe('DecodeError', () => {
  it('carries its kind and cause', () => {
    const cause = new Error('truncated buffer');
    const error = new DecodeError('MALFORMED_AVRO', 'bad body', { cause });
    expect(error.kind).toBe('MALFORMED_AVRO');
    expect(error.cause).toBe(cause);
  });
});
