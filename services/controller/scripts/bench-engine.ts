/**
 * Policy-engine benchmark (pure, no Kafka): reports per second through the triggers and guards,
 * schedule checks per second, and the size of a model's checkpoint. The machine is shared, so
 * the figures are noisy; run it twice. Usage: npm run bench -w @continuum/controller-service
 */
import { performance as perf } from 'node:perf_hooks';
import { RetrainEngine } from '../src/engine/retrain-engine';
import { validatePolicy } from '../src/policy/policy-validation';
import { ModelStateContract } from '../src/state/model-state.contract';
import { T0, driftReport, performanceReport } from '../test/report-fixtures';
import { memoryMiB, reportResult } from '../../../bench/lib/results';

const MODELS = 200;
const WINDOWS = 500;

const models: Record<string, unknown> = {};
for (let m = 0; m < MODELS; m++) models[`model-${m}`] = {};
const policy = validatePolicy(
  {
    defaults: {
      cooldown: '1h',
      dedupInterval: '30s',
      schedule: { cron: '0 3 * * 1', timezone: 'Europe/Paris' },
      performance: { metric: 'accuracy', threshold: 0.8, consecutiveWindows: 3 },
      conceptDrift: {},
      drift: { minDriftedFeatures: 2 },
    },
    models,
  },
  'bench',
);

function run(): void {
  const engine = new RetrainEngine(policy);
  // Pre-build the reports so that only the engine is timed; 20 features per drift report.
  const drift = [];
  const performance = [];
  for (let w = 0; w < WINDOWS; w++) {
    for (let m = 0; m < MODELS; m++) {
      const id = `model-${m}`;
      drift.push(driftReport(id, w, (w + m) % 7 === 0 ? 3 : 0));
      performance.push(
        performanceReport(
          id,
          w,
          { accuracy: (w + m) % 11 < 4 ? 0.7 : 0.9 },
          { conceptDrift: (w * m) % 97 === 0 ? 1 : 0 },
        ),
      );
    }
  }
  let emitted = 0;
  const start = perf.now();
  for (let i = 0; i < drift.length; i++) {
    const now = T0 + Math.floor(i / MODELS) * 60_000;
    engine.onDriftReport(drift[i], now);
    engine.onPerformanceReport(performance[i], now);
    if (i % MODELS === MODELS - 1) {
      for (const r of engine.dueRequests(now + 30_000)) {
        engine.recordEmitted(r);
        emitted++;
      }
      engine.takeDirty();
    }
  }
  const reportsMs = perf.now() - start;
  const reports = drift.length + performance.length;

  const tickStart = perf.now();
  let ticks = 0;
  // One simulated hour of 1 s ticks, crossing no slot: the steady state between slots.
  for (let t = 0; t < 3600; t++) {
    for (let m = 0; m < MODELS; m++, ticks++) engine.onScheduleTick(`model-${m}`, T0 + t * 1000);
  }
  const tickMs = perf.now() - tickStart;

  const sizes = [...policy.models.keys()].map(
    (id) => ModelStateContract.type.toBuffer(engine.stateOf(id)).length,
  );
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(
    `reports: ${reports} (${MODELS} models x ${WINDOWS} windows x drift+performance) in ${reportsMs.toFixed(0)} ms = ` +
      `${Math.round(reports / (reportsMs / 1000)).toLocaleString('en-US')} reports/s; ${emitted} requests emitted`,
  );
  console.log(
    `schedule checks: ${ticks} in ${tickMs.toFixed(0)} ms = ${Math.round(ticks / (tickMs / 1000)).toLocaleString('en-US')}/s ` +
      `(one simulated hour of 1 s ticks for every model)`,
  );
  console.log(
    `checkpoint size per model: median ${sizes.sort((a, b) => a - b)[sizes.length >> 1]} B, max ${sizes[sizes.length - 1]} B (Avro); ` +
      `heap after run ${heapMb.toFixed(0)} MB (includes the ${reports} pre-built reports)`,
  );
  reportResult({
    bench: 'controller',
    name: `retrain engine: drift + performance reports (${MODELS} models, in memory)`,
    role: 'component',
    eventsPerSec: reports / (reportsMs / 1000),
    ...memoryMiB(),
    note: `reports/s; ${emitted} requests emitted; heap includes the ${reports} pre-built reports`,
  });
}

run();
