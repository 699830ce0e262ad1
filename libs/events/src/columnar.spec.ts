import { type Type } from 'avsc';
import { ColumnarReader, MalformedBody, NULL_CODE, PRESENT } from './columnar';
import { screenFeatureObservation, screenLabel, screenPrediction } from './columnar-validation';
import { type Contract } from './contract';
import {
  DriftReportContract,
  FeatureObservationContract,
  LabelContract,
  LabelledExampleContract,
  type Prediction,
  PredictionContract,
} from './generated/contracts';
import { validateFeatureObservation, validateLabel, validatePrediction } from './validation';

/** Small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FEATURES = ['age', 'income', 'tenure', 'score_1', 'ünïcode', 'x'];
const LEVELS = ['FR', 'DE', '', 'Ελλάδα'];

/**
 * Records of one contract: avsc's own random values of the schema (arbitrary keys and values),
 * mixed with records sharing one feature list in shuffled orders, with nulls, missing keys, NaN,
 * infinities, empty ids and non-positive timestamps, so that both the byte-matched keys and the
 * validators' edge cases are exercised.
 */
function records(type: Type, count: number, random: () => number): unknown[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const number = () =>
    pick([0, -0, 1.5, -3e300, Number.NaN, Number.POSITIVE_INFINITY, random() * 100, 1e-310]);
  return Array.from({ length: count }, () => {
    const value = type.random() as unknown as Record<string, unknown>;
    if (random() < 0.3) return value;
    const numeric: Record<string, number | null> = {};
    for (const f of [...FEATURES].sort(() => random() - 0.5)) {
      const r = random();
      if (r < 0.1) continue;
      numeric[f] = r < 0.2 ? null : number();
    }
    const categorical: Record<string, string | null> = {};
    for (const c of ['country', 'plan'])
      if (random() < 0.9) categorical[c] = random() < 0.1 ? null : pick(LEVELS);
    const patch: Record<string, unknown> = {};
    if ('numeric' in value)
      Object.assign(patch, { numeric, categorical, segments: { channel: pick(LEVELS) } });
    if ('eventId' in value) patch.eventId = random() < 0.1 ? '' : `e-${Math.floor(random() * 1e6)}`;
    if ('timestamp' in value) patch.timestamp = pick([1_700_000_000_000, 0, -5, 2 ** 40]);
    if ('modelId' in value) patch.modelId = random() < 0.05 ? '' : 'churn';
    if ('output' in value)
      patch.output = pick([
        { score: number(), predictedClass: null, classProbabilities: {} },
        { score: null, predictedClass: null, classProbabilities: {} },
        { score: null, predictedClass: 'yes', classProbabilities: {} },
        { score: null, predictedClass: null, classProbabilities: { yes: 0.7, no: 0.3 } },
      ]);
    if ('label' in value) patch.label = pick([1, 0, Number.NaN, 'yes', Number.NEGATIVE_INFINITY]);
    return { ...value, ...patch };
  });
}

/** The generic path's result for a body: the value, or the error message. */
function generic(type: Type, body: Buffer): unknown {
  try {
    return { value: type.fromBuffer(body) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function columnar<T>(reader: ColumnarReader<T>, bodies: Buffer[]): unknown[] {
  const batch = reader.newRecords();
  if (!batch) throw new Error('no columnar reader');
  batch.reset(bodies.length);
  const outcomes: Array<{ row: number } | { error: string }> = bodies.map((body) => {
    try {
      batch.appendBody(body, 0);
      return { row: batch.size - 1 };
    } catch (error) {
      if (!(error instanceof MalformedBody)) throw error;
      return { error: error.message };
    }
  });
  // Rows are read back after the whole batch: later rows must not disturb earlier ones.
  return outcomes.map((o) => ('row' in o ? { value: batch.row(o.row) } : o));
}

const HOT: Array<Contract<unknown>> = [
  PredictionContract,
  FeatureObservationContract,
  LabelContract,
  LabelledExampleContract,
] as Array<Contract<unknown>>;

describe('ColumnarReader', () => {
  it.each(HOT.map((c) => [c.name, c] as const))(
    '%s: the columns give back what avsc decodes from the same bytes, for any record',
    (_name, contract) => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = seeded(seed);
        const reader = ColumnarReader.for(contract) as ColumnarReader<unknown>;
        // Several batches per reader: the key dictionaries carry over.
        for (let b = 0; b < 3; b++) {
          const bodies = records(contract.type, 1 + Math.floor(random() * 60), random).map((r) =>
            contract.type.toBuffer(r),
          );
          expect({ seed, rows: columnar(reader, bodies) }).toEqual({
            seed,
            rows: bodies.map((body) => generic(contract.type, body)),
          });
        }
      }
    },
  );

  it.each(HOT.map((c) => [c.name, c] as const))(
    '%s: truncated, extended or corrupted bodies are refused or read exactly as avsc does, and a refused body leaves no trace',
    (_name, contract) => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = seeded(1000 + seed);
        const reader = ColumnarReader.for(contract) as ColumnarReader<unknown>;
        const bodies = records(contract.type, 30, random).map((r) => {
          const body = contract.type.toBuffer(r);
          const cut = Math.floor(random() * body.length);
          switch (Math.floor(random() * 4)) {
            case 0:
              return body.subarray(0, cut);
            case 1:
              return Buffer.concat([body, Buffer.from([Math.floor(random() * 256)])]);
            case 2:
              body[cut] = Math.floor(random() * 256);
              return body;
            default:
              return body;
          }
        });
        const expected = bodies.map((body) => generic(contract.type, body));
        const actual = columnar(reader, bodies);
        for (let i = 0; i < bodies.length; i++) {
          const e = expected[i] as { value?: unknown; error?: string };
          // Same outcome; for a refused body avsc's message is one of the reader's.
          if ('error' in e)
            expect({ seed, i, refused: 'error' in (actual[i] as object) }).toEqual({
              seed,
              i,
              refused: true,
            });
          else expect({ seed, i, row: actual[i] }).toEqual({ seed, i, row: e });
        }
      }
    },
  );

  it('keeps columns in the order of a seeded feature list, numbers with presence, categories as codes', () => {
    const reader = ColumnarReader.for(PredictionContract, {
      numeric: ['b', 'a'],
    }) as ColumnarReader<Prediction>;
    const batch = reader.newRecords();
    const p = (numeric: Record<string, number | null>, country: string | null): Prediction => ({
      eventId: 'e',
      modelId: 'm',
      modelVersion: '1',
      timestamp: 1,
      entityId: null,
      numeric,
      categorical: { country },
      segments: {},
      output: { score: 0.5, predictedClass: null, classProbabilities: {} },
    });
    batch?.reset(3);
    for (const value of [p({ a: 1, b: 2 }, 'FR'), p({ a: null }, null), p({ c: 3 }, 'FR')])
      batch?.appendBody(PredictionContract.type.toBuffer(value), 0);
    const numeric = batch?.columns.numericMap('numeric');
    expect(numeric?.names).toEqual(['b', 'a', 'c']);
    expect([...(numeric?.values[1] ?? [])]).toEqual([1, 0, 0]);
    expect([...(numeric?.presence[1] ?? [])]).toEqual([PRESENT, 1, 0]);
    const categorical = batch?.columns.categoricalMap('categorical');
    expect(categorical?.levels[0]).toEqual(['FR']);
    expect([...(categorical?.codes[0] ?? [])]).toEqual([0, NULL_CODE, 0]);
  });

  it('refuses contracts it cannot read as columns (they keep the generic path)', () => {
    // Drift reports hold arrays of records.
    expect(ColumnarReader.for(DriftReportContract)).toBeUndefined();
  });
});

describe('row screens', () => {
  const cases = [
    [PredictionContract, screenPrediction, validatePrediction],
    [FeatureObservationContract, screenFeatureObservation, validateFeatureObservation],
    [LabelContract, screenLabel, validateLabel],
  ] as const;

  it.each(cases.map((c) => [c[0].name, ...c] as const))(
    '%s: every row its validator refuses is screened (a superset, so no invalid row slips through)',
    (_name, contract, screen, validate) => {
      const random = seeded(7);
      const reader = ColumnarReader.for(contract as Contract<unknown>) as ColumnarReader<unknown>;
      const batch = reader.newRecords();
      if (!batch) throw new Error('no columnar reader');
      const values = records(contract.type, 2000, random);
      batch.reset(values.length);
      for (const v of values) batch.appendBody(contract.type.toBuffer(v), 0);
      let refused = 0;
      const check = (screen as (b: unknown) => (row: number) => boolean)(batch);
      for (let row = 0; row < batch.size; row++) {
        const problem = (validate as (v: unknown) => string | undefined)(batch.row(row));
        if (problem !== undefined) {
          refused++;
          expect({
            row,
            problem,
            screened: check(row),
          }).toEqual({
            row,
            problem,
            screened: true,
          });
        }
      }
      // The generated records do include invalid ones, and most are valid.
      expect(refused).toBeGreaterThan(50);
      expect(refused).toBeLessThan(values.length);
    },
  );
});
