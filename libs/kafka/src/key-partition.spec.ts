import { keyPartition } from './key-partition';

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
});
