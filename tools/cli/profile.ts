/**
 * `continuum profile build`: a model's reference profile from a sample file in any language's
 * favourite format (CSV, JSON Lines, Parquet), built by the same ReferenceProfileBuilder the
 * trainer uses, so that a model trained elsewhere is monitored against its own training data.
 * The output follows libs/drift/schemas/reference-profile.schema.json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import {
  SampleColumnTypes,
  SampleEstimationRows,
  absentContractFeatures,
  planSampleColumns,
  sampleProfileBuilder,
  sampleRowEvent,
} from '@continuum/drift';
import { RegistryHttpError } from '@continuum/registry';
import {
  CommandFailure,
  type CommandIo,
  UsageError,
  parseCommandLine,
  subcommand,
  positiveIntegerOption,
  stringOption,
} from './command';
import { type ContractFile, parseContract, readContractFile } from './contract-file';
import {
  INPUT_FORMATS,
  type InputFormat,
  InputError,
  type ReadProgress,
  formatFromName,
  readRows,
} from './profile-io';
import { Progress, formatBytes } from './progress';
import { registryClient } from './registry-access';

export const PROFILE_USAGE = `usage: continuum profile build --input <file> --model <id> --out <profile.json> [options]

Builds the model's reference profile (the distribution drift is measured against) from a sample
of its training data, with the builder the trainer uses. Register it with the model's version:
continuum register <model> --contract ... --profile <profile.json>, or the registry's API.

  --input <file>         the sample: .csv (header row), .jsonl (one JSON object per line) or
                         .parquet (uncompressed or Snappy); --format overrides the extension
  --format <format>      ${INPUT_FORMATS.join(', ')}
  --model <id>           the model; its contract types the columns (read from the registry
                         unless --contract or --infer-types is given)
  --contract <file>      the contract as JSON ({"features": [...]}, see continuum register --help):
                         only its features are profiled, with its types
  --infer-types          no contract: a column is numeric when all its values are numbers
  --prediction <column>  the model's output column (default: 'prediction' if there is one)
  --segment-by <a,b,...> the monitor's segment tags (MONITOR_SEGMENT_KEYS): the profile then holds a
                         reference per value of each (the --max-segments most frequent, the rest
                         together), which a segment's windows are compared with; a tag column is a
                         feature too only if the contract lists it
  --max-segments <n>     values per segment tag with their own reference (default 20)
  --exclude <a,b,...>    columns that are not features (ids, labels, timestamps)
  --label <column>       the true label: not a feature; with a numeric prediction column the
                         profile also carries the performance-estimation reference (CBPE for 0/1
                         labels and probabilities, DLE otherwise), fitted on the first 20,000
                         labelled rows, so the evaluator estimates performance before labels
  --bins <n>             quantile bins per numeric feature (default 10)
  --max-categories <n>   categories tracked per categorical feature (default 100)
  --out <file>           where to write the profile JSON

Reads the sample twice (types, then the profile); progress goes to stderr. Memory grows with
rows × features (the builder keeps every numeric value to take exact quantiles).
Exit codes: 0 written, 1 failed (unreadable input, unknown model...), 2 usage.`;

export async function runProfileCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const called = subcommand('profile', args, ['build'], PROFILE_USAGE, io);
  if (typeof called === 'number') return called;
  const { rest } = called;
  const line = parseCommandLine(
    'profile build',
    rest,
    {
      input: { type: 'string' },
      format: { type: 'string' },
      model: { type: 'string' },
      contract: { type: 'string' },
      'infer-types': { type: 'boolean' },
      prediction: { type: 'string' },
      'segment-by': { type: 'string' },
      'max-segments': { type: 'string' },
      exclude: { type: 'string' },
      label: { type: 'string' },
      bins: { type: 'string' },
      'max-categories': { type: 'string' },
      out: { type: 'string' },
    },
    { names: [] },
  );
  if (line.help) {
    io.out(PROFILE_USAGE);
    return 0;
  }
  const input = stringOption(line, 'input');
  const model = stringOption(line, 'model');
  const out = stringOption(line, 'out');
  for (const [name, value] of [
    ['--input', input],
    ['--model', model],
    ['--out', out],
  ] as const) {
    if (!value) throw new UsageError(`profile build: ${name} is required`);
  }
  const formatText = stringOption(line, 'format') ?? formatFromName(input!);
  if (formatText === undefined)
    throw new UsageError(`profile build: cannot tell the format of ${input} from its name: pass --format`);
  if (!(INPUT_FORMATS as readonly string[]).includes(formatText))
    throw new UsageError(`--format must be one of ${INPUT_FORMATS.join(', ')} (got '${formatText}')`);
  const format = formatText as InputFormat;
  const contractPath = stringOption(line, 'contract');
  if (contractPath && line.values['infer-types'])
    throw new UsageError('profile build: --contract and --infer-types exclude each other');
  const maxSegments = positiveIntegerOption(line, 'max-segments') ?? 20;
  const bins = positiveIntegerOption(line, 'bins');
  const maxCategories = positiveIntegerOption(line, 'max-categories');
  const exclude = listOption(stringOption(line, 'exclude'));
  const segmentBy = listOption(stringOption(line, 'segment-by'));
  if (!existsSync(input!)) throw new CommandFailure(`the input ${input} does not exist`);

  let contract: ContractFile | undefined;
  if (contractPath) contract = readContractFile(contractPath);
  else if (!line.values['infer-types']) contract = await registeredContract(model!, env, io);

  const progress = new Progress(io);
  const report = (pass: string) => (p: ReadProgress) =>
    progress.update(
      p.unit === 'bytes'
        ? `profile ${pass}: ${formatBytes(p.done)} of ${formatBytes(p.total)} (${percent(p)})`
        : `profile ${pass}: ${p.done} of ${p.total} rows (${percent(p)})`,
    );
  try {
    const types = new SampleColumnTypes();
    let rows = 0;
    for await (const row of readRows(input!, format, report('pass 1/2, column types'))) {
      types.observe(row);
      rows++;
    }
    for (const key of segmentBy) {
      if (!types.columns.includes(key))
        throw new CommandFailure(`--segment-by ${key}: the sample has no such column`);
    }
    const label = stringOption(line, 'label');
    if (label !== undefined && !types.columns.includes(label))
      throw new CommandFailure(`--label ${label}: the sample has no such column`);
    const plan = planSampleColumns(types, {
      contract,
      prediction: stringOption(line, 'prediction'),
      segmentBy,
      exclude,
      label,
    });
    const predictionName = stringOption(line, 'prediction');
    if (predictionName !== undefined && !types.columns.includes(predictionName))
      throw new CommandFailure(`--prediction ${predictionName}: the sample has no such column`);
    if (plan.numeric.length + plan.categorical.length === 0)
      throw new CommandFailure(
        `no feature to profile in ${input} (${rows} rows; columns: ${types.columns.join(', ') || 'none'})`,
      );
    for (const { column, why } of plan.ignored) io.err(`left out ${column}: ${why}`);
    for (const name of absentContractFeatures(types, contract))
      io.err(`warning: contract feature ${name} is not in the sample (profiled as always missing)`);

    const overall = sampleProfileBuilder({ bins, maxCategories, segmentBy, maxSegments });
    const labelled = new SampleEstimationRows(plan);
    let done = 0;
    for await (const row of readRows(input!, format, report('pass 2/2, profile'))) {
      const event = sampleRowEvent(row, plan);
      overall.observe(event);
      labelled.observe(row, event);
      done++;
    }
    progress.update(`profile: ${done} rows read, building`, true);
    progress.done();

    let built = overall.build();
    if (label !== undefined) {
      const fitted = labelled.fit();
      if ('problem' in fitted) io.err(`no performance-estimation reference: ${fitted.problem}`);
      else built = built.withPerformanceEstimation(fitted.estimation);
    }
    const profile = built.toJSON();
    writeFileSync(out!, `${JSON.stringify(profile)}\n`);
    const prediction = plan.prediction
      ? `, prediction ${plan.prediction.column} (${plan.prediction.kind})`
      : '';
    io.out(
      `profile of ${model}: ${done} rows, ${plan.numeric.length} numeric and ${plan.categorical.length} categorical features${prediction} -> ${out}`,
    );
    if (profile.performanceEstimation)
      io.out(
        `  performance estimation: ${profile.performanceEstimation.method} fitted on ${profile.performanceEstimation.rows} labelled rows`,
      );
    for (const key of profile.segments ?? []) {
      const values = key.values.map((v) => `${v.value}=${v.rows}`).join(', ');
      io.out(`  segment references of ${key.key}: ${values}${key.other ? `, other=${key.other.rows}` : ''}`);
    }
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof InputError) throw new CommandFailure(error.message);
    throw error;
  }
}

/** The registered model's contract; undefined (types inferred) when the registry does not know the model. */
async function registeredContract(
  modelId: string,
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<ContractFile | undefined> {
  try {
    const model = await registryClient(env, io).getModel(modelId);
    if (!model.contract) {
      io.err(`${modelId} is registered without a contract: column types are inferred from the sample`);
      return undefined;
    }
    return parseContract(model.contract, `the registry's contract of ${modelId}`);
  } catch (error) {
    if (error instanceof RegistryHttpError && error.notFound) {
      io.err(`${modelId} is not registered: column types are inferred from the sample (or pass --contract)`);
      return undefined;
    }
    throw new CommandFailure(
      `cannot read the contract of ${modelId} from the registry (${(error as Error).message}); pass --contract <file> or --infer-types`,
    );
  }
}

function percent(p: ReadProgress): string {
  return p.total > 0 ? `${Math.floor((100 * p.done) / p.total)}%` : '-';
}

/** A comma-separated option as its non-empty items. */
function listOption(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
