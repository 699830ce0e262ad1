import { driftReport, performanceReport, T0 } from '../../test/report-fixtures';
import { RetrainEngine } from '../engine/retrain-engine';
import { validatePolicy } from '../policy/policy-validation';
import { ModelStateContract } from './model-state.contract';

describe('ModelState checkpoint contract', () => {
  it('round-trips every part of a model state through Avro', () => {
    const engine = new RetrainEngine(
      validatePolicy(
        {
          models: {
            churn: {
              schedule: { cron: '0 * * * *' },
              performance: { metric: 'accuracy', threshold: 0.8, consecutiveWindows: 2 },
              conceptDrift: {},
              drift: { minDriftedFeatures: 1 },
            },
          },
        },
        'test',
      ),
    );
    engine.onScheduleTick('churn', T0);
    engine.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.5 }), T0);
    engine.onDriftReport(driftReport('churn', 0, 4, { predictionDrifted: true }), T0); // opens a pending request
    engine.onPerformanceReport(performanceReport('churn', 1, { accuracy: 0.5 }, { conceptDrift: 1 }), T0);
    const [state] = engine.takeDirty();
    expect(state.pending?.signals.map((s) => s.reason)).toEqual([
      'DATA_DRIFT',
      'PERFORMANCE',
      'CONCEPT_DRIFT',
    ]);
    expect(state.performance[0].breachEvidence).toHaveLength(2);
    expect(state.lastScheduledSlot).not.toBeNull();

    const decoded = ModelStateContract.type.fromBuffer(ModelStateContract.type.toBuffer(state));
    expect(decoded).toEqual(state);
  });
});
