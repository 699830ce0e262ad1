import { ReferenceProfile } from '@continuum/drift';
import { type DriftReport } from '@continuum/events';
import { loadServingModel } from '@continuum/learning';
import { CITIES, HousingMarket, PRICE_NOISE } from './house-prices';
import { MODEL_ID, driftedInputs, trainV1 } from './house-prices-demo';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the demo's v1", () => {
  const market = new HousingMarket(3);
  const v1 = trainV1(market.sales(1000, 'before'));

  it('learns the market before the shift: its error on new sales is the price noise', () => {
    const model = loadServingModel(v1.bytes);
    const test = market.sales(2000, 'before');
    const predicted = model.predict(test.map((s) => ({ numeric: s.numeric, categorical: { city: s.city } })));
    const mae = mean(test.map((s, i) => Math.abs((predicted[i].score as number) - s.price)));
    // The mean absolute value of N(0, σ) is 0.80 σ; a fitted linear model adds little to it.
    expect(mae).toBeGreaterThan(0.7 * PRICE_NOISE);
    expect(mae).toBeLessThan(0.9 * PRICE_NOISE);
  });

  it('is registered with a reference of its training sales, one per city, within the KS-tested size', () => {
    const profile = ReferenceProfile.fromJSON(v1.profile as never);
    expect(profile.segmentValues('city')).toEqual(expect.arrayContaining([...CITIES]));
    expect(profile.toJSON().rows).toBe(1000);
    expect(loadServingModel(v1.bytes).metadata.modelId).toBe(MODEL_ID);
  });
});

describe('drifted inputs of a per-city report', () => {
  const feature = (name: string, drifted: boolean) =>
    ({ feature: name, drifted }) as unknown as DriftReport['features'][number];

  it("leaves out the segment's own key, constant within the segment", () => {
    const report = {
      segment: 'city=lyon',
      features: [feature('city', true), feature('age', true), feature('sqm', false)],
    } as unknown as DriftReport;
    expect(driftedInputs(report)).toEqual(['age']);
  });

  it('keeps every drifted feature of all traffic', () => {
    const report = {
      segment: '*',
      features: [feature('city', true), feature('age', true)],
    } as unknown as DriftReport;
    expect(driftedInputs(report)).toEqual(['city', 'age']);
  });
});
