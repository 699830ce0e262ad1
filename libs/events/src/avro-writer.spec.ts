import { Type } from 'avsc';
import { seededUniform } from '@continuum/stats';
import { avroWriter, specialisedEncoding, writeWireFormat } from './avro-writer';
import { EventEncoder } from './codec';
import { type Contract, defineContract } from './contract';
import { EncodeError } from './errors';
import {
  AllContracts,
  FeatureObservationContract,
  LabelContract,
  LabelledExampleContract,
  type Prediction,
  PredictionContract,
} from './generated/contracts';
import { frame } from './wire-format';

const SCHEMA_ID = 0x01020304;

/** avsc's wire format of a value (the reference), or 'invalid' when avsc refuses it. */
function reference(type: Type, value: unknown): Buffer | 'invalid' {
  try {
    return frame(SCHEMA_ID, type.toBuffer(value));
  } catch {
    return 'invalid';
  }
}

/** The specialised writer's wire format, or 'refused'. */
function specialised(type: Type, value: unknown, view = false): Buffer | 'refused' {
  const write = avroWriter(type);
  if (!write) throw new Error(`no specialised writer for ${type.name ?? type.typeName}`);
  return writeWireFormat(write, SCHEMA_ID, value, view) ?? 'refused';
}

/** Same bytes, or both refuse: printed as hex so that a failure shows where they part. */
function expectSameAsAvsc(type: Type, value: unknown, view = false): void {
  const expected = reference(type, value);
  const actual = specialised(type, value, view);
  const show = (b: Buffer | string) => (typeof b === 'string' ? b : b.toString('hex'));
  if (show(actual) !== show(expected === 'invalid' ? 'refused' : expected)) {
    throw new Error(
      `specialised ${show(actual)}\n     avsc ${show(expected)}\nfor ${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
    );
  }
}

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

/** Strings of every shape the writer treats apart: ASCII, 2/3/4-byte UTF-8, lone surrogates, around avsc's 64-byte switch. */
function text(random: Random): string {
  const units = [
    'a',
    'Z',
    '0',
    ' ',
    '\u0000',
    '\u007f',
    'é',
    'ß',
    'Ω',
    '\u07ff',
    '\u0800',
    '€',
    '中',
    '\uffff',
    '😀',
    '𝄞',
    '\ud800', // lone high surrogate
    '\udc00', // lone low surrogate
  ];
  switch (pick(random, ['empty', 'ascii', 'unicode', 'edge', 'long'])) {
    case 'empty':
      return '';
    case 'ascii':
      return 'x'.repeat(Math.floor(random() * 70));
    case 'edge':
      // 63, 64 and 65 bytes (avsc's switch between its loop and Buffer's writer), ending on any unit.
      return 'y'.repeat(60 + Math.floor(random() * 4)) + pick(random, units);
    case 'long':
      return Array.from({ length: 20 + Math.floor(random() * 60) }, () => pick(random, units)).join('');
    default:
      return Array.from({ length: Math.floor(random() * 12) }, () => pick(random, units)).join('');
  }
}

const LONGS = [
  0,
  -0,
  1,
  -1,
  63,
  64,
  -64,
  -65,
  1073741823,
  1073741824,
  -1073741824,
  -1073741825,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 + 5,
  1_700_000_000_123,
  -1_700_000_000_123,
  9007199254740990,
  -9007199254740990,
];

function long(random: Random): number {
  return random() < 0.6
    ? pick(random, LONGS)
    : Math.round((random() - 0.5) * 2 ** Math.floor(random() * 54)) || 0;
}

/** A NaN whose bits are not the canonical ones. */
const PAYLOAD_NAN = new Float64Array(new Uint8Array([1, 0, 0, 0, 0, 0, 0xf8, 0x7f]).buffer)[0];

function double(random: Random): number {
  return random() < 0.5
    ? pick(random, [
        0,
        -0,
        Number.NaN,
        PAYLOAD_NAN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        5e-324,
        -1.7976931348623157e308,
        1e-310,
      ])
    : (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10);
}

/** Keys in the orders Object.keys gives them (integer-like keys first), many or none. */
function keys(random: Random): string[] {
  const size = pick(random, [0, 1, 3, 25, 120]);
  return Array.from({ length: size }, (_, i) =>
    pick(random, [`f${i}`, `${i}`, `${i}${text(random)}`, `feature_${i}_ü`]),
  );
}

function map<V>(random: Random, value: () => V): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of keys(random)) out[k] = value();
  return out;
}

const nullable = <V>(random: Random, value: () => V): V | null => (random() < 0.2 ? null : value());

/** A value of one of the hot contracts with the shapes above in every field. */
function hotValue(contract: Contract<unknown>, random: Random): Record<string, unknown> {
  const output = () => ({
    score: nullable(random, () => double(random)),
    predictedClass: nullable(random, () => text(random)),
    classProbabilities: map(random, () => double(random)),
  });
  const fields: Record<string, () => unknown> = {
    eventId: () => text(random),
    modelId: () =>
      contract === FeatureObservationContract ? nullable(random, () => text(random)) : text(random),
    modelVersion: () => text(random),
    timestamp: () => long(random),
    predictionTimestamp: () => long(random),
    labelTimestamp: () => long(random),
    entityId: () => nullable(random, () => text(random)),
    numeric: () => map(random, () => nullable(random, () => double(random))),
    categorical: () => map(random, () => nullable(random, () => text(random))),
    segments: () => map(random, () => text(random)),
    output,
    label: () => (random() < 0.5 ? double(random) : text(random)),
  };
  const schema = contract.type as unknown as { fields: Array<{ name: string }> };
  const value: Record<string, unknown> = {};
  for (const f of schema.fields) {
    // Fields with a default may be left out: avsc writes the default.
    if (random() < 0.1 && ['entityId', 'numeric', 'categorical', 'segments'].includes(f.name)) continue;
    value[f.name] = fields[f.name]();
  }
  return value;
}

/** Breaks one field of a value (a wrong type, a missing required field, an unsafe long...). */
function broken(value: Record<string, unknown>, random: Random): Record<string, unknown> {
  const names = Object.keys(value);
  const name = pick(random, names);
  const bad = pick(random, [
    undefined,
    null,
    'text',
    1.5,
    2 ** 60,
    Number.NaN,
    true,
    [],
    { a: 'b' },
    { a: undefined },
    Buffer.from('x'),
  ]);
  return { ...value, [name]: bad };
}

const HOT = [PredictionContract, LabelContract, FeatureObservationContract, LabelledExampleContract];

describe('specialised Avro writer', () => {
  it('has a writer for the hot contracts', () => {
    for (const contract of HOT) expect(avroWriter(contract.type)).toBeDefined();
  });

  it.each(HOT.map((c) => [c.name, c] as const))(
    'writes %s values byte for byte as avsc (random values, every field shape)',
    (_name, contract) => {
      const random = seededUniform(14);
      for (let i = 0; i < 1500; i++) {
        const value = hotValue(contract as Contract<unknown>, random);
        expect(reference(contract.type, value)).not.toBe('invalid');
        expectSameAsAvsc(contract.type, value, i % 2 === 0);
      }
    },
  );

  it.each(HOT.map((c) => [c.name, c] as const))(
    'refuses exactly the %s values avsc refuses',
    (_name, contract) => {
      const random = seededUniform(15);
      let invalid = 0;
      for (let i = 0; i < 1000; i++) {
        const value = broken(hotValue(contract as Contract<unknown>, random), random);
        if (reference(contract.type, value) === 'invalid') invalid++;
        expectSameAsAvsc(contract.type, value);
      }
      expect(invalid).toBeGreaterThan(250);
    },
  );

  it('writes avsc random values of every contract it has a writer for as avsc does', () => {
    const random = seededUniform(16);
    let covered = 0;
    for (const contract of AllContracts) {
      if (!avroWriter(contract.type)) continue;
      covered++;
      for (let i = 0; i < 300; i++) expectSameAsAvsc(contract.type, contract.type.random(), random() < 0.5);
    }
    expect(covered).toBeGreaterThanOrEqual(HOT.length);
  });

  it('writes every other type it knows as avsc: boolean, int, float, bytes, fixed, enum, arrays, unions, defaults, recursion', () => {
    const type = Type.forSchema({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'flag', type: 'boolean' },
        { name: 'small', type: 'int' },
        { name: 'ratio', type: 'float' },
        { name: 'blob', type: 'bytes' },
        { name: 'id', type: { type: 'fixed', name: 'Id', size: 4 } },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B', 'C'] } },
        { name: 'list', type: { type: 'array', items: { type: 'array', items: 'long' } } },
        { name: 'choice', type: ['int', 'string', 'null', { type: 'map', values: 'boolean' }, 'bytes'] },
        { name: 'tags', type: { type: 'map', values: 'Kind' }, default: { x: 'B' } },
        { name: 'note', type: 'string', default: 'none' },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    const random = seededUniform(17);
    const node = (depth: number): Record<string, unknown> => {
      const value: Record<string, unknown> = {
        flag: random() < 0.5,
        small: pick(random, [0, -1, 2 ** 31 - 1, -(2 ** 31), 1073741824, Math.floor((random() - 0.5) * 1e6)]),
        ratio: pick(random, [Number.NaN, 1e39, -1e-46, 3.4e38, 0.1, -0, double(random)]),
        blob: Buffer.from(
          Array.from({ length: pick(random, [0, 3, 200]) }, () => Math.floor(random() * 256)),
        ),
        id: Buffer.from([1, 2, 3, Math.floor(random() * 256)]),
        kind: pick(random, ['A', 'B', 'C']),
        list: Array.from({ length: pick(random, [0, 1, 4]) }, () =>
          Array.from({ length: pick(random, [0, 2]) }, () => long(random)),
        ),
        choice: pick(random, [null, 7, -3, text(random), { a: true, b: false }, {}, Buffer.from([9])]),
        next: depth > 0 && random() < 0.7 ? node(depth - 1) : null,
      };
      if (random() < 0.5) value.tags = map(random, () => pick(random, ['A', 'B', 'C']));
      if (random() < 0.5) value.note = text(random);
      return value;
    };
    for (let i = 0; i < 2000; i++) {
      const value = node(3);
      expect(reference(type, value)).not.toBe('invalid');
      expectSameAsAvsc(type, value, i % 2 === 0);
      expectSameAsAvsc(type, broken(value, random));
    }
  });

  it('has no writer for schemas with types it does not know (avsc encodes those)', () => {
    const wrapped = Type.forSchema(['int', 'long'], { wrapUnions: true });
    expect(avroWriter(wrapped)).toBeUndefined();
    const record = Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [{ name: 'u', type: ['int', 'long'] }],
    });
    expect(avroWriter(record)).toBeUndefined();
  });
});

describe('EventEncoder with the specialised writer', () => {
  const prediction = (i: number, size: number): Prediction => ({
    eventId: `e-${i}`,
    modelId: 'churn',
    modelVersion: '3',
    timestamp: 1_700_000_000_000 + i,
    entityId: i % 3 === 0 ? null : `c-${i}`,
    numeric: Object.fromEntries(
      Array.from({ length: size }, (_, k) => [`f${k}`, k % 7 === 0 ? null : k * 0.5 + i]),
    ),
    categorical: { country: i % 2 ? 'FR' : 'Ελλάδα' },
    segments: {},
    output: { score: 0.5, predictedClass: null, classProbabilities: {} },
  });

  it('keeps every shared view intact across chunks, interleaved with copies and a value larger than a chunk', () => {
    const encoder = new EventEncoder(PredictionContract, SCHEMA_ID);
    const sizes = Array.from({ length: 2000 }, (_, i) => (i === 1000 ? 60_000 : (i * 7) % 40));
    const same = (bytes: Buffer, i: number) => {
      const expected = reference(PredictionContract.type, prediction(i, sizes[i]));
      return expected !== 'invalid' && bytes.equals(expected);
    };
    const badCopies: number[] = [];
    const views = sizes.map((size, i) => {
      const view = encoder.encodeShared(prediction(i, size));
      // A copy in between: its space in the chunk is used again by the next value.
      if (!same(encoder.encode(prediction(i, size)), i)) badCopies.push(i);
      return view;
    });
    expect(badCopies).toEqual([]);
    expect(views.map((view, i) => (same(view, i) ? -1 : i)).filter((i) => i >= 0)).toEqual([]);
    // Views share chunks: the point of encodeShared.
    expect(new Set(views.map((v) => v.buffer)).size).toBeLessThan(views.length / 10);
  });

  it('encodes a value whose getter encodes another one (the inner value takes avsc)', () => {
    const encoder = new EventEncoder(PredictionContract, SCHEMA_ID);
    let inner: Buffer | undefined;
    const outer = prediction(1, 5);
    Object.defineProperty(outer, 'modelVersion', {
      enumerable: true,
      get: () => {
        inner = encoder.encodeShared(prediction(2, 5));
        return '3';
      },
    });
    expect(encoder.encodeShared(outer)).toEqual(reference(PredictionContract.type, prediction(1, 5)));
    expect(inner).toEqual(reference(PredictionContract.type, prediction(2, 5)));
  });

  it("throws avsc's EncodeError for an invalid value, and writes the same bytes with the writer switched off", () => {
    const encoder = new EventEncoder(PredictionContract, SCHEMA_ID);
    const bad = { ...prediction(1, 3), timestamp: 1.5 } as unknown as Prediction;
    expect(() => encoder.encodeShared(bad)).toThrow(EncodeError);
    specialisedEncoding.enabled = false;
    try {
      expect(encoder.encodeShared(prediction(4, 30))).toEqual(
        reference(PredictionContract.type, prediction(4, 30)),
      );
    } finally {
      specialisedEncoding.enabled = true;
    }
  });

  it('takes avsc for a contract without a specialised writer', () => {
    const contract = defineContract<{ u: { long: number } }>('u.avsc', {
      type: 'record',
      name: 'U',
      fields: [{ name: 'u', type: ['int', 'long'] }],
    });
    const value = { u: { long: 2 ** 40 } };
    expect(new EventEncoder(contract, SCHEMA_ID).encodeShared(value)).toEqual(
      frame(SCHEMA_ID, contract.type.toBuffer(value)),
    );
  });
});
