import { crc32 } from 'node:zlib';

/**
 * The partition librdkafka's default partitioner (`consistent_random`, used by the Python, Go,
 * .NET and C clients unless `partitioner` is set) gives a record with a non-null key: the CRC-32
 * (IEEE 802.3, as zlib computes it) of the key's bytes modulo the partition count. Continuum's
 * producers and the Java client use murmur2 instead; tests use this to publish as those clients do.
 */
export function librdkafkaDefaultPartition(key: string, partitionCount: number): number {
  return crc32(Buffer.from(key, 'utf8')) % partitionCount;
}
