import { type ArtifactStore } from '@continuum/artifact-store';
import {
  type EventCodecs,
  type LabelledExample as ExampleEvent,
  Topics,
  type TrainerCheckpoint,
} from '@continuum/events';
import { type KafkaClient, type KeyedStateTopic, TopicView, topicOffsets } from '@continuum/kafka';
import { decodeModelArtifact } from '@continuum/learning';
import { type Logger } from '@continuum/observability';
import { type RegisterVersionRequest } from '@continuum/registry';
import { createModel } from '../core/model-factory';
import { resolveFamily } from '../core/plan';
import { toTrainingExample } from '../core/training-example';
import { type TrainerMetrics } from '../metrics/trainer-metrics';
import { type ModelTrainingPolicy } from '../policy/trainer-policy';
import { type TrainerRegistry } from '../registry/trainer-registry';
import { OnlineLearner, type PrequentialState } from './online-learner';
import { type MergeItem, PartitionMerge } from './partition-merge';

/** What a checkpoint's `prequential` field holds besides the counters: where the learner started. */
interface OnlineState {
  version: 1;
  prequential: PrequentialState;
  /** Offsets the learner started from (the lineage of its snapshots starts there). */
  origin: Record<number, number>;
  /** The version the learner started from (parent of its snapshots), if any. */
  parentVersion: string | null;
  checkpoints: number;
}

export interface OnlineRunnerDeps {
  client: KafkaClient;
  codecs: EventCodecs;
  store: ArtifactStore;
  registry: TrainerRegistry;
  checkpoints: KeyedStateTopic<TrainerCheckpoint>;
  metrics: TrainerMetrics;
  logger: Logger;
  examplesTopic: string;
  codeVersion: string;
  clock?: () => number;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * One model's online learner: follows ct.examples from its checkpoint through a deterministic
 * partition merge, learns micro-batches (prequential metrics as it goes), checkpoints the learner
 * (artifact store, one of two slots) and then its positions (compacted topic) together, and
 * registers a snapshot version every `snapshotEvery` examples or `snapshotInterval`.
 */
export class OnlineRunner {
  private view?: TopicView<ExampleEvent>;
  private merge!: PartitionMerge<ExampleEvent | null>;
  private learner: OnlineLearner | null = null;
  private state!: OnlineState;
  /** Positions at the last learned batch: what a checkpoint may claim. */
  private learnedPositions = new Map<number, number>();
  private checkpointedExamples = -1;
  private snapshots = 0;
  private lastSnapshotAt = 0;
  private lastSnapshotExamples = 0;
  private newestTimestamp = 0;
  private lock: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly clock: () => number;

  constructor(
    readonly modelId: string,
    private readonly policy: ModelTrainingPolicy,
    private readonly deps: OnlineRunnerDeps,
  ) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Serialises batches, end refreshes, checkpoints and the final flush. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const next = this.lock.then(work);
    this.lock = next.catch((error: unknown) =>
      this.deps.logger.error({ err: error, modelId: this.modelId }, 'online learner step failed'),
    );
    return next;
  }

  async start(): Promise<void> {
    const { client, examplesTopic } = this.deps;
    const ends = await topicOffsets(client, examplesTopic);
    const checkpoint = this.deps.checkpoints.get(this.modelId);
    const positions = new Map<number, number>();
    if (checkpoint) {
      const bytes = await this.deps.store.get(checkpoint.learner);
      this.state = JSON.parse(checkpoint.prequential) as OnlineState;
      this.learner = OnlineLearner.restore(
        new Uint8Array(bytes),
        this.state.prequential,
        this.policy.online.batchSize,
      );
      for (const p of checkpoint.positions) positions.set(p.partition, p.offset);
      this.snapshots = checkpoint.snapshots;
      this.lastSnapshotAt = checkpoint.lastSnapshotAt;
      this.lastSnapshotExamples = checkpoint.lastSnapshotExamples;
      this.checkpointedExamples = checkpoint.examplesLearned;
    } else {
      const champion = await this.deps.registry.champion(this.modelId);
      this.learner = champion?.artifact
        ? await this.fromChampion(champion.artifact)
        : await this.freshLearner();
      this.state = {
        version: 1,
        prequential: this.learner.prequential,
        origin: {},
        parentVersion: champion?.artifact ? champion.version : null,
        checkpoints: 0,
      };
      for (const [p, [low, high]] of Object.entries(ends))
        positions.set(Number(p), Number(this.policy.online.start === 'earliest' ? low : high));
      this.state.origin = Object.fromEntries(positions);
      this.lastSnapshotAt = this.clock();
    }
    for (const [p, [, high]] of Object.entries(ends))
      if (!positions.has(Number(p))) positions.set(Number(p), Number(high));
    this.learnedPositions = new Map(positions);
    this.merge = new PartitionMerge(positions);
    this.merge.setEnds(new Map(Object.entries(ends).map(([p, [, high]]) => [Number(p), Number(high)])));
    this.deps.logger.info(
      {
        modelId: this.modelId,
        resumed: checkpoint !== undefined,
        examplesLearned: this.learner?.examplesLearned ?? 0,
        positions: Object.fromEntries(positions),
      },
      'online learner starting',
    );
    this.view = new TopicView(client, this.deps.codecs, {
      topic: examplesTopic,
      contract: Topics.examples.contract,
      from: { offsets: Object.fromEntries([...positions].map(([p, o]) => [p, String(o)])) },
      groupIdPrefix: `continuum-trainer-online-${safe(this.modelId)}`,
      onBatch: (records, batch) =>
        this.exclusive(async () => {
          if (batch.stale() || this.stopped) return;
          this.merge.push(
            batch.partition,
            records.map((r): MergeItem<ExampleEvent | null> => ({
              partition: r.partition,
              offset: Number(r.offset),
              timestamp: r.timestamp,
              value: r.value,
            })),
          );
          await this.releaseAndLearn();
        }),
    });
    await this.view.start();
    const every = (ms: number, work: () => Promise<void>) =>
      this.timers.push(setInterval(() => void this.exclusive(work).catch(() => undefined), ms));
    every(1_000, () => this.refreshEnds());
    every(this.policy.online.checkpointIntervalMs, () => this.checkpoint());
  }

  private async refreshEnds(): Promise<void> {
    if (this.stopped) return;
    const ends = await topicOffsets(this.deps.client, this.deps.examplesTopic);
    this.merge.setEnds(new Map(Object.entries(ends).map(([p, [, high]]) => [Number(p), Number(high)])));
    await this.releaseAndLearn();
  }

  private async releaseAndLearn(): Promise<void> {
    const released: Array<MergeItem<ExampleEvent | null>> = [];
    const cursor = new Map(this.merge.positions);
    this.merge.release((item) => released.push(item));
    const learner = this.learner!;
    let learned = false;
    for (const item of released) {
      cursor.set(item.partition, item.offset + 1);
      const event = item.value;
      if (!event || event.modelId !== this.modelId) continue;
      const example = toTrainingExample(event, item.partition, item.offset);
      this.newestTimestamp = Math.max(this.newestTimestamp, example.timestamp);
      if (!learner.add(example)) continue;
      // Every record up to here is either learned or another model's: a checkpoint may claim them.
      learned = true;
      this.learnedPositions = new Map(cursor);
      this.deps.metrics.onlineExamples.inc({ model_id: this.modelId }, this.policy.online.batchSize);
      const sinceSnapshot = learner.examplesLearned - this.lastSnapshotExamples;
      if (
        sinceSnapshot >= this.policy.online.snapshotEvery ||
        this.clock() - this.lastSnapshotAt >= this.policy.online.snapshotIntervalMs
      )
        await this.snapshot();
    }
    // Nothing pending: the other models' records after the last batch are accounted for too.
    if (learner.pendingCount === 0) this.learnedPositions = new Map(cursor);
    if (learned) this.deps.metrics.onlineAccuracy.set({ model_id: this.modelId }, learner.recentScore());
  }

  private async fromChampion(ref: { uri: string; sha256: string; size: number }): Promise<OnlineLearner> {
    const model = decodeModelArtifact(new Uint8Array(await this.deps.store.get(ref))).model;
    try {
      return new OnlineLearner(model.clone({ engine: 'js' }), this.policy.online.batchSize);
    } finally {
      model.dispose();
    }
  }

  /** A new model from the registry's task and feature contract and the policy (no champion to start from). */
  private async freshLearner(): Promise<OnlineLearner> {
    const model = await this.deps.registry.model(this.modelId);
    if (!model?.task || !model.contract)
      throw new Error(
        `model '${this.modelId}' is not in the registry with a task and a feature contract: its online learner cannot start`,
      );
    const created = createModel(
      {
        family: resolveFamily(this.policy.family, model.task),
        task: model.task,
        contract: model.contract,
        hyperParameters: this.policy.hyperParameters,
        classes: this.policy.classes,
        seed: this.policy.seed,
      },
      [],
    );
    return new OnlineLearner(created, this.policy.online.batchSize);
  }

  private lineage(): RegisterVersionRequest['lineage'] {
    return {
      examples: [...this.learnedPositions]
        .map(([partition, toOffset]) => ({
          topic: this.deps.examplesTopic,
          partition,
          fromOffset: this.state.origin[partition] ?? 0,
          toOffset,
        }))
        .filter((r) => r.toOffset > r.fromOffset),
      seed: this.policy.seed,
      codeVersion: this.deps.codeVersion,
      hyperParameters: {
        family: this.learner?.model.config.kind,
        online: this.policy.online,
        ...this.policy.hyperParameters,
      },
    };
  }

  private async snapshot(): Promise<void> {
    const learner = this.learner!;
    const examples = learner.examplesLearned;
    const bytes = learner.encode({
      modelId: this.modelId,
      parentVersion: this.state.parentVersion,
      createdAt: new Date(this.newestTimestamp).toISOString(),
      metrics: learner.metrics(),
    });
    const ref = await this.deps.store.put(
      `models/${safe(this.modelId)}/online/snapshot-${examples}.ctm`,
      bytes,
    );
    try {
      const registered = await this.deps.registry.register(this.modelId, {
        ...(this.state.parentVersion ? { parentVersion: this.state.parentVersion } : {}),
        strategy: 'ONLINE',
        lineage: this.lineage(),
        metrics: learner.metrics(),
        artifact: ref,
        idempotencyKey: `online:${this.modelId}:${examples}`,
        stage: 'CANDIDATE',
        actor: 'trainer',
        reason: `online snapshot after ${examples} examples`,
      });
      this.deps.metrics.onlineSnapshots.inc({ model_id: this.modelId });
      this.deps.logger.info(
        { modelId: this.modelId, version: registered.version.version, examples, metrics: learner.metrics() },
        'online snapshot registered',
      );
    } catch (error) {
      this.deps.logger.warn(
        { err: error, modelId: this.modelId, examples },
        'online snapshot not registered',
      );
      return;
    }
    this.snapshots++;
    this.lastSnapshotAt = this.clock();
    this.lastSnapshotExamples = examples;
    await this.checkpoint();
  }

  /** Writes the learner (alternating slots), then the checkpoint naming it with the positions it covers. */
  async checkpoint(): Promise<void> {
    const learner = this.learner;
    if (!learner || learner.examplesLearned === this.checkpointedExamples) return;
    const seq = this.state.checkpoints + 1;
    const bytes = learner.encode({ modelId: this.modelId, checkpoint: seq });
    const ref = await this.deps.store.put(
      `models/${safe(this.modelId)}/online/checkpoint-${seq % 2}.ctm`,
      bytes,
    );
    this.state.checkpoints = seq;
    this.state.prequential = learner.prequential;
    await this.deps.checkpoints.put(this.modelId, {
      modelId: this.modelId,
      positions: [...this.learnedPositions].map(([partition, offset]) => ({
        topic: this.deps.examplesTopic,
        partition,
        offset,
      })),
      learner: ref,
      examplesLearned: learner.examplesLearned,
      snapshots: this.snapshots,
      lastSnapshotAt: this.lastSnapshotAt,
      lastSnapshotExamples: this.lastSnapshotExamples,
      prequential: JSON.stringify(this.state),
      writtenAt: this.clock(),
    });
    this.checkpointedExamples = learner.examplesLearned;
    this.deps.metrics.onlineCheckpoints.inc({ model_id: this.modelId });
  }

  /** Stops following and writes a last checkpoint. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.exclusive(async () => {
      this.stopped = true;
      await this.view?.stop();
      await this.checkpoint();
    }).catch(() => undefined);
  }
}
