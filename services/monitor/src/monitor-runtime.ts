import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  DriftReportContract,
  EventCodecs,
  MonitorCheckpointContract,
  MonitorPartialContract,
  MonitorReferenceContract,
  topicName,
} from '@continuum/events';
import { EventProducer, KAFKA_CLIENT, type KafkaClient } from '@continuum/kafka';
import { HealthChecks, LOGGER, type Logger } from '@continuum/observability';
import { ModelCombiner } from './combining/model-combiner';
import { type MonitorConfig } from './monitor.config';
import { ReferenceCatalog } from './references/reference-catalog';
import { MONITOR_CONFIG } from './tokens';
import { PartitionWindowing } from './windowing/partition-windowing.service';

/**
 * Start-up order: topics (provisioned from the catalog by KafkaModule before this runs), the
 * internal producer, the reference catalog (caught up), stage 2, then
 * stage 1 (whose consumer the Kafka runtime starts once every module is initialised). Shutdown:
 * stage 1 checkpoints in its consumer's stop hook; stage 2, the catalog and the producer stop
 * after the Kafka runtime.
 */
@Injectable()
export class MonitorRuntime implements OnModuleInit, OnApplicationShutdown {
  private writer?: EventProducer;

  constructor(
    @Inject(MONITOR_CONFIG) private readonly config: MonitorConfig,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly catalog: ReferenceCatalog,
    private readonly combiner: ModelCombiner,
    private readonly windowing: PartitionWindowing,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const writer = new EventProducer(this.client, this.codecs);
    this.writer = writer;
    await writer.connect();
    this.health.addReadinessCheck('monitor-producer', () =>
      writer.isConnected() ? { ok: true } : { ok: false, detail: 'internal producer disconnected' },
    );
    await writer.encoder(topicName('monitorPartials'), MonitorPartialContract);
    await writer.encoder(topicName('monitorCheckpoints'), MonitorCheckpointContract);
    await writer.encoder(topicName('monitorReferences'), MonitorReferenceContract);
    await writer.encoder(topicName('driftReports'), DriftReportContract);
    await this.catalog.start();
    await this.combiner.start(writer);
    await this.windowing.start(writer);
    this.logger.info(
      {
        windowMs: this.config.windowMs,
        hopMs: this.config.windowHopMs,
        allowedLatenessMs: this.config.allowedLatenessMs,
        segmentKeys: this.config.segmentKeys,
      },
      'monitor stages started',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.combiner.stop();
    await this.catalog.stop();
    await this.writer?.disconnect();
  }
}
