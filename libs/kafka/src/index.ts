/**
 * @continuum/kafka — Continuum's Kafka runtime: the client seam, typed producing and batch
 * consuming with dead letters, and the state primitives services build on (topic views, keyed
 * state topics, key partitioning, serial queues, consumer assignments). Only this package imports
 * values from kafkajs. The NestJS integration (KafkaModule, the KafkaBatchTransport) is on its own
 * entry point, `@continuum/kafka/nest`, so that pure users load no NestJS.
 */
export { KafkaRuntimeError, KafkaUsageError, KafkaTimeoutError, TopicLayoutError } from './errors';

// Client seam and configuration
export { type KafkaClient, createKafkaClient, KAFKA_CLIENT } from './kafka-client';
export { KafkaClientError } from './confluent-client';
export { type KafkaConfig, kafkaConfigSpec, loadKafkaConfig } from './kafka-config';
export type { IHeaders as RecordHeaders } from 'kafkajs';

// Topics
export { brokersReachable, waitForKafkaAndRegistry } from './startup-wait';
export {
  provisionCatalog,
  provisionTopics,
  waitForTopicLeaders,
  type TopicToProvision,
  type ProvisioningResult,
} from './topic-provisioning';

// Producing
export { EventProducer, type OutgoingEvent } from './event-producer';
export { DeadLetterPublisher, toDeadLetter, type DeadLetterKind, type FailedRecord } from './dead-letter';

// Consuming in batches
export {
  BatchConsumer,
  type BatchConsumerOptions,
  type BatchContext,
  type BatchHandlerFn,
  type ConsumedRecord,
  type Subscription,
} from './batch-consumer';
export { ColumnarBatch, type ColumnarHandlerFn, type ColumnarSubscription } from './columnar-batch';
export { coPartitionedAssigner, CoPartitionedAssigner } from './co-partitioned-assigner';
export { ConsumerMetrics } from './consumer-metrics';
export { ConsumerAssignments, type Assignment } from './consumer-assignments';

// State from topics
export {
  TopicView,
  type TopicViewOptions,
  type ViewRecord,
  type ViewBatch,
  type ViewStart,
  type UndecodableRecord,
} from './state/topic-view';
export {
  readRange,
  readToEnd,
  offsetsForTimestamp,
  topicOffsets,
  type OffsetRanges,
  type RangeReadOptions,
  type ReadToEndOptions,
} from './state/topic-range';
export { KeyedStateTopic, type KeyedStateTopicOptions } from './state/keyed-state-topic';
export {
  StateChangelog,
  type StateChangelogOptions,
  type ChangelogEntry,
  type RestoreResult,
} from './state/state-changelog';
export { ModelRegistryFollower, type ModelRegistryFollowerOptions } from './state/model-registry-follower';

// Keys and ordering
export { keyPartition, murmur2Partitioner } from './key-partition';
export { KeyedSerialQueue } from './serial-queue';
