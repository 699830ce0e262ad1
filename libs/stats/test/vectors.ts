/**
 * Test helpers: load the committed reference vectors and compare numbers with a tolerance.
 * The special-function, hypothesis-test and detector vectors are written by one generator,
 * libs/drift/vectors/generate.py (SciPy, NumPy, River; the test run itself needs no Python), so
 * they stay beside it; libs/stats's and libs/drift's specs both read them from there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const VECTORS = join(__dirname, '..', '..', 'drift', 'vectors');

/** Decodes the string encodings generate.py uses for non-finite numbers. */
function revive(_key: string, value: unknown): unknown {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadVectors(name: 'special' | 'statistics' | 'ks-exact' | 'detectors'): any {
  return JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8'), revive);
}

/**
 * |actual - expected| <= rel * |expected| + abs. Returns a message on failure so a loop over vectors
 * can report which case broke.
 */
export function closeTo(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

/** Collects mismatches over a whole vector file and fails once with all of them listed. */
export class Mismatches {
  private readonly items: string[] = [];
  check(label: string, actual: number, expected: number, rel: number, abs = 0): void {
    if (!closeTo(actual, expected, rel, abs)) {
      this.items.push(`${label}: got ${actual}, expected ${expected} (diff ${actual - expected})`);
    }
  }
  equal<T>(label: string, actual: T, expected: T): void {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) this.items.push(`${label}: got ${a}, expected ${e}`);
  }
  get list(): string[] {
    return this.items;
  }
}
