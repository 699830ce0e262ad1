import { Inject, Injectable } from '@nestjs/common';
import { type RetrainRequest, topicName } from '@continuum/events';
import { type KafkaClient, keyPartition } from '@continuum/kafka';
import { KAFKA_CLIENT } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { replayFrom } from '../core/plan';
import { TrainerMetrics } from '../metrics/trainer-metrics';
import { policyFor, type TrainerPolicy } from '../policy/trainer-policy';
import { type TrainerConfig } from '../trainer.config';
import { TRAINER_CONFIG, TRAINER_POLICY } from '../tokens';
import { acceptedEvent } from './run-events';
import { RunExecutor } from './run-executor.service';
import { RunLedgerService } from './run-ledger.service';
import { pinRanges } from './window-replay';

export type IntakeOutcome = 'accepted' | 'duplicate' | 'not_managed';

/**
 * Takes retrain requests on the consumer loop and does only what must happen before the offset
 * commit: pin the training window's offsets and record the run durably (ACCEPTED on
 * ct.training-runs). Planning, reading and training happen in the RunExecutor.
 */
@Injectable()
export class RetrainIntake {
  constructor(
    @Inject(TRAINER_CONFIG) private readonly config: TrainerConfig,
    @Inject(TRAINER_POLICY) private readonly policy: TrainerPolicy,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly ledger: RunLedgerService,
    private readonly executor: RunExecutor,
    private readonly metrics: TrainerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async take(request: RetrainRequest, now = Date.now()): Promise<IntakeOutcome> {
    const outcome = await this.decide(request, now);
    this.metrics.requests.inc({ outcome });
    return outcome;
  }

  private async decide(request: RetrainRequest, now: number): Promise<IntakeOutcome> {
    const policy = policyFor(this.policy, request.modelId);
    if (!policy) return 'not_managed';
    await this.ledger.whenReady();
    if (this.ledger.get(request.requestId)) return 'duplicate';
    const ranges = await pinRanges(this.client, topicName('examples'), replayFrom(request, policy, now));
    const id = { requestId: request.requestId, modelId: request.modelId, instance: this.config.instanceId };
    await this.ledger.publish(acceptedEvent(id, { request, policy }, ranges, now));
    this.logger.info(
      { requestId: request.requestId, modelId: request.modelId, reason: request.reason, ranges },
      'retrain request accepted; offsets pinned',
    );
    this.executor.enqueue(this.ledger.get(request.requestId)!);
    return 'accepted';
  }

  /** Queues the pending runs of the models whose request partitions this instance owns. */
  resumeOwned(partitions: ReadonlySet<number>, partitionCount: number): number {
    let resumed = 0;
    for (const run of this.ledger.pending()) {
      if (!partitions.has(keyPartition(run.modelId, partitionCount)) || this.executor.has(run.requestId))
        continue;
      this.logger.info({ requestId: run.requestId, modelId: run.modelId }, 'resuming an accepted run');
      this.executor.enqueue(run);
      resumed++;
    }
    return resumed;
  }
}
