import { type Prediction } from '@continuum/events';

const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'BE'];

/** The benchmarks' prediction i: 20 numeric + 5 categorical features and a score, deterministic. */
export function benchPrediction(i: number): Prediction {
  const numeric: Record<string, number> = {};
  for (let f = 0; f < 20; f++) numeric[`num_${f}`] = Math.sin(i * (f + 1)) * 100;
  const categorical: Record<string, string> = {};
  for (let c = 0; c < 5; c++) categorical[`cat_${c}`] = COUNTRIES[(i * (c + 3)) % COUNTRIES.length];
  return {
    eventId: `evt-${i}`,
    modelId: 'bench-model',
    modelVersion: '1',
    timestamp: 1_700_000_000_000 + i,
    entityId: null,
    numeric,
    categorical,
    segments: { channel: i % 2 ? 'web' : 'app' },
    output: { score: (i % 1000) / 1000, predictedClass: null, classProbabilities: {} },
  };
}
