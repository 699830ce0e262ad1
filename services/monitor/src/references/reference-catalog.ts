import { Inject, Injectable } from '@nestjs/common';
import { type Counter } from 'prom-client';
import {
  DecodeError,
  EventCodecs,
  ModelVersionEventContract,
  MonitorReferenceContract,
  topicName,
} from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient } from '@continuum/kafka';
import { LOGGER, type Logger, Metrics } from '@continuum/observability';
import { TopicTail } from '../kafka/topic-tail';
import { type MonitorConfig } from '../monitor.config';
import { type Subject } from '../streams/stream-identity';
import { MONITOR_CONFIG } from '../tokens';
import { type CatalogUpdate, CatalogState, type ResolvedReference } from './catalog-state';

/**
 * Every instance's view of the reference profiles: reads ct.model-versions and
 * ct.monitor-references whole, from the beginning, in a consumer group of its own (no commits),
 * and keeps following them. Stage 1 starts only once `start()` has caught up with what the topics
 * held at start-up.
 */
@Injectable()
export class ReferenceCatalog {
  private readonly state = new CatalogState();
  private readonly tail: TopicTail;
  private readonly invalid: Counter<'kind'>;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    private readonly codecs: EventCodecs,
    @Inject(MONITOR_CONFIG) config: MonitorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const known = metrics.gauge(
      'continuum_monitor_reference_profiles',
      "Reference profiles in this instance's catalog: registered with a model version, or bootstrapped.",
      ['kind'],
    );
    this.invalid = metrics.counter(
      'continuum_monitor_invalid_references_total',
      'Records of ct.model-versions or ct.monitor-references skipped: undecodable, or a referenceProfile that is not a valid profile.',
      ['kind'],
    );
    const versionsTopic = topicName('modelVersions');
    const versions = codecs.decoderFor(ModelVersionEventContract);
    const bootstraps = codecs.decoderFor(MonitorReferenceContract);
    this.tail = new TopicTail(client, {
      groupIdPrefix: `${config.groupId}-catalog`,
      topics: [versionsTopic, topicName('monitorReferences')],
      sessionTimeoutMs: config.sessionTimeoutMs,
      onBatch: async (topic, _partition, messages) => {
        const decoder = topic === versionsTopic ? versions : bootstraps;
        await decoder.prepare(messages.map((m) => m.value));
        for (const m of messages) {
          if (!m.value) continue;
          try {
            const update: CatalogUpdate =
              topic === versionsTopic
                ? this.state.applyVersionEvent(versions.decode(m.value))
                : this.state.applyBootstrap(bootstraps.decode(m.value));
            const counts = this.state.counts();
            known.set({ kind: 'registered' }, counts.registered);
            known.set({ kind: 'bootstrap' }, counts.bootstrap);
            if (update.invalidProfile) {
              this.invalid.inc({ kind: 'invalid_profile' });
              this.logger.warn(
                { ...update.invalidProfile, topic, offset: m.offset },
                'reference profile is not valid; the version is monitored as if it had none',
              );
            }
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
            this.invalid.inc({ kind: 'undecodable' });
            this.logger.warn(
              { err: error, topic, offset: m.offset },
              'skipped an undecodable catalog record',
            );
          }
        }
      },
    });
  }

  /** Starts following the topics and resolves once it holds everything they held at this moment. */
  async start(): Promise<void> {
    await this.tail.start();
    await this.tail.caughtUp();
    this.logger.info('reference catalog caught up');
  }

  /** Resolves once the catalog has read everything the topics hold now. */
  syncToEnd(): Promise<void> {
    return this.tail.caughtUp();
  }

  referenceFor(subject: Subject): ResolvedReference | undefined {
    return this.state.referenceFor(subject);
  }

  byReferenceId(id: string): ResolvedReference | undefined {
    return this.state.byReferenceId(id);
  }

  hasBootstrap(subject: Subject): boolean {
    return this.state.hasBootstrap(subject);
  }

  async stop(): Promise<void> {
    await this.tail.stop();
  }
}
