import { SetMetadata } from '@nestjs/common';
import { type TopicKey } from '@continuum/events';

export const BATCH_HANDLER = Symbol('continuum:batch-handler');

export interface BatchHandlerMetadata {
  topic: TopicKey;
  /** Domain validation after decoding; a returned message dead-letters the record. */
  validate?: (value: never) => string | undefined;
  /** The handler commits this topic's offsets itself (see Subscription.manualCommit). */
  manualCommit?: boolean;
}

/**
 * Marks a provider method as the batch handler of one of Continuum's topics. The method receives
 * `(records: ConsumedRecord<T>[], context: BatchContext)` with T the topic's contract; the batch's
 * offsets are committed only after it resolves.
 */
export function BatchHandler(
  topic: TopicKey,
  options: Omit<BatchHandlerMetadata, 'topic'> = {},
): MethodDecorator {
  return SetMetadata(BATCH_HANDLER, { topic, ...options } satisfies BatchHandlerMetadata);
}
