import { Controller, Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type RetrainRequest, topicName } from '@continuum/events';
import { ConsumerAssignments, type ConsumedRecord, type KafkaClient, topicOffsets } from '@continuum/kafka';
import { type BatchPatternOptions, KAFKA_CLIENT, KafkaBatchContext } from '@continuum/kafka/nest';
import { LOGGER, type Logger } from '@continuum/observability';
import { RetrainIntake } from './retrain-intake.service';
import { RunLedgerService } from './run-ledger.service';

/**
 * ct.retrain-requests: each request is recorded (ACCEPTED with pinned offsets) before the batch's
 * offsets are committed, then trained off the consumer loop. On every assignment the pending runs
 * of the owned partitions' models are resumed.
 */
@Controller()
export class RetrainRequestsController implements OnApplicationBootstrap {
  constructor(
    private readonly intake: RetrainIntake,
    private readonly ledger: RunLedgerService,
    private readonly assignments: ConsumerAssignments,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const topic = topicName('retrainRequests');
    this.assignments.onChange((assignment) => {
      const partitions = new Set(assignment[topic] ?? []);
      void (async () => {
        await this.ledger.whenReady();
        const count = Object.keys(await topicOffsets(this.client, topic)).length;
        const resumed = this.intake.resumeOwned(partitions, count);
        if (resumed > 0)
          this.logger.info({ resumed, partitions: [...partitions] }, 'resumed pending training runs');
      })().catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not resume pending training runs'),
      );
    });
  }

  @EventPattern('retrainRequests', { batch: true } satisfies BatchPatternOptions)
  async onRequests(
    @Payload() records: Array<ConsumedRecord<RetrainRequest>>,
    @Ctx() context: KafkaBatchContext,
  ): Promise<void> {
    for (const record of records) {
      const outcome = await this.intake.take(record.value);
      if (outcome !== 'accepted')
        this.logger.info(
          { requestId: record.value.requestId, modelId: record.value.modelId, outcome },
          'retrain request not taken',
        );
      await context.heartbeat();
    }
  }
}
