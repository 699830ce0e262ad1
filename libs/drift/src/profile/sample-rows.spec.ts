/**
 * Sample rows → builder events: a column is numeric when every value it has is a number or a
 * numeric string (CSV), categorical otherwise; the contract, when given, decides types and which
 * columns count; missing values stay missing; profileFromSample is the builder over those events.
 */
import { ReferenceProfileBuilder } from './reference-profile-builder';
import {
  SampleColumnTypes,
  absentContractFeatures,
  planSampleColumns,
  profileFromSample,
  sampleRowEvent,
} from './sample-rows';

const ROWS = [
  { id: '1', area: '52.5', city: 'lyon', code: '69', note: '', prediction: '210' },
  { id: '2', area: '', city: 'paris', code: '75', note: 'n/a', prediction: '330.5' },
  { id: '3', area: '71', city: 'nice', code: '2A', note: '', prediction: '280' },
];

function typesOf(rows: ReadonlyArray<Record<string, unknown>>): SampleColumnTypes {
  const types = new SampleColumnTypes();
  rows.forEach((r) => types.observe(r));
  return types;
}

describe('sample rows', () => {
  it('infers numeric columns from numbers and numeric strings, categorical from anything else', () => {
    const plan = planSampleColumns(typesOf(ROWS), { exclude: ['id'] });
    expect(plan).toEqual({
      numeric: ['area'],
      categorical: ['city', 'code', 'note'],
      prediction: { column: 'prediction', kind: 'numeric' },
      segmentBy: [],
      ignored: [{ column: 'id', why: 'excluded' }],
    });
    expect(sampleRowEvent(ROWS[1], plan)).toEqual({
      numeric: { area: null },
      categorical: { city: 'paris', code: '75', note: 'n/a' },
      prediction: 330.5,
    });
  });

  it('takes types and columns from the contract; a segment tag is a feature only if the contract lists it', () => {
    const contract = {
      features: [
        { name: 'code', type: 'CATEGORICAL' as const },
        { name: 'area', type: 'NUMERIC' as const },
        { name: 'rooms', type: 'NUMERIC' as const },
      ],
    };
    const types = typesOf(ROWS);
    const plan = planSampleColumns(types, { contract, segmentBy: ['city'] });
    expect(plan.numeric).toEqual(['area']);
    expect(plan.categorical).toEqual(['code']);
    expect(plan.ignored.map((i) => `${i.column}: ${i.why}`)).toEqual([
      'id: not in the contract',
      'note: not in the contract',
    ]);
    expect(absentContractFeatures(types, contract)).toEqual(['rooms']);
    expect(sampleRowEvent(ROWS[2], plan)).toEqual({
      numeric: { area: 71 },
      categorical: { code: '2A' },
      prediction: 280,
      segments: { city: 'nice' },
    });
    const withTag = planSampleColumns(types, {
      contract: { features: [...contract.features, { name: 'city', type: 'CATEGORICAL' }] },
      segmentBy: ['city'],
    });
    expect(withTag.categorical).toEqual(['city', 'code']);
  });

  it('a class prediction is categorical; a column without any value is left out', () => {
    const rows = [
      { x: 1, y: null, prediction: 'cheap' },
      { x: 2, y: null, prediction: 'dear' },
    ];
    const plan = planSampleColumns(typesOf(rows), {});
    expect(plan.prediction).toEqual({ column: 'prediction', kind: 'categorical' });
    expect(plan.ignored).toEqual([{ column: 'y', why: 'no value in the sample' }]);
  });

  it('profileFromSample is the builder over the planned events', () => {
    const { profile, plan } = profileFromSample(ROWS, { exclude: ['id'], bins: 4 });
    const builder = new ReferenceProfileBuilder({ bins: 4 });
    ROWS.forEach((r) => builder.observe(sampleRowEvent(r, plan)));
    expect(profile.toJSON()).toEqual(builder.build().toJSON());
  });

  it('a label column is not a feature: with a numeric prediction it fits the estimation reference (CBPE for 0/1 and probabilities, DLE otherwise)', () => {
    const binary = Array.from({ length: 400 }, (_, i) => {
      const p = ((i * 37) % 100) / 100;
      return { x: String(i % 13), prediction: String(p), churned: String(i % 100 < 100 * p ? 1 : 0) };
    });
    const { profile, plan } = profileFromSample(binary, { label: 'churned' });
    expect(plan.numeric).toEqual(['x']);
    expect(plan.ignored).toEqual([{ column: 'churned', why: 'the label' }]);
    expect(profile.performanceEstimation?.toJSON()).toMatchObject({ method: 'CBPE', rows: 400 });
    const regression = binary.map((r, i) => ({ ...r, prediction: String(i), churned: String(i + (i % 7)) }));
    expect(profileFromSample(regression, { label: 'churned' }).profile.performanceEstimation?.method).toBe(
      'DLE',
    );
    // Without labels there is no reference, and the problem is said.
    const few = profileFromSample(binary.slice(0, 10), { label: 'churned' });
    expect(few.profile.performanceEstimation).toBeNull();
    expect(few.estimationProblem).toMatch(/10 labelled rows/);
    expect(profileFromSample(binary, {}).profile.performanceEstimation).toBeNull();
  });
});
