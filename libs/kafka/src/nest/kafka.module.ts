import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { ContractRegistry, EventCodecs, type TopicKey, topicName } from '@continuum/events';
import { ConnectionWatch, HealthChecks, LOGGER, type Logger, Metrics } from '@continuum/observability';
import { BatchConsumer, type BatchConsumerOptions } from '../batch-consumer';
import { ConsumerAssignments } from '../consumer-assignments';
import { DeadLetterPublisher } from '../dead-letter';
import { EventProducer } from '../event-producer';
import { KAFKA_CLIENT, type KafkaClient, createKafkaClient } from '../kafka-client';
import { type KafkaConfig } from '../kafka-config';
import { provisionCatalog } from '../topic-provisioning';
import { brokersReachable, waitForKafkaAndRegistry } from '../startup-wait';
import { KafkaBatchTransport } from './batch-transport';
import { ModelRegistryDependencies } from './model-registry.service';

export { KAFKA_CLIENT };
export const KAFKA_MODULE_OPTIONS = Symbol('KafkaModuleOptions');

/** How often the broker and the registry are probed after start-up (readiness and the connection gauges). */
const CONNECTION_PROBE_INTERVAL_MS = 2_000;

export interface KafkaModuleOptions {
  service: string;
  config: KafkaConfig;
  /**
   * Present when the service consumes: its `@EventPattern(topic, { batch: true })` handlers run in
   * this group through the KafkaBatchTransport (connect it with app.connectMicroservice). The
   * group's assignments are published to the injectable ConsumerAssignments.
   */
  consumer?: Omit<BatchConsumerOptions, 'service'>;
  /** Topics to provision at start-up (when KAFKA_PROVISION_TOPICS is true); default: all of Continuum's. */
  topics?: TopicKey[];
}

/** Starts the Kafka side of a service after every provider is ready, and stops it first on shutdown. */
@Injectable()
class KafkaRuntime implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private connections?: ConnectionWatch;

  constructor(
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly producer: EventProducer,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly health: HealthChecks,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BatchConsumer) private readonly consumer: BatchConsumer | null,
    private readonly registry: ContractRegistry,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Before any provider starts: Kafka and the schema registry answer (or the start fails,
   * bounded), and the topics exist.
   */
  async onModuleInit(): Promise<void> {
    await waitForKafkaAndRegistry(this.options.config, this.registry, this.logger);
    // Topics before any provider uses them (the monitor's stages read theirs in onModuleInit).
    if (this.options.config.provisionTopics) await this.provision();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    await this.deadLetters.prepare();
    this.health.addReadinessCheck('kafka-producer', () =>
      this.producer.isConnected() ? { ok: true } : { ok: false, detail: 'producer disconnected' },
    );
    // The KafkaBatchTransport subscribes the handlers and starts the consumer.
    const consumer = this.consumer;
    if (consumer) this.health.addReadinessCheck('kafka-consumer', () => consumer.readiness());
    this.connections = this.watchConnections();
    this.connections.start();
  }

  /**
   * Readiness follows the connections: a service whose broker or registry is unreachable cannot
   * do its work (nothing is consumed or produced, records wait undecoded), so it says so.
   */
  private watchConnections(): ConnectionWatch {
    const { config } = this.options;
    return new ConnectionWatch(
      [
        {
          check: 'kafka-broker',
          name: 'Kafka',
          target: config.brokers.join(','),
          gauge: {
            name: 'continuum_kafka_connected',
            help: '1 while a bootstrap broker accepts connections (probed every 2 s), 0 after two failed probes in a row.',
          },
          probe: () => brokersReachable(config.brokers),
          advice: 'records wait at the broker and nothing is lost; check the brokers in KAFKA_BROKERS',
        },
        {
          check: 'schema-registry',
          name: 'the schema registry',
          target: config.registryUrl,
          gauge: {
            name: 'continuum_schema_registry_reachable',
            help: '1 while the schema registry answers (probed every 2 s), 0 after two failed probes in a row.',
          },
          probe: () => this.registry.probe(),
          advice:
            'records with schema ids not yet cached wait (never dead-lettered for it); check SCHEMA_REGISTRY_URL',
        },
      ],
      { intervalMs: CONNECTION_PROBE_INTERVAL_MS, failuresToLose: 2 },
      this.metrics,
      this.health,
      this.logger,
    );
  }

  private async provision(): Promise<void> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const result = await provisionCatalog(
        admin,
        this.options.config.replicationFactor,
        this.options.topics,
      );
      if (result.created.length > 0) this.logger.info({ topics: result.created }, 'created topics');
      if (result.configsUpdated.length > 0) {
        this.logger.info({ topics: result.configsUpdated }, 'topic configs set to the catalog’s');
      }
      for (const m of result.partitionMismatches) {
        this.logger.warn(m, 'topic partition count differs from the topic list; left unchanged');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.health.markShuttingDown();
    this.connections?.stop();
    await this.consumer?.stop();
    await this.producer.disconnect();
    this.logger.info('kafka runtime stopped: last batch committed, producer flushed');
  }
}

/**
 * NestJS integration of the Kafka runtime: the client, codecs, producer, dead letters and (with
 * consumer options) the BatchConsumer behind the KafkaBatchTransport. Topics are provisioned and
 * the producer connected when the application bootstraps; the consumer stops (committing its last
 * batch) and the producer flushes before the application shuts down. (The
 * @nestjs/microservices Kafka transport hands one message at a time, hence a transport of our own.)
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          useFactory: (logger: Logger) => createKafkaClient(options.config, options.service, logger),
          inject: [LOGGER],
        },
        {
          provide: ContractRegistry,
          useFactory: () =>
            new ContractRegistry({
              url: options.config.registryUrl,
              username: options.config.registryUsername,
              password: options.config.registryPassword,
            }),
        },
        {
          provide: EventCodecs,
          useFactory: (registry: ContractRegistry) => new EventCodecs(registry),
          inject: [ContractRegistry],
        },
        {
          provide: EventProducer,
          useFactory: (client: KafkaClient, codecs: EventCodecs, metrics: Metrics) =>
            new EventProducer(client, codecs, metrics),
          inject: [KAFKA_CLIENT, EventCodecs, Metrics],
        },
        {
          provide: DeadLetterPublisher,
          useFactory: (producer: EventProducer) =>
            new DeadLetterPublisher(producer, topicName('deadLetter'), options.service),
          inject: [EventProducer],
        },
        { provide: ConsumerAssignments, useValue: new ConsumerAssignments() },
        {
          provide: BatchConsumer,
          useFactory: (
            client: KafkaClient,
            codecs: EventCodecs,
            deadLetters: DeadLetterPublisher,
            metrics: Metrics,
            logger: Logger,
            assignments: ConsumerAssignments,
          ) =>
            options.consumer
              ? new BatchConsumer(client, codecs, deadLetters, metrics, logger, {
                  service: options.service,
                  ...options.consumer,
                  onAssignment: (assignment) => {
                    assignments.update(assignment);
                    options.consumer?.onAssignment?.(assignment);
                  },
                })
              : null,
          inject: [KAFKA_CLIENT, EventCodecs, DeadLetterPublisher, Metrics, LOGGER, ConsumerAssignments],
        },
        {
          provide: KafkaBatchTransport,
          useFactory: (consumer: BatchConsumer | null) =>
            consumer ? new KafkaBatchTransport(consumer) : null,
          inject: [BatchConsumer],
        },
        KafkaRuntime,
        ModelRegistryDependencies,
      ],
      exports: [
        KAFKA_CLIENT,
        ContractRegistry,
        EventCodecs,
        EventProducer,
        DeadLetterPublisher,
        BatchConsumer,
        ConsumerAssignments,
        KafkaBatchTransport,
        ModelRegistryDependencies,
      ],
    };
  }
}
