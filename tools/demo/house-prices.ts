/**
 * The demo's data: house sales per city, the example of the continuous-training article — a
 * regression model prices a home from its size, rooms, age, distance to the centre and city, and
 * the market then moves in some cities only.
 *
 * Before the shift every city draws its homes from the same distributions; only the price level
 * differs per city. After the shift, in SHIFTED_CITIES only:
 *   - prices jump by PRICE_JUMP (25 %) of the city's price level (every sale there costs that much
 *     more: a level shift, which a linear model with the city one-hot can learn back);
 *   - what sells changes: new-build districts, so `age` falls from about 40 years to about 5.
 * The other cities do not change at all, so the drift is per segment (city).
 *
 * Pure and seeded: the same seed gives the same listings, in any process.
 */
import { SeededRandom } from '@continuum/learning';

export const CITIES = ['paris', 'lyon', 'marseille', 'bordeaux'] as const;
export type City = (typeof CITIES)[number];

/** The cities whose market shifts. */
export const SHIFTED_CITIES: readonly City[] = ['lyon', 'bordeaux'];

/** The price jump in the shifted cities, as a fraction of the city's price level. */
export const PRICE_JUMP = 0.25;

/** Mean price of a typical home (70 m², 3 rooms, 40 years, 4 km out) per city, in k€. */
export const PRICE_LEVEL: Readonly<Record<City, number>> = {
  paris: 720,
  lyon: 430,
  marseille: 310,
  bordeaux: 390,
};

/** k€ per unit of each feature around the typical home. */
const SLOPES = { sqm: 3.2, rooms: 12, age: -1.5, distance: -9 } as const;
const TYPICAL = { sqm: 70, rooms: 3, age: 40, distance: 4 } as const;
/** Standard deviation of a sale's price around the model, in k€ (what no model can explain). */
export const PRICE_NOISE = 15;

export const NUMERIC_FEATURES = ['sqm', 'rooms', 'age', 'distance'] as const;
export type NumericFeature = (typeof NUMERIC_FEATURES)[number];

export type MarketPhase = 'before' | 'after';

/** One home sold: what the model sees, and the price it sold for (the label), in k€. */
export interface Sale {
  readonly city: City;
  readonly numeric: Readonly<Record<NumericFeature, number>>;
  readonly price: number;
}

export function isShifted(city: City): boolean {
  return SHIFTED_CITIES.includes(city);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The market: sales drawn from a seeded stream. */
export class HousingMarket {
  private readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  private normal(): number {
    return this.random.normal();
  }

  /** One sale in `city`, before or after the market shift. */
  sale(city: City, phase: MarketPhase): Sale {
    const shifted = phase === 'after' && isShifted(city);
    const sqm = round1(clamp(70 + 22 * this.normal(), 18, 250));
    const rooms = clamp(Math.round(sqm / 23 + 0.7 * this.normal()), 1, 9);
    const age = round1(
      shifted ? clamp(5 + 3 * this.normal(), 0, 20) : clamp(40 + 22 * this.normal(), 0, 150),
    );
    const distance = round1(clamp(4 + 2.5 * this.normal(), 0.2, 30));
    const numeric = { sqm, rooms, age, distance };
    return { city, numeric, price: priceOf(city, numeric, shifted) + PRICE_NOISE * this.normal() };
  }

  /** `count` sales spread evenly over the cities (city i % CITIES.length), in that order. */
  sales(count: number, phase: MarketPhase): Sale[] {
    return Array.from({ length: count }, (_, i) => this.sale(CITIES[i % CITIES.length], phase));
  }
}

/** The expected price of a home (no noise), in k€. */
export function priceOf(city: City, x: Readonly<Record<NumericFeature, number>>, shifted: boolean): number {
  let price = PRICE_LEVEL[city] * (shifted ? 1 + PRICE_JUMP : 1);
  for (const f of NUMERIC_FEATURES) price += SLOPES[f] * (x[f] - TYPICAL[f]);
  return price;
}
