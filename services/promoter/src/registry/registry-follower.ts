import {
  type EventCodecs,
  type ModelVersionEvent,
  ModelVersionEventContract,
  topicName,
} from '@continuum/events';
import { type KafkaClient, TopicView } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';
import { RegistryView } from '@continuum/registry';

/**
 * The registry as the promoter sees it: ct.model-versions (the registry's log of record) folded by
 * @continuum/registry's RegistryView, followed from the beginning. Stage changes are made through
 * the registry's REST API; their events come back here.
 */
export class RegistryFollower {
  readonly view = new RegistryView();
  private topicView?: TopicView<ModelVersionEvent>;

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly logger: Logger,
    private readonly onChange: (modelId: string) => void,
  ) {}

  async start(timeoutMs = 60_000): Promise<void> {
    this.topicView = new TopicView(this.client, this.codecs, {
      topic: topicName('modelVersions'),
      contract: ModelVersionEventContract,
      groupIdPrefix: 'continuum-promoter-registry',
      onUndecodable: (r) =>
        this.logger.warn(
          { offset: r.offset, partition: r.partition },
          'undecodable ct.model-versions record',
        ),
      onRecord: (r) => {
        if (!r.value) return;
        this.view.apply(r.value);
        this.onChange(r.value.modelId);
      },
    });
    await this.topicView.start();
    await this.topicView.caughtUp(timeoutMs);
  }

  /** Resolves when every ct.model-versions record written so far has been applied. */
  async sync(timeoutMs = 10_000): Promise<void> {
    await this.topicView?.sync(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.topicView?.stop();
  }
}
