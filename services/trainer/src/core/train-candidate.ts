import { PerformanceEstimation, ReferenceProfileBuilder, type ReferenceProfileJSON } from '@continuum/drift';
import {
  type EvaluationReport,
  type MetricsResult,
  type Model,
  type TimedExample,
  holdoutEvaluate,
  profileFromExamples,
  representativeSubsample,
  selectDynamicWindow,
} from '@continuum/learning';
import { createModel, fitOptions } from './model-factory';
import { TrainingFailure, type TrainingPlan } from './plan';
import { type CollectedWindow } from './window-collector';
import { type TrainingExample } from './training-example';

/** A trained candidate with everything its registration carries. */
export interface CandidateOutcome {
  model: Model;
  /** The examples it was trained on: count, event-time bounds and how they were chosen. */
  window: {
    strategy: string;
    count: number;
    start: number | null;
    end: number | null;
    details: Record<string, unknown>;
  };
  evaluation: {
    candidate: MetricsResult;
    champion: MetricsResult | null;
    persistence: MetricsResult;
    holdout: number;
  };
  /** Flat metrics for the registry: holdout_*, champion_*, persistence_*, examples. */
  metrics: Record<string, number>;
  profile: ReferenceProfileJSON;
}

function train(plan: TrainingPlan, examples: TimedExample[], champion: Model | null): Model {
  if (plan.strategy === 'WARM_START' && champion) {
    const model = champion.clone({ engine: 'js' });
    model.fineTune(examples, fitOptions(plan));
    return model;
  }
  const model = createModel(plan, examples as TrainingExample[]);
  model.fit(examples, fitOptions(plan));
  return model;
}

/** A metrics result as flat registry metrics (`holdout_accuracy`, `persistence_log_loss`...). */
export function flatMetrics(prefix: string, result: MetricsResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(result)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    out[`${prefix}_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`] = value;
  }
  return out;
}

/**
 * The model's outputs as the monitor reads predictions (services/monitor predictionValue): the
 * positive-class probability (binary), the value (regression), the class (multiclass).
 */
export function predictionValues(model: Model, examples: readonly TimedExample[]): Array<number | string> {
  if (model.task === 'binary') {
    const proba = model.predictProba(examples);
    return examples.map((_, i) => proba[2 * i + 1]);
  }
  const labels = model.predict(examples);
  return model.task === 'regression' ? (labels as number[]) : labels.map(String);
}

type ProfileFeature = { feature: string; kind: 'numeric' } | { feature: string; kind: 'categorical' };

function profileFeatures(examples: readonly TimedExample[]): ProfileFeature[] {
  const numeric = new Set<string>();
  const categorical = new Set<string>();
  for (const e of examples) {
    for (const n in e.numeric) numeric.add(n);
    for (const n in e.categorical) categorical.add(n);
  }
  return [
    ...[...numeric].sort().map((feature) => ({ feature, kind: 'numeric' as const })),
    ...[...categorical].sort().map((feature) => ({ feature, kind: 'categorical' as const })),
  ];
}

/**
 * Trains the plan's candidate on a collected window (pure: the same plan and window give
 * bit-identical weights), evaluates it on the hold-out next to the champion and the persistence
 * baseline, and builds its reference profile from its training data and its predictions on them.
 */
export function trainCandidate(
  plan: TrainingPlan,
  collected: CollectedWindow,
  champion: Model | null,
): CandidateOutcome {
  const { history, holdout } = collected;
  if (collected.seen === 0)
    throw new TrainingFailure('EMPTY_WINDOW', `no examples of model '${plan.modelId}' in the pinned ranges`);
  if (history.length === 0 || holdout.length === 0)
    throw new TrainingFailure(
      'EMPTY_WINDOW',
      `${collected.seen} example(s) of model '${plan.modelId}' in the window: too few for a training set and a hold-out`,
    );

  let model: Model;
  let trainSet: TimedExample[];
  let details: Record<string, unknown> = { sampled: collected.sampled, seen: collected.seen };
  let strategy = 'fixed';
  switch (plan.window.kind) {
    case 'DYNAMIC': {
      strategy = 'dynamic';
      const result = selectDynamicWindow([...history, ...holdout], {
        candidates: plan.window.candidateCounts.map((lastN) => ({ lastN })),
        holdout: { lastN: holdout.length },
        train: (examples) => train(plan, examples, champion),
        refit: false,
      });
      model = result.model;
      trainSet = result.selection.examples;
      details = {
        ...details,
        metric: result.metric,
        chosen: result.chosen.count,
        candidates: result.candidates.map((c) => ({ count: c.count, start: c.start, score: c.score })),
      };
      break;
    }
    case 'REPRESENTATIVE': {
      strategy = 'representative';
      const profile = profileFromExamples(holdout, profileFeatures(holdout));
      const method = plan.representative.method;
      const subsample = representativeSubsample(history, {
        profile,
        size:
          method === 'weights' ? undefined : Math.min(plan.window.count ?? history.length, history.length),
        method,
        stratifyBy: plan.representative.stratifyBy.length > 0 ? plan.representative.stratifyBy : undefined,
        seed: plan.seed,
      });
      trainSet = subsample.examples;
      if (trainSet.length === 0)
        throw new TrainingFailure('EMPTY_WINDOW', 'the representative subsample selected no example');
      model = train(plan, trainSet, champion);
      details = { ...details, method, psiBefore: subsample.psiBefore, psiAfter: subsample.psiAfter };
      break;
    }
    default:
      trainSet = history;
      model = train(plan, trainSet, champion);
  }

  const candidate = holdoutEvaluate(model, holdout, { context: trainSet });
  let championReport: EvaluationReport | null = null;
  if (champion) championReport = holdoutEvaluate(champion, holdout, { context: trainSet });
  const persistence = candidate.baselines.persistence;
  const metrics: Record<string, number> = {
    ...flatMetrics('holdout', candidate.model),
    ...flatMetrics('persistence', persistence),
    ...(championReport ? flatMetrics('champion', championReport.model) : {}),
    train_examples: trainSet.length,
    holdout_examples: holdout.length,
    window_examples: collected.seen,
  };

  // Per-segment references for every segment tag the examples carry (none: no segments in the profile).
  const builder = new ReferenceProfileBuilder({ segments: { keys: 'all' } });
  const chunk = 4096;
  for (let i = 0; i < trainSet.length; i += chunk) {
    const slice = trainSet.slice(i, i + chunk);
    const predictions = predictionValues(model, slice);
    slice.forEach((e, j) =>
      builder.observe({
        numeric: e.numeric,
        categorical: e.categorical,
        prediction: predictions[j],
        segments: (e as Partial<TrainingExample>).segments,
      }),
    );
  }

  const estimation = performanceEstimation(model, holdout);
  const profile = builder.build();

  return {
    model,
    window: {
      strategy,
      count: trainSet.length,
      start: trainSet[0]?.timestamp ?? null,
      end: trainSet[trainSet.length - 1]?.timestamp ?? null,
      details,
    },
    evaluation: {
      candidate: candidate.model,
      champion: championReport?.model ?? null,
      persistence,
      holdout: holdout.length,
    },
    metrics,
    profile: (estimation ? profile.withPerformanceEstimation(estimation) : profile).toJSON(),
  };
}

/**
 * The label-free performance estimation reference, fitted on the hold-out (labelled rows the model
 * was not trained on, as NannyML's reference period): CBPE for a binary classifier, DLE for a
 * regression model; null for a multiclass model (CBPE is binary here) or a hold-out that cannot
 * fit one (too few rows, a single class: the version then reports no estimates).
 */
export function performanceEstimation(
  model: Model,
  holdout: readonly TimedExample[],
): PerformanceEstimation | null {
  if (holdout.length < MIN_ESTIMATION_ROWS) return null;
  const outputs = predictionValues(model, holdout) as number[];
  const labels = holdout.map((e) => Number(e.label));
  if (!labels.every(Number.isFinite)) return null;
  if (model.task === 'binary') {
    if (new Set(labels).size < 2) return null;
    return PerformanceEstimation.fitBinary(outputs, labels);
  }
  if (model.task === 'regression') {
    const rows = holdout.map((e, i) => ({
      score: outputs[i],
      numeric: e.numeric,
      categorical: e.categorical,
    }));
    return PerformanceEstimation.fitRegression(rows, labels);
  }
  return null;
}

/** Fewer labelled rows give sampling-error components too noisy to draw a band from. */
const MIN_ESTIMATION_ROWS = 50;
