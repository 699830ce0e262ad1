import { Inject, Injectable } from '@nestjs/common';
import { type Counter } from 'prom-client';
import { type ArtifactStore, artifactStoreFromEnv } from '@continuum/artifact-store';
import {
  EventCodecs,
  type ModelVersionEvent,
  ModelVersionEventContract,
  type MonitorReference,
  MonitorReferenceContract,
  topicName,
} from '@continuum/events';
import { KAFKA_CLIENT, type KafkaClient, TopicView, type UndecodableRecord } from '@continuum/kafka';
import { LOGGER, type Logger, Metrics } from '@continuum/observability';
import { type MonitorConfig } from '../monitor.config';
import { type Subject } from '../streams/stream-identity';
import { MONITOR_CONFIG } from '../tokens';
import { type CatalogUpdate, ReferenceIndex } from './reference-index';
import { type ResolvedReference } from './resolved-reference';

/**
 * Every instance's view of the reference profiles: follows ct.model-versions (folded by
 * `@continuum/registry`) and ct.monitor-references whole, from the beginning, with TopicViews (no
 * commits). Profiles too large for the event are read from the artifact store (ARTIFACT_STORE_URL)
 * with their checksum verified. Stage 1 starts only once `start()` has caught up with what the
 * topics held at start-up.
 */
@Injectable()
export class ReferenceCatalog {
  private readonly index = new ReferenceIndex();
  private readonly views: [TopicView<ModelVersionEvent>, TopicView<MonitorReference>];
  private readonly invalid: Counter<'kind'>;
  private readonly store: ArtifactStore;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    codecs: EventCodecs,
    @Inject(MONITOR_CONFIG) config: MonitorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.store = artifactStoreFromEnv(process.env, { service: 'monitor' });
    const known = metrics.gauge(
      'continuum_monitor_reference_profiles',
      "Reference profiles in this instance's catalog: registered with a model version, or bootstrapped.",
      ['kind'],
    );
    this.invalid = metrics.counter(
      'continuum_monitor_invalid_references_total',
      'Records of ct.model-versions or ct.monitor-references skipped: undecodable, a referenceProfile that is not a valid profile or cannot be read from the artifact store, or an event the registry fold refused.',
      ['kind'],
    );
    const report = (topic: string, offset: string, update: CatalogUpdate) => {
      const counts = this.index.counts();
      known.set({ kind: 'registered' }, counts.registered);
      known.set({ kind: 'bootstrap' }, counts.bootstrap);
      if (update.invalidProfile) {
        this.invalid.inc({ kind: 'invalid_profile' });
        this.logger.warn(
          { ...update.invalidProfile, topic, offset },
          'reference profile is not valid; the version is monitored as if it had none',
        );
      }
      if (update.refused && update.refused.refusal !== 'DUPLICATE_EVENT') {
        this.invalid.inc({ kind: 'refused_event' });
        this.logger.warn(
          { ...update.refused, topic, offset },
          'model-version event refused by the registry fold',
        );
      }
    };
    const onUndecodable = (r: UndecodableRecord) => {
      this.invalid.inc({ kind: 'undecodable' });
      this.logger.warn(
        { err: r.error, topic: r.topic, offset: r.offset },
        'skipped an undecodable catalog record',
      );
    };
    const common = {
      groupIdPrefix: `${config.groupId}-catalog`,
      sessionTimeoutMs: config.sessionTimeoutMs,
      onUndecodable,
    };
    this.views = [
      new TopicView(client, codecs, {
        ...common,
        topic: topicName('modelVersions'),
        contract: ModelVersionEventContract,
        onRecord: async (r) => {
          if (!r.value) return;
          report(r.topic, r.offset, this.index.applyVersionEvent(r.value, await this.storedProfile(r.value)));
        },
      }),
      new TopicView(client, codecs, {
        ...common,
        topic: topicName('monitorReferences'),
        contract: MonitorReferenceContract,
        onRecord: (r) => {
          if (r.value) report(r.topic, r.offset, this.index.applyBootstrap(r.value));
        },
      }),
    ];
  }

  /** The profile JSON an event points at in the artifact store; undefined when inline or unreadable. */
  private async storedProfile(event: ModelVersionEvent): Promise<string | undefined> {
    const ref = event.referenceProfileRef;
    if (!ref) return undefined;
    try {
      return (await this.store.get(ref)).toString('utf8');
    } catch (error) {
      this.invalid.inc({ kind: 'unreadable_profile' });
      this.logger.warn(
        { err: error, modelId: event.modelId, version: event.version, uri: ref.uri },
        'reference profile could not be read from the artifact store; the version is monitored as if it had none',
      );
      return undefined;
    }
  }

  /** Starts following the topics and resolves once it holds everything they held at this moment. */
  async start(): Promise<void> {
    await Promise.all(this.views.map((v) => v.start()));
    await Promise.all(this.views.map((v) => v.caughtUp()));
    this.logger.info('reference catalog caught up');
  }

  /** Resolves once the catalog has read everything the topics hold now. */
  async syncToEnd(): Promise<void> {
    await Promise.all(this.views.map((v) => v.sync()));
  }

  referenceFor(subject: Subject): ResolvedReference | undefined {
    return this.index.referenceFor(subject);
  }

  byReferenceId(id: string): ResolvedReference | undefined {
    return this.index.byReferenceId(id);
  }

  hasBootstrap(subject: Subject): boolean {
    return this.index.hasBootstrap(subject);
  }

  async stop(): Promise<void> {
    await Promise.all(this.views.map((v) => v.stop()));
  }
}
