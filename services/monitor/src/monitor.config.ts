import {
  ConfigError,
  decimal,
  duration,
  formatDuration,
  integer,
  list,
  loadConfig,
  oneOf,
  optional,
  text,
  type ConfigOf,
} from '@continuum/config';
import { type KafkaConfig, loadKafkaConfig } from '@continuum/kafka';

export const monitorConfigSpec = {
  httpHost: text({
    env: 'HTTP_HOST',
    description: 'Interface the HTTP server (/health, /metrics) binds to.',
    default: '127.0.0.1',
  }),
  httpPort: integer({
    env: 'HTTP_PORT',
    description: 'HTTP port for /health and /metrics.',
    default: 9464,
    min: 0,
    max: 65535,
  }),
  groupId: text({
    env: 'MONITOR_GROUP_ID',
    description:
      'Consumer group of stage 1 (partition windowing of ct.predictions and ct.features); also names its checkpoints.',
    default: 'continuum-monitor',
  }),
  combinerGroupId: optional(
    text({
      env: 'MONITOR_COMBINER_GROUP_ID',
      description:
        'Consumer group of stage 2 (the model combiner reading ct.monitor-partials); never commits. Unset: MONITOR_GROUP_ID followed by -combiner, so that two monitor deployments with their own MONITOR_GROUP_ID never share a combiner group.',
    }),
  ),
  segmentKeys: optional(
    list({
      env: 'MONITOR_SEGMENT_KEYS',
      description:
        "Segment tags reports are split by (comma-separated, e.g. country,channel); every event also counts in segment '*'.",
    }),
  ),
  maxSegmentsPerKey: integer({
    env: 'MONITOR_MAX_SEGMENTS_PER_KEY',
    description:
      "Values of a segment key reported on their own per window when the reference profile has no segment references for the key (else its tracked values are the segments): the window's most frequent over every source partition (stage 1 windows up to twice as many candidates per partition and pane and counts the rest in a heavy-hitters sketch); the other values count in 'key=other'.",
    default: 20,
    min: 1,
  }),
  minSegmentEvents: integer({
    env: 'MONITOR_MIN_SEGMENT_EVENTS',
    description:
      "Events a segment's window needs to be judged: a smaller segment (not '*') is reported with tooSmallToJudge and no feature tested, its noise would cross fixed distance thresholds.",
    default: 300,
    min: 1,
  }),
  windowMs: duration({
    env: 'MONITOR_WINDOW',
    description: 'Size of the event-time windows reports cover, aligned to the epoch (e.g. 10m, 1h).',
    default: 3_600_000,
    min: 1,
  }),
  windowHopMs: optional(
    duration({
      env: 'MONITOR_WINDOW_HOP',
      description:
        'Hop between window starts (hopping windows); must divide MONITOR_WINDOW. Unset: tumbling windows.',
      min: 1,
    }),
  ),
  allowedLatenessMs: duration({
    env: 'MONITOR_ALLOWED_LATENESS',
    description:
      "Allowed lateness (grace) per source partition: its watermark stays this far behind its largest event time, so events this much out of order still reach their window; later ones are counted as late (metric and the next report's lateEvents). At most 1000 window hops.",
    default: 60_000,
    min: 0,
  }),
  idleTimeoutMs: duration({
    env: 'MONITOR_IDLE_TIMEOUT',
    description:
      'A source partition without records for this long (processing time) is idle if the broker, asked then, says nothing is left to read; it publishes its open windows, and a window the other partitions have passed waits this long more for it before closing without its watermark.',
    default: 30_000,
    min: 100,
  }),
  checkpointIntervalMs: duration({
    env: 'MONITOR_CHECKPOINT_INTERVAL',
    description:
      'How often stage 1 checkpoints a source partition to ct.monitor-checkpoints and commits its offset (also on shutdown).',
    default: 5_000,
    min: 100,
  }),
  bootstrapEvents: integer({
    env: 'MONITOR_BOOTSTRAP_EVENTS',
    description:
      'Events a bootstrap reference profile is built from when a model version has no registered one (at most this many are forwarded per source partition).',
    default: 1000,
    min: 30,
  }),
  correction: oneOf({
    env: 'MONITOR_CORRECTION',
    description: "Multiple-testing correction of the features' p-values in a report.",
    values: ['benjamini-hochberg', 'bonferroni', 'none'] as const,
    default: 'benjamini-hochberg',
  }),
  alpha: decimal({
    env: 'MONITOR_ALPHA',
    description:
      'Significance level of the p-value tests (KS, chi-square, Z): a feature drifts when its corrected p-value is below it and its effect size reaches the floor.',
    default: 0.05,
    min: 1e-12,
    max: 0.5,
  }),
  maxModels: integer({
    env: 'MONITOR_MAX_MODELS',
    description:
      'Distinct model ids given their own metric series; the rest are counted under model_id="other" (counters) or not exported (drift gauges).',
    default: 1000,
    min: 1,
  }),
  maxFeaturesPerModel: integer({
    env: 'MONITOR_MAX_FEATURES_PER_MODEL',
    description: 'Features per model exported as drift gauges (the first ones of the reference profile).',
    default: 100,
    min: 1,
  }),
  closedWindowsKept: integer({
    env: 'MONITOR_CLOSED_WINDOWS_KEPT',
    description:
      'Closed windows remembered per stream so that a partial arriving after its window was reported is dropped, not reported twice.',
    default: 200,
    min: 1,
  }),
  sessionTimeoutMs: duration({
    env: 'MONITOR_SESSION_TIMEOUT',
    description:
      "Kafka session timeout of both consumer groups: how long a crashed instance's partitions wait before they move (broker minimum 6s).",
    default: 30_000,
    min: 1_000,
  }),
  maxBytesPerPartition: integer({
    env: 'MONITOR_MAX_BYTES_PER_PARTITION',
    description: 'Most bytes stage 1 fetches per source partition and batch.',
    default: 1024 * 1024,
    min: 1024,
  }),
};

export type MonitorConfig = Omit<
  ConfigOf<typeof monitorConfigSpec>,
  'windowHopMs' | 'segmentKeys' | 'combinerGroupId'
> & {
  combinerGroupId: string;
  windowHopMs: number;
  segmentKeys: string[];
  kafka: KafkaConfig;
};

export function loadMonitorConfig(env: NodeJS.ProcessEnv = process.env): MonitorConfig {
  const raw = loadConfig('monitor', monitorConfigSpec, env);
  const windowHopMs = raw.windowHopMs ?? raw.windowMs;
  const problems: string[] = [];
  if (windowHopMs > raw.windowMs || raw.windowMs % windowHopMs !== 0) {
    problems.push(
      `MONITOR_WINDOW_HOP=${formatDuration(windowHopMs)} must divide MONITOR_WINDOW=${formatDuration(raw.windowMs)}`,
    );
  } else if (raw.windowMs / windowHopMs > 1000) {
    problems.push('MONITOR_WINDOW / MONITOR_WINDOW_HOP must be at most 1000 (panes per window)');
  }
  // The lateness keeps panes open: bound it like the panes of a window.
  if (raw.allowedLatenessMs / windowHopMs > 1000) {
    problems.push(
      `MONITOR_ALLOWED_LATENESS=${formatDuration(raw.allowedLatenessMs)} must be at most 1000 window hops (${formatDuration(1000 * windowHopMs)})`,
    );
  }
  const segmentKeys = raw.segmentKeys ?? [];
  if (new Set(segmentKeys).size !== segmentKeys.length) {
    problems.push(`MONITOR_SEGMENT_KEYS=${segmentKeys.join(',')} names a key twice`);
  }
  for (const key of segmentKeys) {
    if (key.includes('=')) problems.push(`MONITOR_SEGMENT_KEYS: key '${key}' must not contain '='`);
  }
  if (problems.length > 0) throw new ConfigError('monitor', problems);
  // A combiner group shared by two deployments would split one's partials with the other's members.
  const combinerGroupId = raw.combinerGroupId ?? `${raw.groupId}-combiner`;
  return { ...raw, combinerGroupId, windowHopMs, segmentKeys, kafka: loadKafkaConfig('monitor', env) };
}
