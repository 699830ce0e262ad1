/** A small model's reference profile and event generator shared by the window and report tests. */
import { ReferenceProfile } from '../src/profile/reference-profile';
import type { ObservedEvent } from '../src/profile/profile-types';
import { TestRandom } from './random';

export const CITIES = ['paris', 'lyon', 'nice', 'lille'];

export function referenceProfile(rows = 5000, seed = 1): ReferenceProfile {
  const r = new TestRandom(seed);
  return ReferenceProfile.fromColumns({
    numeric: {
      age: Array.from({ length: rows }, () => r.normal(40, 10)),
      income: Array.from({ length: rows }, () => Math.exp(r.normal(10, 0.5))),
      rooms: Array.from({ length: rows }, () => 1 + r.int(4)),
    },
    categorical: {
      city: Array.from({ length: rows }, () => r.pick(CITIES)),
      plan: Array.from({ length: rows }, () => (r.next() < 0.3 ? 'pro' : 'free')),
    },
    prediction: Array.from({ length: rows }, () => r.next()),
  });
}

/** Events like the reference, with `shift` moving age and the city mix. */
export function events(n: number, seed: number, shift = 0): ObservedEvent[] {
  const r = new TestRandom(seed);
  return Array.from({ length: n }, () => ({
    numeric: { age: r.normal(40 + shift * 10, 10), income: Math.exp(r.normal(10, 0.5)), rooms: 1 + r.int(4) },
    categorical: { city: r.next() < shift ? 'paris' : r.pick(CITIES), plan: r.next() < 0.3 ? 'pro' : 'free' },
    prediction: r.next(),
  }));
}
