import { kolmogorovSmirnovTest } from '@continuum/stats';
import {
  CITIES,
  type City,
  HousingMarket,
  NUMERIC_FEATURES,
  PRICE_JUMP,
  PRICE_LEVEL,
  PRICE_NOISE,
  SHIFTED_CITIES,
  type Sale,
  priceOf,
} from './house-prices';

const N = 4000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const inCity = (sales: Sale[], city: City) => sales.filter((s) => s.city === city);
const residuals = (sales: Sale[], shifted: boolean) =>
  sales.map((s) => s.price - priceOf(s.city, s.numeric, shifted));

describe('the housing market of the demo', () => {
  it('is seeded: the same seed gives the same sales, another seed others', () => {
    expect(new HousingMarket(7).sales(50, 'after')).toEqual(new HousingMarket(7).sales(50, 'after'));
    expect(new HousingMarket(8).sales(50, 'after')).not.toEqual(new HousingMarket(7).sales(50, 'after'));
  });

  it('spreads sales evenly over the cities, in order', () => {
    const sales = new HousingMarket(1).sales(12, 'before');
    expect(sales.map((s) => s.city)).toEqual([...CITIES, ...CITIES, ...CITIES]);
  });

  it('draws every city from the same feature distributions before the shift', () => {
    const sales = new HousingMarket(11).sales(N, 'before');
    for (const feature of NUMERIC_FEATURES) {
      const paris = inCity(sales, 'paris').map((s) => s.numeric[feature]);
      for (const city of CITIES.slice(1)) {
        const other = inCity(sales, city).map((s) => s.numeric[feature]);
        // Same distribution: a two-sample KS test finds no difference at 1 %.
        expect(kolmogorovSmirnovTest(paris, other).pValue).toBeGreaterThan(0.01);
      }
    }
  });

  it('prices each city at its level, plus noise of the stated size, before the shift', () => {
    const sales = new HousingMarket(12).sales(N, 'before');
    for (const city of CITIES) {
      const r = residuals(inCity(sales, city), false);
      expect(Math.abs(mean(r))).toBeLessThan(2);
      const sd = Math.sqrt(mean(r.map((x) => x * x)));
      expect(sd).toBeGreaterThan(0.9 * PRICE_NOISE);
      expect(sd).toBeLessThan(1.1 * PRICE_NOISE);
    }
  });

  it('after the shift, moves the shifted cities only: prices up by PRICE_JUMP of their level, age down', () => {
    const before = new HousingMarket(13).sales(N, 'before');
    const after = new HousingMarket(14).sales(N, 'after');
    for (const city of CITIES) {
      const shifted = SHIFTED_CITIES.includes(city);
      const b = inCity(before, city);
      const a = inCity(after, city);
      // The price model: the same slopes, the level raised in the shifted cities.
      expect(Math.abs(mean(residuals(a, shifted)))).toBeLessThan(2);
      const jump = mean(
        a.map((s) => priceOf(s.city, s.numeric, shifted) - priceOf(s.city, s.numeric, false)),
      );
      expect(jump).toBeCloseTo(shifted ? PRICE_JUMP * PRICE_LEVEL[city] : 0, 6);
      // age moves in the shifted cities only; the other features nowhere.
      for (const feature of NUMERIC_FEATURES) {
        const test = kolmogorovSmirnovTest(
          b.map((s) => s.numeric[feature]),
          a.map((s) => s.numeric[feature]),
        );
        if (shifted && feature === 'age') expect(test.pValue).toBeLessThan(1e-6);
        else expect(test.pValue).toBeGreaterThan(0.01);
      }
      if (shifted) expect(mean(a.map((s) => s.numeric.age))).toBeLessThan(8);
    }
  });

  it('keeps every feature in a plausible range', () => {
    for (const s of new HousingMarket(15).sales(N, 'after')) {
      expect(s.numeric.sqm).toBeGreaterThanOrEqual(18);
      expect(s.numeric.rooms).toBeGreaterThanOrEqual(1);
      expect(s.numeric.age).toBeGreaterThanOrEqual(0);
      expect(s.numeric.distance).toBeGreaterThan(0);
      expect(Number.isFinite(s.price)).toBe(true);
    }
  });
});
