import { type LabelledExample as ExampleEvent } from '@continuum/events';
import { SeededRandom } from '@continuum/learning';

export interface StreamOptions {
  modelId: string;
  count: number;
  features?: number;
  /** Index from which the concept changes (the label rule is flipped on half the features). */
  changeAt?: number;
  seed?: number;
  /** Event time of the first example and spacing (ms). */
  start?: number;
  stepMs?: number;
  /** Fraction of labels flipped at random. */
  noise?: number;
}

/**
 * A binary classification stream of ct.examples events: x ~ N(0, 1) per feature, label =
 * [w·x > 0] with w = (1, -1, 1, ...); from `changeAt` on, w's first half changes sign (a concept
 * change: the same inputs, other labels).
 */
export function conceptStream(options: StreamOptions): ExampleEvent[] {
  const d = options.features ?? 5;
  const random = new SeededRandom(options.seed ?? 7);
  const start = options.start ?? Date.now() - options.count * (options.stepMs ?? 1000);
  const step = options.stepMs ?? 1000;
  const out: ExampleEvent[] = [];
  for (let i = 0; i < options.count; i++) {
    const numeric: Record<string, number> = {};
    let score = 0;
    for (let j = 0; j < d; j++) {
      const x = random.normal();
      numeric[`x${j}`] = x;
      let w = j % 2 === 0 ? 1 : -1;
      if (options.changeAt !== undefined && i >= options.changeAt && j < Math.ceil(d / 2)) w = -w;
      score += w * x;
    }
    let label = score > 0 ? 1 : 0;
    if (options.noise && random.next() < options.noise) label = 1 - label;
    const t = start + i * step;
    out.push({
      eventId: `${options.modelId}-${i}`,
      modelId: options.modelId,
      modelVersion: '1',
      predictionTimestamp: t,
      labelTimestamp: t,
      entityId: null,
      numeric,
      categorical: {},
      segments: {},
      output: { score: null, predictedClass: null, classProbabilities: {} },
      label,
    });
  }
  return out;
}
