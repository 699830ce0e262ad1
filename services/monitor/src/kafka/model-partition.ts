import { Partitioners, type PartitionMetadata } from 'kafkajs';

// kafkajs's default partitioner is the Java client's murmur2: reusing it keeps "the partition of a
// key" one definition across Continuum, whichever client produced the record.
const murmur2Partitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

/** The partition of `key` among `partitions` as Kafka's default partitioner computes it (murmur2). */
export function keyPartition(key: string, partitions: number): number {
  let metadata = metadataCache.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataCache.set(partitions, metadata);
  }
  return murmur2Partitioner({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
}
