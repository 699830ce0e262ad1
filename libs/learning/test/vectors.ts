import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TimedExample } from '../src/example';

/** Test-vector helpers: read the fixtures that vectors/generate.py writes. */
export const VECTORS_DIR = join(__dirname, '..', 'vectors');

export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8')) as T;
}

export interface Stream {
  readonly features: string[];
  readonly examples: TimedExample[];
}

/** A committed River stream as domain examples (timestamp = row index, in seconds). */
export function readStream(name: string): Stream {
  const text = gunzipSync(readFileSync(join(VECTORS_DIR, 'streams', `${name}.csv.gz`))).toString('utf8');
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  const features = header.slice(0, -1);
  const examples = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const numeric: Record<string, number> = {};
    features.forEach((f, j) => (numeric[f] = Number(cells[j])));
    return { timestamp: i * 1000, numeric, label: Number(cells[cells.length - 1]) };
  });
  return { features, examples };
}

/** Examples with numeric features x0..x{d-1} from a row-major matrix. */
export function matrixExamples(
  X: readonly (readonly number[])[],
  y: readonly (number | string)[],
  weights?: readonly number[] | null,
): { label: number | string; numeric: Record<string, number>; weight?: number }[] {
  return X.map((row, i) => {
    const numeric: Record<string, number> = {};
    row.forEach((v, j) => (numeric[`x${j}`] = v));
    return weights ? { numeric, label: y[i], weight: weights[i] } : { numeric, label: y[i] };
  });
}

export function numericFeatures(d: number, standardize = true) {
  return {
    features: Array.from({ length: d }, (_, j) => ({ name: `x${j}`, type: 'numeric' as const, standardize })),
  };
}
