import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { keyHash, keyPartition, murmur2, murmur2Partitioner } from './key-partition';

describe('keyPartition', () => {
  it("hashes with Kafka's murmur2 (Java client test vectors)", () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const java: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of java) {
      for (const n of [1, 3, 6, 7]) expect(keyPartition(key, n)).toBe((hash & 0x7fffffff) % n);
    }
  });

  it('puts a modelId key where the Java client (and every Continuum producer) does', () => {
    // Expected values from org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 4.4.0):
    // toPositive(murmur2(key)) % partitions.
    const java: Array<[string, number, number]> = [
      ['churn', 2, 5],
      ['fraud', 1, 4],
      ['pricing', 2, 5],
      ['model-42', 2, 5],
    ];
    for (const [key, of3, of6] of java) {
      expect([key, keyPartition(key, 3), keyPartition(key, 6)]).toEqual([key, of3, of6]);
    }
  });

  /** kafkajs' own murmur2, the one Continuum used before (BigInt-backed 64-bit arithmetic). */
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
    key: unknown,
  ) => number;

  function generator(seed: number) {
    let state = seed;
    const int = (n: number) => Math.floor(((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    const ascii = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');
    const unicode = (n: number) =>
      Array.from({ length: n }, () => ['é', '€', '模', '😀', 'a', '\u0000', '\ud800'][int(7)]).join('');
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    return { int, ascii, unicode, bytes };
  }

  it("hashes every key as kafkajs' murmur2 does: ASCII, non-ASCII and lone surrogates, Buffers, numbers, long keys", () => {
    const g = generator(3);
    const keys: Array<string | Buffer | number> = [
      '',
      0,
      12345,
      'x'.repeat(300), // longer than the reused scratch buffer
      'é'.repeat(200),
    ];
    for (let i = 0; i < 500; i++) keys.push(g.ascii(g.int(40)), g.unicode(g.int(12)), g.bytes(g.int(40)));
    for (const key of keys) expect([key, keyHash(key)]).toEqual([key, kafkajsMurmur2(key)]);
    // The scratch buffer grew for the long keys: short keys after them still hash right.
    expect(keyHash('21')).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('abcfoobar'), 3)).toBe(479470107); // a prefix: 'abc'
  });

  it("partitions messages as kafkajs' DefaultPartitioner: own partition first, then the key's murmur2", () => {
    const g = generator(9);
    const metadata = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
      Array.from({ length: n }, (_, partitionId) => ({
        partitionId,
        leader: leaderless.includes(partitionId) ? -1 : 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
    const ours = murmur2Partitioner();
    const kafkajs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 1000; i++) {
      const partitionMetadata = metadata(1 + g.int(12), [g.int(12)]);
      const key = [g.ascii(g.int(30)), g.bytes(g.int(30)), g.unicode(g.int(5))][g.int(3)];
      const partition = g.int(4) === 0 ? g.int(partitionMetadata.length) : undefined;
      const args = { topic: 't', partitionMetadata, message: { key, value: null, partition } };
      expect(ours(args)).toBe(kafkajs(args));
    }
  });

  it('spreads keyless messages round robin over the partitions that have a leader, per topic', () => {
    const partitionMetadata: PartitionMetadata[] = [0, 1, 2, 3, 4].map((partitionId) => ({
      partitionId,
      leader: partitionId === 2 ? -1 : 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    const partitioner = murmur2Partitioner();
    const sequence = (topic: string) =>
      Array.from({ length: 8 }, () => partitioner({ topic, partitionMetadata, message: { value: null } }));
    for (const topic of ['a', 'b']) {
      const seen = sequence(topic);
      expect(new Set(seen)).toEqual(new Set([0, 1, 3, 4])); // every led partition, never 2
      expect(seen.slice(4)).toEqual(seen.slice(0, 4)); // in a fixed cycle
    }
  });
});
