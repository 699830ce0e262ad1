import { type TrainingMode, type WindowStrategy } from '@continuum/events';
import { CronSchedule } from '../engine/schedule';
import {
  type FieldReader,
  INVALID,
  type Mapping,
  Problems,
  bool,
  duration,
  finiteNumber,
  integer,
  isMapping,
  mapping,
  oneOf,
  onlyKnownKeys,
  text,
  textList,
  trainingMode,
  windowStrategy,
} from './field-readers';
import { PolicyError } from './policy-error';
import {
  type BreachDirection,
  type ControllerPolicy,
  ESTIMATED_METRICS,
  type EstimatedMetricName,
  type EstimatedPerformancePolicy,
  type ModelPolicy,
  PERFORMANCE_METRICS,
  type PerformanceMetric,
  type RequestSettings,
} from './policy';

/**
 * The policy file's shape. A nested object is a section; `toggle` sections are triggers, which
 * `enabled: false` (or `null`/`false` in place of the section) turns off.
 */
interface Section {
  toggle?: boolean;
  fields: Record<string, FieldReader<unknown> | Section>;
}

const request: Section = { fields: { window: windowStrategy, mode: trainingMode } };

const POLICY_SHAPE: Section = {
  fields: {
    name: text,
    cooldown: duration(0),
    dailyBudget: integer(1),
    dedupInterval: duration(0),
    request,
    schedule: {
      toggle: true,
      fields: { enabled: bool, cron: text, timezone: text, request },
    },
    performance: {
      toggle: true,
      fields: {
        enabled: bool,
        metric: oneOf(Object.keys(PERFORMANCE_METRICS) as PerformanceMetric[]),
        direction: oneOf(['below', 'above'] as const),
        threshold: finiteNumber(),
        consecutiveWindows: integer(1),
        minLabelled: integer(0),
        rearm: { fields: { margin: finiteNumber(0), cleanWindows: integer(1) } },
        estimated: {
          toggle: true,
          fields: {
            enabled: bool,
            metric: oneOf(ESTIMATED_METRICS),
            threshold: finiteNumber(),
            labelsMissingFor: duration(0),
            minLabelCoverage: finiteNumber(0, 1),
          },
        },
        request,
      },
    },
    conceptDrift: {
      toggle: true,
      fields: {
        enabled: bool,
        detectors: textList(true),
        rearmCleanReports: integer(1),
        request,
      },
    },
    drift: {
      toggle: true,
      fields: {
        enabled: bool,
        minDriftedFeatures: (raw, path, problems) => (raw === null ? null : integer(1)(raw, path, problems)),
        predictionDrift: bool,
        segments: textList(false),
        rearmCleanReports: integer(1),
        request,
      },
    },
  },
};

const DAY_MS = 86_400_000;

/** Values used when neither the model nor `defaults` sets them. Triggers are off unless a section names them. */
export const BUILT_IN_DEFAULTS: Readonly<Record<string, unknown>> = {
  cooldown: 6 * 3_600_000,
  dailyBudget: 4,
  dedupInterval: 30_000,
  'request.mode': 'FULL',
  'request.window': {
    kind: 'FIXED_DURATION',
    count: null,
    durationMs: 30 * DAY_MS,
    candidateCounts: [],
    holdoutCount: null,
  } satisfies WindowStrategy,
  'schedule.timezone': 'UTC',
  'performance.consecutiveWindows': 3,
  'performance.minLabelled': 1,
  'performance.rearm.margin': 0,
  'performance.rearm.cleanWindows': 3,
  'performance.estimated.labelsMissingFor': 6 * 3_600_000,
  'performance.estimated.minLabelCoverage': 0.5,
  'conceptDrift.detectors': [],
  'conceptDrift.rearmCleanReports': 3,
  'drift.minDriftedFeatures': 1,
  'drift.predictionDrift': true,
  'drift.segments': ['*'],
  'drift.rearmCleanReports': 3,
};

/** One field's value and where it was written (its path, for messages about the merged policy). */
interface Field {
  value: unknown;
  path: string;
  invalid?: true;
}

type Layer = Map<string, Field>;

/** Reads a section into dotted keys (`performance.rearm.margin`), recording each field's path. */
function readSection(
  raw: Mapping,
  shape: Section,
  path: string,
  keyPrefix: string,
  layer: Layer,
  problems: Problems,
): void {
  onlyKnownKeys(raw, path, Object.keys(shape.fields), problems);
  for (const [key, spec] of Object.entries(shape.fields)) {
    if (!(key in raw)) continue;
    const value = raw[key];
    const fieldPath = `${path}.${key}`;
    const fieldKey = `${keyPrefix}${key}`;
    if (typeof spec === 'function') {
      const read = spec(value, fieldPath, problems);
      layer.set(
        fieldKey,
        read === INVALID ? { value, path: fieldPath, invalid: true } : { value: read, path: fieldPath },
      );
      continue;
    }
    if (spec.toggle && (value === null || value === false || value === true)) {
      layer.set(`${fieldKey}.enabled`, { value: value === true, path: fieldPath });
      continue;
    }
    const section = mapping(value, fieldPath, problems);
    if (section === INVALID) {
      layer.set(`${fieldKey}.enabled`, { value: false, path: fieldPath, invalid: true });
      continue;
    }
    if (spec.toggle) layer.set(`${fieldKey}.present`, { value: true, path: fieldPath });
    readSection(section, spec, fieldPath, `${fieldKey}.`, layer, problems);
  }
}

/** The merged view of one model: its own fields, then `defaults`, then the built-in defaults. */
class MergedModel {
  constructor(
    readonly modelId: string,
    private readonly layers: Layer[],
    private readonly problems: Problems,
  ) {}

  field(key: string): Field | undefined {
    for (const layer of this.layers) {
      const f = layer.get(key);
      if (f) return f;
    }
    return undefined;
  }

  /** A section is on when the model or `defaults` names it and no layer turns it off first. */
  enabled(section: string): boolean {
    const named = this.layers.some((layer) =>
      [...layer.keys()].some((k) => k.startsWith(`${section}.`) && layer.get(k)?.path !== BUILT_IN),
    );
    return named && this.field(`${section}.enabled`)?.value !== false;
  }

  /** The field's value; undefined when it is missing (a problem, if `required`) or invalid (already reported). */
  get<T>(key: string, required = false): T | undefined {
    const f = this.field(key);
    if (!f) {
      if (required) {
        const section = key.slice(0, key.lastIndexOf('.'));
        this.problems.add(
          `models.${this.modelId}.${key}`,
          `is required (set it in models.${this.modelId}.${section} or defaults.${section})`,
        );
      }
      return undefined;
    }
    return f.invalid ? undefined : (f.value as T);
  }

  path(key: string): string {
    return this.field(key)?.path ?? `models.${this.modelId}.${key}`;
  }

  /** Trigger-specific request settings, else the model's, else the defaults'. */
  request(section: string | undefined): RequestSettings | undefined {
    const pick = <T>(name: string): T | undefined =>
      section !== undefined && this.field(`${section}.request.${name}`)
        ? this.get<T>(`${section}.request.${name}`)
        : this.get<T>(`request.${name}`);
    const window = pick<WindowStrategy>('window');
    const mode = pick<TrainingMode>('mode');
    return window && mode ? { window, mode } : undefined;
  }
}

const BUILT_IN = '(built-in default)';

function builtInLayer(): Layer {
  return new Map(Object.entries(BUILT_IN_DEFAULTS).map(([k, value]) => [k, { value, path: BUILT_IN }]));
}

function describeRange(min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `a number in [${min}, ${max}]`;
  if (Number.isFinite(min)) return `a number >= ${min}`;
  return `a number <= ${max}`;
}

/**
 * The `performance.estimated` block. Its metric defaults to the trigger's when the evaluator
 * estimates that metric, and its threshold to the trigger's when the metrics are the same; the
 * direction is the metric's own (an estimate's band is judged on the metric's natural side).
 */
function estimatedPolicy(
  m: MergedModel,
  realisedMetric: PerformanceMetric,
  realisedThreshold: number,
  problems: Problems,
): EstimatedPerformancePolicy | undefined {
  const estimable = (ESTIMATED_METRICS as readonly string[]).includes(realisedMetric);
  const ownMetric = m.get<EstimatedMetricName>('performance.estimated.metric');
  if (ownMetric === undefined && m.field('performance.estimated.metric')) return undefined; // invalid, reported
  if (ownMetric === undefined && !estimable) {
    problems.add(
      `models.${m.modelId}.performance.estimated.metric`,
      `is required: the evaluator does not estimate ${realisedMetric} without labels (estimated metrics: ${ESTIMATED_METRICS.join(', ')})`,
    );
    return undefined;
  }
  const metric = ownMetric ?? (realisedMetric as EstimatedMetricName);
  const ownThreshold = m.get<number>('performance.estimated.threshold');
  if (ownThreshold === undefined && m.field('performance.estimated.threshold')) return undefined;
  if (ownThreshold === undefined && metric !== realisedMetric) {
    problems.add(
      `models.${m.modelId}.performance.estimated.threshold`,
      `is required when the estimated metric (${metric}) differs from performance.metric (${realisedMetric})`,
    );
    return undefined;
  }
  const threshold = ownThreshold ?? realisedThreshold;
  const range = PERFORMANCE_METRICS[metric];
  if (threshold < range.min || threshold > range.max) {
    problems.add(
      m.path('performance.estimated.threshold'),
      `must be ${describeRange(range.min, range.max)} for metric ${metric} (got ${threshold})`,
    );
    return undefined;
  }
  const labelsMissingForMs = m.get<number>('performance.estimated.labelsMissingFor');
  const minLabelCoverage = m.get<number>('performance.estimated.minLabelCoverage');
  if (labelsMissingForMs === undefined || minLabelCoverage === undefined) return undefined;
  return { metric, direction: range.direction, threshold, labelsMissingForMs, minLabelCoverage };
}

function assemble(m: MergedModel, problems: Problems): ModelPolicy | undefined {
  const before = problems.items.length;
  const id = m.modelId;
  const base = {
    modelId: id,
    name: m.get<string>('name') ?? `policy:${id}`,
    cooldownMs: m.get<number>('cooldown') ?? 0,
    dailyBudget: m.get<number>('dailyBudget') ?? 1,
    dedupIntervalMs: m.get<number>('dedupInterval') ?? 0,
    request: m.request(undefined),
  };

  let schedule: ModelPolicy['schedule'] = null;
  if (m.enabled('schedule')) {
    const cron = m.get<string>('schedule.cron', true);
    const timezone = m.get<string>('schedule.timezone');
    const settings = m.request('schedule');
    if (cron !== undefined && timezone !== undefined) {
      try {
        new CronSchedule(cron, 'UTC');
        try {
          new CronSchedule(cron, timezone);
          if (settings) schedule = { cron, timezone, request: settings };
        } catch {
          problems.add(
            m.path('schedule.timezone'),
            `must be an IANA timezone such as UTC or Europe/Paris (got '${timezone}')`,
          );
        }
      } catch (error) {
        problems.add(
          m.path('schedule.cron'),
          `is not a valid cron expression ('${cron}'): ${(error as Error).message}`,
        );
      }
    }
  }

  let performance: ModelPolicy['performance'] = null;
  if (m.enabled('performance')) {
    const metric = m.get<PerformanceMetric>('performance.metric', true);
    const threshold = m.get<number>('performance.threshold', true);
    const explicitDirection = m.get<BreachDirection>('performance.direction');
    const settings = m.request('performance');
    if (metric !== undefined && threshold !== undefined) {
      const range = PERFORMANCE_METRICS[metric];
      if (threshold < range.min || threshold > range.max) {
        problems.add(
          m.path('performance.threshold'),
          `must be ${describeRange(range.min, range.max)} for metric ${metric} (got ${threshold})`,
        );
      } else if (settings) {
        const estimated = m.enabled('performance.estimated')
          ? estimatedPolicy(m, metric, threshold, problems)
          : null;
        performance = {
          metric,
          direction: explicitDirection ?? range.direction,
          threshold,
          consecutiveWindows: m.get<number>('performance.consecutiveWindows') ?? 1,
          minLabelled: m.get<number>('performance.minLabelled') ?? 0,
          rearm: {
            margin: m.get<number>('performance.rearm.margin') ?? 0,
            cleanWindows: m.get<number>('performance.rearm.cleanWindows') ?? 1,
          },
          estimated: estimated ?? null,
          request: settings,
        };
      }
    }
  }

  let conceptDrift: ModelPolicy['conceptDrift'] = null;
  if (m.enabled('conceptDrift')) {
    const settings = m.request('conceptDrift');
    const detectors = m.get<string[]>('conceptDrift.detectors');
    const rearmCleanReports = m.get<number>('conceptDrift.rearmCleanReports');
    if (settings && detectors && rearmCleanReports) {
      conceptDrift = {
        detectors: detectors.map((d) => d.toUpperCase()),
        rearmCleanReports,
        request: settings,
      };
    }
  }

  let drift: ModelPolicy['drift'] = null;
  if (m.enabled('drift')) {
    const settings = m.request('drift');
    const minDriftedFeatures = m.get<number | null>('drift.minDriftedFeatures');
    const predictionDrift = m.get<boolean>('drift.predictionDrift');
    const segments = m.get<string[]>('drift.segments');
    const rearmCleanReports = m.get<number>('drift.rearmCleanReports');
    if (minDriftedFeatures === null && predictionDrift === false) {
      problems.add(
        `models.${id}.drift`,
        'can never trigger: minDriftedFeatures is null and predictionDrift is false (set enabled: false to turn it off)',
      );
    } else if (
      settings &&
      minDriftedFeatures !== undefined &&
      predictionDrift !== undefined &&
      segments &&
      rearmCleanReports
    ) {
      drift = { minDriftedFeatures, predictionDrift, segments, rearmCleanReports, request: settings };
    }
  }

  if (problems.items.length > before || !base.request) return undefined;
  return { ...base, request: base.request, schedule, performance, conceptDrift, drift };
}

/**
 * Validates a parsed policy document (from YAML or JSON) and merges `defaults` into every model.
 * Throws PolicyError listing every problem, each naming its field path.
 */
export function validatePolicy(document: unknown, source: string): ControllerPolicy {
  const problems = new Problems();
  const root = mapping(document, '(policy file)', problems);
  if (root === INVALID) throw new PolicyError(source, problems.items);
  onlyKnownKeys(root, '', ['defaults', 'models'], problems);

  const defaults: Layer = new Map();
  if (root.defaults !== undefined && root.defaults !== null) {
    const section = mapping(root.defaults, 'defaults', problems);
    if (section !== INVALID) {
      if ('name' in section) problems.add('defaults.name', 'is per model; set it under models.<id>.name');
      const { name: _name, ...rest } = section;
      readSection(rest, POLICY_SHAPE, 'defaults', '', defaults, problems);
    }
  }

  const models = new Map<string, ModelPolicy>();
  if (root.models === undefined) {
    problems.add('models', 'is required: a mapping from model id to its policy');
  } else if (!isMapping(root.models) || Object.keys(root.models).length === 0) {
    problems.add('models', 'must map at least one model id to its policy');
  } else {
    for (const [modelId, raw] of Object.entries(root.models)) {
      const own: Layer = new Map();
      if (raw !== null && raw !== undefined) {
        const section = mapping(raw, `models.${modelId}`, problems);
        if (section !== INVALID) readSection(section, POLICY_SHAPE, `models.${modelId}`, '', own, problems);
      }
      const merged = new MergedModel(modelId, [own, defaults, builtInLayer()], problems);
      const policy = assemble(merged, problems);
      if (policy) models.set(modelId, policy);
    }
  }
  if (problems.items.length > 0) throw new PolicyError(source, [...new Set(problems.items)]);
  return { source, models };
}
