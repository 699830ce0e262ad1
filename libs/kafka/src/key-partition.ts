import { Partitioners, type PartitionMetadata } from 'kafkajs';

// kafkajs's default partitioner is the Java client's murmur2: reusing it keeps "the partition of a
// key" one definition across Continuum, whichever client produced the record.
const murmur2Partitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

/**
 * The partition `key` lands on among `partitionCount` partitions, as Kafka's default partitioner
 * (murmur2, the Java client's and every Continuum producer's) computes it. Services use it to
 * know which partition, hence which instance, owns a model.
 */
export function keyPartition(key: string, partitionCount: number): number {
  let metadata = metadataCache.get(partitionCount);
  if (!metadata) {
    metadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataCache.set(partitionCount, metadata);
  }
  return murmur2Partitioner({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
}
