import { type EventCodecs, Topics, topicName } from '@continuum/events';
import { type KafkaClient, TopicView } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';
import {
  type ChangePointDecision,
  type ChangePointSettings,
  decideChangePointWait,
} from '../core/change-point';
import { type TrainerMetrics } from '../metrics/trainer-metrics';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a wait ends: train, or fail. */
export type ChangePointOutcome = Exclude<ChangePointDecision, { action: 'WAIT' }>;

export interface ChangePointWait {
  requestId: string;
  modelId: string;
  changePoint: number;
  /** From the durable ACCEPTED event, so a restarted trainer keeps the same deadline. */
  acceptedAt: number;
  required: number;
  settings: ChangePointSettings;
}

/**
 * Follows ct.examples from the change point, counting the model's labelled examples whose event
 * is at or after it (distinct event ids: the evaluator writes at least once), until
 * decideChangePointWait says TRAIN or FAIL. Nothing is kept but the count and the ids, and the
 * count is rebuilt from the topic, so a restart waits exactly as the first instance did. Resolves
 * null when `stopped` fires first (shutdown: the run stays pending and is resumed).
 */
export async function waitForExamplesAfterChange(
  client: KafkaClient,
  codecs: EventCodecs,
  wait: ChangePointWait,
  deps: { metrics: TrainerMetrics; logger: Logger; now: () => number; stopped: AbortSignal },
): Promise<ChangePointOutcome | null> {
  const seen = new Set<string>();
  // No decision looks past this many, so memory stays bounded by the policy.
  const cap = Math.max(wait.required, wait.settings.floorExamples);
  const labels = { model_id: wait.modelId, request_id: wait.requestId };
  let settle!: (d: ChangePointOutcome | null) => void;
  const done = new Promise<ChangePointOutcome | null>((resolve) => (settle = resolve));
  let decided = false;
  // Until the records already in the topic are counted, only "enough" may decide: a restart past
  // the deadline must not fail (or train short) on the first few records it reads.
  let caughtUp = false;
  const evaluate = (): void => {
    if (decided) return;
    const decision = decideChangePointWait({ ...wait, now: deps.now(), examplesAfterChange: seen.size });
    if (
      decision.action === 'WAIT' ||
      (!caughtUp && !(decision.action === 'TRAIN' && decision.why === 'ENOUGH_EXAMPLES'))
    ) {
      deps.metrics.examplesAfterChange.set(labels, seen.size);
      return;
    }
    decided = true;
    settle(decision);
  };
  const view = new TopicView(client, codecs, {
    topic: topicName('examples'),
    contract: Topics.examples.contract,
    from: { timestamp: wait.changePoint },
    groupIdPrefix: 'continuum-trainer-change-wait',
    onRecord: (record) => {
      const v = record.value;
      if (!v || v.modelId !== wait.modelId || v.predictionTimestamp < wait.changePoint) return;
      if (seen.size < cap) seen.add(v.eventId);
      evaluate();
    },
  });
  const onStop = () => {
    decided = true;
    settle(null);
  };
  deps.stopped.addEventListener('abort', onStop, { once: true });
  let deadline: NodeJS.Timeout | undefined;
  try {
    await view.start();
    await Promise.race([view.caughtUp(), done]);
    caughtUp = true;
    evaluate();
    if (!decided) {
      deps.logger.info(
        {
          requestId: wait.requestId,
          modelId: wait.modelId,
          changePoint: new Date(wait.changePoint).toISOString(),
          examplesAfterChange: seen.size,
          required: wait.required,
          deadline: new Date(wait.acceptedAt + wait.settings.maxWaitMs).toISOString(),
        },
        'waiting for labelled examples after the change before training',
      );
      // One timer for the deadline (re-armed past setTimeout's 24.8-day limit); records decide as they come.
      const arm = (): void => {
        const ms = wait.acceptedAt + wait.settings.maxWaitMs - deps.now();
        deadline = setTimeout(
          () => {
            evaluate();
            if (!decided) arm();
          },
          Math.min(Math.max(0, ms), MAX_TIMER_MS),
        );
      };
      arm();
    }
    return await done;
  } finally {
    if (deadline) clearTimeout(deadline);
    deps.stopped.removeEventListener('abort', onStop);
    deps.metrics.examplesAfterChange.remove(labels);
    await view.stop();
  }
}
