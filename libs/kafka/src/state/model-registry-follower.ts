import {
  type EventCodecs,
  type ModelVersionEvent,
  ModelVersionEventContract,
  topicName,
} from '@continuum/events';
import { RegistryView } from '@continuum/registry';
import { type KafkaClient } from '../kafka-client';
import { TopicView, type UndecodableRecord } from './topic-view';

export interface ModelRegistryFollowerOptions {
  /** Prefix of the view's throwaway consumer group (see TopicViewOptions.groupIdPrefix). */
  groupIdPrefix: string;
  sessionTimeoutMs?: number;
  /** Called for each undecodable model-version event; the follower skips it and goes on. */
  onUndecodable?: (record: UndecodableRecord) => void;
}

/**
 * ct.model-versions followed whole from the beginning (a TopicView, no commits) and folded into a
 * `@continuum/registry` RegistryView: every instance's own copy of the models, their versions and
 * stages. Callers await caughtUp() before relying on `view`.
 */
export class ModelRegistryFollower {
  readonly view = new RegistryView();
  private readonly follower: TopicView<ModelVersionEvent>;

  constructor(client: KafkaClient, codecs: EventCodecs, options: ModelRegistryFollowerOptions) {
    this.follower = new TopicView(client, codecs, {
      topic: topicName('modelVersions'),
      contract: ModelVersionEventContract,
      groupIdPrefix: options.groupIdPrefix,
      sessionTimeoutMs: options.sessionTimeoutMs,
      onUndecodable: options.onUndecodable,
      onRecord: (r) => {
        if (r.value) this.view.apply(r.value);
      },
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  isCaughtUp(): boolean {
    return this.follower.isCaughtUp();
  }

  /** Resolves once the view holds what ct.model-versions held when this was called. */
  caughtUp(timeoutMs?: number): Promise<void> {
    return this.follower.caughtUp(timeoutMs);
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
