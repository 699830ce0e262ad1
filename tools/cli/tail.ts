/**
 * `continuum tail reports|drift|performance|promotions|retrain-requests [--model m]`: what the loop
 * decided, read from its topics through @continuum/kafka's TopicView and decoded with the
 * contracts of @continuum/events (the writer's schema from the schema registry). Prints the
 * records since --since (default 1h) and exits, or keeps following with --follow.
 */
import {
  type Contract,
  ContractRegistry,
  type DriftReport,
  EventCodecs,
  type PerformanceReport,
  type PromotionDecision,
  type RetrainRequest,
  type TopicKey,
  Topics,
  topicName,
} from '@continuum/events';
import { parseDuration } from '@continuum/config';
import { TopicView, type ViewRecord, loadKafkaConfig } from '@continuum/kafka';
import {
  type CommandIo,
  UsageError,
  formatNumber,
  isoTime,
  parseCommandLine,
  positiveIntegerOption,
  stringOption,
} from './command';
import { describeDecision } from './decisions';
import { type ClientFactory, kafkaFromEnv } from './topics';

type Formatter = (value: never) => string;

interface TailSource {
  key: TopicKey;
  label: string;
  format: Formatter;
}

const drift: TailSource = {
  key: 'driftReports',
  label: 'drift',
  format: (r: DriftReport) => {
    const flagged = r.features
      .filter((f) => f.drifted)
      .map((f) => `${f.feature}(${f.statistic} ${formatNumber(f.value)})`);
    return (
      `${r.modelId} v${r.modelVersion} segment ${r.segment} window ${isoTime(r.windowStart)}..${isoTime(r.windowEnd)}: ` +
      `${r.eventCount} events, ${r.driftedFeatures}/${r.features.length} features drifted` +
      `${flagged.length ? ` [${flagged.join(', ')}]` : ''}` +
      `${r.prediction ? `, prediction ${r.prediction.drifted ? 'drifted' : 'stable'}` : ''}` +
      ` (reference ${r.referenceKind}, ${r.referenceCount} rows)`
    );
  },
};

const performance: TailSource = {
  key: 'performance',
  label: 'performance',
  format: (r: PerformanceReport) => {
    const metrics = Object.entries(r.metrics)
      .map(([k, v]) => `${k}=${formatNumber(v)}`)
      .join(' ');
    const detections = r.conceptDrift.filter((d) => d.driftDetected).map((d) => d.detector);
    return (
      `${r.modelId} v${r.modelVersion} window ${isoTime(r.windowStart)}..${isoTime(r.windowEnd)}: ` +
      `${r.labelledCount}/${r.predictionCount} labelled, ${metrics}` +
      `${detections.length ? `, concept drift: ${detections.join(', ')}` : ''}`
    );
  },
};

const promotions: TailSource = {
  key: 'promotions',
  label: 'promotion',
  format: (d: PromotionDecision) =>
    `${describeDecision(d)}` +
    (d.pValue !== null
      ? ` (${d.test} on ${d.metric}, p=${formatNumber(d.pValue)}, ${d.pairedCount} pairs)`
      : ''),
};

const retrainRequests: TailSource = {
  key: 'retrainRequests',
  label: 'retrain',
  format: (r: RetrainRequest) =>
    `${r.modelId}${r.modelVersion ? ` v${r.modelVersion}` : ''}: ${r.reason} by ${r.requestedBy}, ` +
    `mode ${r.mode}, window ${JSON.stringify(r.window)} (request ${r.requestId})`,
};

export const TAIL_SOURCES: Record<string, TailSource[]> = {
  reports: [drift, performance],
  drift: [drift],
  performance: [performance],
  promotions: [promotions],
  'retrain-requests': [retrainRequests],
};

export const TAIL_USAGE = `usage: continuum tail <what> [--model <id>] [--since <duration> | --from-beginning] [--follow] [--json]

  reports            drift reports (ct.drift-reports) and performance reports (ct.performance)
  drift | performance  one of the two
  promotions         promotion decisions with their evidence (ct.promotions)
  retrain-requests   retrain requests with reason and evidence (ct.retrain-requests)

  --model <id>        only this model's records (the topics are keyed by model id)
  --since <duration>  records from this long ago, e.g. 30m, 6h, 7d (default 1h)
  --from-beginning    every record the topic holds
  --limit <n>         stop after n records
  --follow            keep printing new records until interrupted (Ctrl-C)
  --json              one JSON object per line (the decoded record) instead of text

Reads KAFKA_BROKERS, SCHEMA_REGISTRY_URL and the CT_TOPIC_* name overrides like the services do.
Exit codes: 0 done, 1 failed (broker or schema registry unreachable), 2 usage.`;

export async function runTailCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  kafka: ClientFactory = kafkaFromEnv,
  until: () => Promise<unknown> = interrupted,
): Promise<number> {
  const line = parseCommandLine(
    'tail',
    args,
    {
      model: { type: 'string' },
      since: { type: 'string' },
      'from-beginning': { type: 'boolean' },
      limit: { type: 'string' },
      follow: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { names: ['what'], min: 0 },
  );
  const what = line.positionals[0];
  if (line.help || what === undefined) {
    io.out(TAIL_USAGE);
    return what === undefined && !line.help ? 2 : 0;
  }
  const sources = TAIL_SOURCES[what];
  if (!sources)
    throw new UsageError(`tail: unknown topic '${what}' (one of ${Object.keys(TAIL_SOURCES).join(', ')})`);
  const since = stringOption(line, 'since');
  if (since !== undefined && line.values['from-beginning'])
    throw new UsageError('tail: --since and --from-beginning exclude each other');
  const sinceMs = parseDuration(since ?? '1h');
  if (sinceMs === undefined || sinceMs <= 0)
    throw new UsageError(`--since must be like 30m, 6h or 7d (got '${since}')`);
  const limit = positiveIntegerOption(line, 'limit') ?? Infinity;
  const model = stringOption(line, 'model');
  const asJson = line.values.json === true;

  const config = loadKafkaConfig('continuum-cli', env);
  const codecs = new EventCodecs(
    new ContractRegistry({
      url: config.registryUrl,
      username: config.registryUsername,
      password: config.registryPassword,
    }),
  );
  const { client } = kafka(env);
  let printed = 0;
  let finish!: () => void;
  const limitReached = new Promise<void>((resolve) => (finish = resolve));
  const views = sources.map(
    (source) =>
      new TopicView(client, codecs, {
        topic: topicName(source.key, env),
        contract: Topics[source.key].contract as Contract<unknown>,
        from: line.values['from-beginning'] ? 'beginning' : { timestamp: Date.now() - sinceMs },
        groupIdPrefix: 'continuum-cli-tail',
        acceptKey: model === undefined ? undefined : (key) => key === model,
        onUndecodable: (r) =>
          io.err(
            `skipped an undecodable record of ${r.topic} (partition ${r.partition}, offset ${r.offset}): ${r.error.message}`,
          ),
        onRecord: (record: ViewRecord<unknown>) => {
          if (printed >= limit || record.value === null) return;
          printed++;
          io.out(
            asJson
              ? JSON.stringify({ topic: record.topic, ...(record.value as object) })
              : `${isoTime(record.timestamp)} ${source.label.padEnd(11)} ${(source.format as (v: unknown) => string)(record.value)}`,
          );
          if (printed >= limit) finish();
        },
      }),
  );
  try {
    for (const view of views) await view.start();
    await Promise.race([Promise.all(views.map((v) => v.caughtUp())), limitReached]);
    if (line.values.follow && printed < limit) await Promise.race([until(), limitReached]);
  } finally {
    await Promise.all(views.map((v) => v.stop()));
  }
  if (printed === 0 && !asJson)
    io.err(
      `no ${what} records${model ? ` of ${model}` : ''} ${line.values['from-beginning'] ? 'on the topic' : `in the last ${since ?? '1h'}`}`,
    );
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM (the --follow loop ends and the views stop cleanly). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
