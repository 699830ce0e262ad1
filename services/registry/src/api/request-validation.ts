import {
  type FieldReader,
  INVALID,
  Problems,
  bool,
  finiteNumber,
  integerField,
  isMapping,
  mapping,
  oneOfField,
  onlyKnownKeys,
  showValue,
} from '@continuum/config';
import { type FeatureSpec, MODEL_ID_PATTERN } from '@continuum/events';
import {
  type ArtifactRef,
  type Lineage,
  MODEL_STAGES,
  MODEL_TASKS,
  type ModelStage,
  type ModelTask,
  type OffsetRange,
  TRAINING_STRATEGIES,
  type TrainingStrategy,
  type TrainingWindow,
} from '@continuum/registry';

/** Problems that remember the path of each, so that a 400 names the field at fault. */
export class FieldProblems extends Problems {
  readonly paths: string[] = [];

  override add(path: string, message: string): void {
    super.add(path, message);
    this.paths.push(path);
  }
}

export type Parsed<T> = { value: T } | { problems: FieldProblems };

/**
 * Model ids and versions: what a URL path, a Kafka key and an artifact-store key all accept — the
 * contract's rule (libs/events), which the consumers of predictions and labels apply too.
 */
export const ID_PATTERN = MODEL_ID_PATTERN;
const MAX_TEXT = 1000;
const MAX_FEATURES = 20_000;
const SHA256 = /^[0-9a-f]{64}$/;

function text(max = MAX_TEXT): FieldReader<string> {
  return (raw, path, problems) => {
    if (typeof raw === 'string' && raw.trim().length > 0 && raw.length <= max) return raw;
    problems.add(path, `must be a non-empty string of at most ${max} characters (got ${showValue(raw)})`);
    return INVALID;
  };
}

export const identifier: FieldReader<string> = (raw, path, problems) => {
  if (typeof raw === 'string' && ID_PATTERN.test(raw)) return raw;
  problems.add(
    path,
    `must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit (got ${showValue(raw)})`,
  );
  return INVALID;
};

/** Reads `body[key]` with `reader` when present; undefined when absent (or null). */
function optionalField<T>(
  body: Record<string, unknown>,
  key: string,
  reader: FieldReader<T>,
  problems: Problems,
  path = key,
) {
  const raw = body[key];
  if (raw === undefined || raw === null) return undefined;
  const value = reader(raw, path, problems);
  return value === INVALID ? undefined : value;
}

function requiredField<T>(
  body: Record<string, unknown>,
  key: string,
  reader: FieldReader<T>,
  problems: Problems,
  path = key,
) {
  if (body[key] === undefined || body[key] === null) {
    problems.add(path, 'is required');
    return undefined;
  }
  const value = reader(body[key], path, problems);
  return value === INVALID ? undefined : value;
}

function list<T>(item: FieldReader<T>, max: number): FieldReader<T[]> {
  return (raw, path, problems) => {
    if (!Array.isArray(raw) || raw.length > max) {
      problems.add(
        path,
        `must be a list of at most ${max} items (got ${Array.isArray(raw) ? `${raw.length} items` : showValue(raw)})`,
      );
      return INVALID;
    }
    const out: T[] = [];
    raw.forEach((r, i) => {
      const v = item(r, `${path}[${i}]`, problems);
      if (v !== INVALID) out.push(v);
    });
    return out.length === raw.length ? out : INVALID;
  };
}

function object(raw: unknown, path: string, problems: Problems, known: readonly string[]) {
  const m = mapping(raw, path, problems);
  if (m === INVALID) return INVALID;
  onlyKnownKeys(m, path, known, problems);
  return m;
}

const feature: FieldReader<FeatureSpec> = (raw, path, problems) => {
  const m = object(raw, path, problems, ['name', 'type', 'required', 'min', 'max', 'categories']);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  const name = requiredField(m, 'name', text(200), problems, `${path}.name`);
  const type = requiredField(
    m,
    'type',
    oneOfField(['NUMERIC', 'CATEGORICAL'] as const),
    problems,
    `${path}.type`,
  );
  const required = optionalField(m, 'required', bool, problems, `${path}.required`);
  const min = optionalField(m, 'min', finiteNumber(), problems, `${path}.min`);
  const max = optionalField(m, 'max', finiteNumber(), problems, `${path}.max`);
  const categories = optionalField(m, 'categories', list(text(200), 10_000), problems, `${path}.categories`);
  if (min !== undefined && max !== undefined && min > max)
    problems.add(`${path}.max`, `must be >= min (${min})`);
  if (problems.items.length > before || name === undefined || type === undefined) return INVALID;
  return {
    name,
    type,
    required: required ?? true,
    min: min ?? null,
    max: max ?? null,
    categories: categories ?? [],
  };
};

export interface CreateModelInput {
  modelId: string;
  task: ModelTask;
  features: FeatureSpec[];
  owner: string;
  policyRef: string | null;
}

function finish<T>(problems: FieldProblems, value: () => T): Parsed<T> {
  return problems.items.length > 0 ? { problems } : { value: value() };
}

function root(body: unknown, known: readonly string[], problems: FieldProblems) {
  if (!isMapping(body)) {
    problems.add(
      'body',
      `must be a JSON object with ${known.join(', ')} (got ${body === undefined ? 'no body' : showValue(body)})`,
    );
    return undefined;
  }
  onlyKnownKeys(body, '', known, problems);
  return body;
}

/** `POST /models` */
export function parseCreateModel(body: unknown): Parsed<CreateModelInput> {
  const problems = new FieldProblems();
  const b = root(body, ['modelId', 'task', 'contract', 'owner', 'policyRef'], problems);
  if (!b) return { problems };
  const modelId = requiredField(b, 'modelId', identifier, problems);
  const task = requiredField(b, 'task', oneOfField(MODEL_TASKS), problems);
  const owner = requiredField(b, 'owner', text(200), problems);
  const policyRef = optionalField(b, 'policyRef', text(500), problems);
  let features: FeatureSpec[] | undefined;
  if (b.contract === undefined || b.contract === null)
    problems.add('contract', 'is required: { "features": [...] }');
  else {
    const contract = object(b.contract, 'contract', problems, ['features']);
    if (contract !== INVALID) {
      features = requiredField(
        contract,
        'features',
        list(feature, MAX_FEATURES),
        problems,
        'contract.features',
      );
      const seen = new Set<string>();
      (features ?? []).forEach((f, i) => {
        if (seen.has(f.name)) problems.add(`contract.features[${i}].name`, `repeats feature '${f.name}'`);
        seen.add(f.name);
      });
    }
  }
  return finish(problems, () => ({
    modelId: modelId!,
    task: task!,
    features: features!,
    owner: owner!,
    policyRef: policyRef ?? null,
  }));
}

const offsetRange: FieldReader<OffsetRange> = (raw, path, problems) => {
  const m = object(raw, path, problems, ['topic', 'partition', 'fromOffset', 'toOffset']);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  const topic = requiredField(m, 'topic', text(249), problems, `${path}.topic`);
  const partition = requiredField(m, 'partition', integerField(0, 1_000_000), problems, `${path}.partition`);
  const fromOffset = requiredField(m, 'fromOffset', integerField(0), problems, `${path}.fromOffset`);
  const toOffset = requiredField(m, 'toOffset', integerField(0), problems, `${path}.toOffset`);
  if (fromOffset !== undefined && toOffset !== undefined && toOffset < fromOffset)
    problems.add(
      `${path}.toOffset`,
      `must be >= fromOffset (${fromOffset}); ranges are [fromOffset, toOffset)`,
    );
  if (problems.items.length > before) return INVALID;
  return { topic: topic!, partition: partition!, fromOffset: fromOffset!, toOffset: toOffset! };
};

const lineage: FieldReader<Lineage> = (raw, path, problems) => {
  const m = object(raw, path, problems, ['examples', 'seed', 'codeVersion', 'hyperParameters']);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  const examples = optionalField(m, 'examples', list(offsetRange, 100_000), problems, `${path}.examples`);
  const seed = optionalField(m, 'seed', integerField(Number.MIN_SAFE_INTEGER), problems, `${path}.seed`);
  const codeVersion = optionalField(m, 'codeVersion', text(200), problems, `${path}.codeVersion`);
  const hyperParameters = optionalField(m, 'hyperParameters', mapping, problems, `${path}.hyperParameters`);
  if (problems.items.length > before) return INVALID;
  return {
    examples: examples ?? [],
    seed: seed ?? null,
    codeVersion: codeVersion ?? null,
    hyperParameters: hyperParameters ?? {},
  };
};

const trainingWindow: FieldReader<TrainingWindow> = (raw, path, problems) => {
  const m = object(raw, path, problems, ['start', 'end', 'exampleCount']);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  const start = requiredField(m, 'start', integerField(0), problems, `${path}.start`);
  const end = requiredField(m, 'end', integerField(0), problems, `${path}.end`);
  const exampleCount = requiredField(m, 'exampleCount', integerField(0), problems, `${path}.exampleCount`);
  if (start !== undefined && end !== undefined && end < start)
    problems.add(`${path}.end`, `must be >= start (${start})`);
  if (problems.items.length > before) return INVALID;
  return { start: start!, end: end!, exampleCount: exampleCount! };
};

const metrics: FieldReader<Record<string, number>> = (raw, path, problems) => {
  const m = mapping(raw, path, problems);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  for (const [k, v] of Object.entries(m)) {
    if (k.length === 0 || k.length > 200)
      problems.add(path, `has a metric name that is empty or longer than 200 characters`);
    else finiteNumber()(v, `${path}.${k}`, problems);
  }
  return problems.items.length > before ? INVALID : (m as Record<string, number>);
};

export const artifactRef: FieldReader<ArtifactRef> = (raw, path, problems) => {
  const m = object(raw, path, problems, ['uri', 'sha256', 'size']);
  if (m === INVALID) return INVALID;
  const before = problems.items.length;
  const uri = requiredField(m, 'uri', text(2000), problems, `${path}.uri`);
  if (uri !== undefined && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(uri))
    problems.add(
      `${path}.uri`,
      `must be an absolute URI such as file:///… or s3://bucket/… (got ${showValue(uri)})`,
    );
  const sha256 = requiredField(m, 'sha256', text(64), problems, `${path}.sha256`);
  if (sha256 !== undefined && !SHA256.test(sha256))
    problems.add(`${path}.sha256`, 'must be 64 lowercase hex digits');
  const size = requiredField(m, 'size', integerField(0), problems, `${path}.size`);
  if (problems.items.length > before) return INVALID;
  return { uri: uri!, sha256: sha256!, size: size! };
};

export interface RegisterVersionInput {
  parentVersion: string | null;
  strategy: TrainingStrategy;
  lineage: Lineage | null;
  trainingWindow: TrainingWindow | null;
  metrics: Record<string, number>;
  /** The profile as received (validated by the command against libs/drift). */
  referenceProfile: Record<string, unknown> | null;
  artifact: ArtifactRef | null;
  idempotencyKey: string | null;
  stage: ModelStage;
  actor: string;
  reason: string | null;
}

/** `POST /models/{modelId}/versions` */
export function parseRegisterVersion(body: unknown): Parsed<RegisterVersionInput> {
  const problems = new FieldProblems();
  const b = root(
    body,
    [
      'parentVersion',
      'strategy',
      'lineage',
      'trainingWindow',
      'metrics',
      'referenceProfile',
      'artifact',
      'idempotencyKey',
      'stage',
      'actor',
      'reason',
    ],
    problems,
  );
  if (!b) return { problems };
  const strategy = requiredField(b, 'strategy', oneOfField(TRAINING_STRATEGIES), problems);
  const parentVersion = optionalField(b, 'parentVersion', identifier, problems);
  const lin = optionalField(b, 'lineage', lineage, problems);
  const window = optionalField(b, 'trainingWindow', trainingWindow, problems);
  const m = optionalField(b, 'metrics', metrics, problems);
  const referenceProfile = optionalField(b, 'referenceProfile', mapping, problems);
  const artifact = optionalField(b, 'artifact', artifactRef, problems);
  const idempotencyKey = optionalField(b, 'idempotencyKey', text(200), problems);
  const stage = optionalField(b, 'stage', oneOfField(['CANDIDATE', 'SHADOW', 'CHAMPION'] as const), problems);
  const actor = optionalField(b, 'actor', text(200), problems);
  const reason = optionalField(b, 'reason', text(), problems);
  return finish(problems, () => ({
    parentVersion: parentVersion ?? null,
    strategy: strategy!,
    lineage: lin ?? null,
    trainingWindow: window ?? null,
    metrics: m ?? {},
    referenceProfile: referenceProfile ?? null,
    artifact: artifact ?? null,
    idempotencyKey: idempotencyKey ?? null,
    stage: stage ?? 'CANDIDATE',
    actor: actor ?? 'api',
    reason: reason ?? null,
  }));
}

export interface ChangeStageInput {
  stage: ModelStage;
  expectedRevision: number | null;
  reason: string;
  actor: string;
  evidence: Record<string, unknown> | null;
}

/** `POST /models/{modelId}/versions/{version}/stage` */
export function parseChangeStage(body: unknown): Parsed<ChangeStageInput> {
  const problems = new FieldProblems();
  const b = root(body, ['stage', 'expectedRevision', 'reason', 'actor', 'evidence'], problems);
  if (!b) return { problems };
  const stage = requiredField(b, 'stage', oneOfField(MODEL_STAGES), problems);
  const expectedRevision = optionalField(b, 'expectedRevision', integerField(0), problems);
  const reason = requiredField(b, 'reason', text(), problems);
  const actor = requiredField(b, 'actor', text(200), problems);
  const evidence = optionalField(b, 'evidence', mapping, problems);
  return finish(problems, () => ({
    stage: stage!,
    expectedRevision: expectedRevision ?? null,
    reason: reason!,
    actor: actor!,
    evidence: evidence ?? null,
  }));
}

/** `POST /models/{modelId}/reference-profile`: sample rows to profile, typed by the model's contract. */
export interface ProfileSampleInput {
  rows: Array<Record<string, unknown>>;
  prediction?: string;
  /** The true-label column: fits the profile's performance-estimation reference (libs/drift). */
  label?: string;
  exclude: string[];
  segmentBy: string[];
  maxSegments?: number;
  bins?: number;
  maxCategories?: number;
}

const MAX_SAMPLE_ROWS = 1_000_000;

export function parseProfileSample(body: unknown): Parsed<ProfileSampleInput> {
  const problems = new FieldProblems();
  const b = root(
    body,
    ['rows', 'prediction', 'label', 'exclude', 'segmentBy', 'maxSegments', 'bins', 'maxCategories'],
    problems,
  );
  if (!b) return { problems };
  const rows = requiredField(b, 'rows', list(mapping, MAX_SAMPLE_ROWS), problems);
  if (rows !== undefined && rows.length === 0) problems.add('rows', 'must hold at least one row');
  const prediction = optionalField(b, 'prediction', text(200), problems);
  const label = optionalField(b, 'label', text(200), problems);
  const exclude = optionalField(b, 'exclude', list(text(200), 10_000), problems);
  const segmentBy = optionalField(b, 'segmentBy', list(text(200), 8), problems);
  const maxSegments = optionalField(b, 'maxSegments', integerField(1, 1000), problems);
  const bins = optionalField(b, 'bins', integerField(1, 1000), problems);
  const maxCategories = optionalField(b, 'maxCategories', integerField(1, 100_000), problems);
  return finish(problems, () => ({
    rows: rows!,
    prediction,
    label,
    exclude: exclude ?? [],
    segmentBy: segmentBy ?? [],
    maxSegments,
    bins,
    maxCategories,
  }));
}
