import { RegistryView, modelRegisteredEvent } from '@continuum/registry';
import { configuredOrRegisteredTask, inferTask } from './task';

describe('configuredOrRegisteredTask', () => {
  const registry = new RegistryView();
  registry.apply(
    modelRegisteredEvent(
      { eventId: 'e1', occurredAt: 1, actor: 't', sequence: 1 },
      { modelId: 'price', task: 'REGRESSION', features: [], owner: 'team', policyRef: null },
    ),
  );

  it("takes the registered contract's task where the first pair would have been guessed wrong", () => {
    // A regression model whose first prediction is 0.4 and first label 1 looks binary.
    expect(inferTask({ score: 0.4, predictedClass: null, classProbabilities: {} }, 1)).toEqual({
      task: 'BINARY_CLASSIFICATION',
    });
    expect(configuredOrRegisteredTask(new Map(), registry).get('price')).toBe('REGRESSION');
  });

  it('lets the configured override win, and leaves unregistered models to inference', () => {
    const tasks = configuredOrRegisteredTask(
      new Map([['price', 'BINARY_CLASSIFICATION' as const]]),
      registry,
    );
    expect(tasks.get('price')).toBe('BINARY_CLASSIFICATION');
    expect(tasks.get('unknown')).toBeUndefined();
  });
});
