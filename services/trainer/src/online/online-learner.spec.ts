import { LogisticRegression } from '@continuum/learning';
import { conceptStream } from '../../test/synthetic';
import { toTrainingExample } from '../core/training-example';
import { OnlineLearner } from './online-learner';

const features = { features: [0, 1, 2, 3, 4].map((j) => ({ name: `x${j}`, type: 'numeric' as const })) };
const stream = conceptStream({ modelId: 'm', count: 16_000, changeAt: 8_000, noise: 0.02, seed: 9 }).map(
  (e, i) => toTrainingExample(e, 0, i),
);

function learner(): OnlineLearner {
  return new OnlineLearner(
    new LogisticRegression({
      features,
      seed: 3,
      optimizer: { type: 'sgd', learningRate: 0.05 },
      engine: 'js',
    }),
    16,
  );
}

describe('OnlineLearner', () => {
  it('scores each micro-batch before learning it; the recent accuracy drops at a concept change and recovers', () => {
    const l = learner();
    for (const e of stream) l.add(e);
    const at = (n: number) => l.prequential.curve.find((p) => p.examples === n)!.recent;
    expect(l.examplesLearned).toBe(16_000);
    expect(at(8_000)).toBeGreaterThan(0.85);
    expect(at(9_000)).toBeLessThan(0.75);
    expect(at(16_000)).toBeGreaterThan(0.85);
    expect(l.metrics()).toMatchObject({ examples_learned: 16_000 });
  });

  it('restored from its encoded state, continues bit-identically (pending examples excluded)', () => {
    const uninterrupted = learner();
    for (const e of stream.slice(0, 5_000)) uninterrupted.add(e);
    const interrupted = learner();
    for (const e of stream.slice(0, 3_000)) interrupted.add(e);
    // 3,000 = 187 batches + 8 pending: the state covers 2,992 examples.
    expect(interrupted.pendingCount).toBe(8);
    const restored = OnlineLearner.restore(
      interrupted.encode({}),
      JSON.parse(JSON.stringify(interrupted.prequential)),
      16,
    );
    for (const e of stream.slice(2_992, 5_000)) restored.add(e);
    expect(restored.model.getParameters()).toEqual(uninterrupted.model.getParameters());
    expect(restored.prequential).toEqual(uninterrupted.prequential);
  });
});
