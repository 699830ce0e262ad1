import { randomInt } from 'node:crypto';
import { type ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2, the Java client's key hash) of
 * data[0, length), in 32-bit integer arithmetic as Java computes it. kafkajs' own copy multiplies
 * BigInt-backed Longs and allocates a Buffer per key, about 3 µs per key on this machine: the
 * producer path's second cost after record encoding (libs/kafka/README.md, "The producer path").
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  // The last one to three bytes (Java's switch falls through the cases).
  const tail = length & 3;
  if (tail === 3) h ^= data[blocks + 2] << 16;
  if (tail >= 2) h ^= data[blocks + 1] << 8;
  if (tail >= 1) {
    h ^= data[blocks];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** UTF-8 bytes of string keys, reused: an ASCII key is hashed without allocating. */
let scratch = Buffer.allocUnsafe(256);

/** murmur2 of a record key as Kafka hashes it: a Buffer's bytes, anything else's UTF-8 (String(key)). */
export function keyHash(key: string | Buffer | Uint8Array | number): number {
  if (key instanceof Uint8Array) return murmur2(key);
  const text = typeof key === 'string' ? key : String(key);
  const n = text.length;
  if (n <= scratch.length) {
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[i] = c;
    }
    if (i === n) return murmur2(scratch, n);
  }
  const length = Buffer.byteLength(text, 'utf8');
  if (length > scratch.length) scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(length)));
  scratch.write(text, 0, length, 'utf8');
  return murmur2(scratch, length);
}

/** Java's Utils.toPositive: the hash's low 31 bits (not its absolute value). */
function toPositive(hash: number): number {
  return hash & 0x7fffffff;
}

/**
 * The partition `key` lands on among `partitionCount` partitions, as Kafka's default partitioner
 * (murmur2, the Java client's and every Continuum producer's) computes it. Services use it to
 * know which partition, hence which instance, owns a model.
 */
export function keyPartition(key: string, partitionCount: number): number {
  return toPositive(keyHash(key)) % partitionCount;
}

/**
 * kafkajs' DefaultPartitioner (the Java client's) with this murmur2: a message's own partition if
 * it has one, else its key's murmur2, else round robin over the partitions that have a leader,
 * from a random start per topic. Same partition for every key as kafkajs' and Java's.
 */
export const murmur2Partitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return toPositive(keyHash(message.key)) % partitionMetadata.length;
    }
    const counter = (counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[toPositive(counter) % available.length].partitionId;
    return toPositive(counter) % partitionMetadata.length;
  };
};
