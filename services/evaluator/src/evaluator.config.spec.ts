import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig } from '@continuum/config';
import { evaluatorConfigSpec, loadEvaluatorConfig } from './evaluator.config';

describe('evaluator configuration', () => {
  it('is documented in the README exactly as the spec describes it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(evaluatorConfigSpec));
  });

  it('has the defaults of the design', () => {
    const c = loadEvaluatorConfig({});
    expect(c.labelHorizonMs).toBe(90 * 86_400_000);
    expect(c.windowMs).toBe(3_600_000);
    expect(c.allowedLatenessMs).toBe(0);
    expect(c.detector).toBe('ADWIN');
    expect(c.modelTasks.size).toBe(0);
  });

  it('reads durations, detector and task overrides', () => {
    const c = loadEvaluatorConfig({
      EVALUATOR_LABEL_HORIZON: '7d',
      EVALUATOR_WINDOW: '15m',
      EVALUATOR_DETECTOR: 'PageHinkley',
      EVALUATOR_MODEL_TASKS: 'churn=BINARY_CLASSIFICATION, demand=REGRESSION',
    });
    expect([c.labelHorizonMs, c.windowMs, c.detector]).toEqual([7 * 86_400_000, 900_000, 'PageHinkley']);
    expect([...c.modelTasks]).toEqual([
      ['churn', 'BINARY_CLASSIFICATION'],
      ['demand', 'REGRESSION'],
    ]);
  });

  it('names every bad variable in one error', () => {
    expect(() =>
      loadEvaluatorConfig({
        EVALUATOR_WINDOW: 'hourly',
        EVALUATOR_DETECTOR: 'magic',
        EVALUATOR_MODEL_TASKS: 'churn=CLASSIFY',
      }),
    ).toThrow(
      /EVALUATOR_WINDOW="hourly"[\s\S]*EVALUATOR_DETECTOR="magic"[\s\S]*EVALUATOR_MODEL_TASKS="churn=CLASSIFY" item 'churn=CLASSIFY' must be modelId=/,
    );
  });
});
