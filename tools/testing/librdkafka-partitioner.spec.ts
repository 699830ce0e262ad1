import { keyPartition } from '@continuum/kafka';
import { librdkafkaDefaultPartition } from './librdkafka-partitioner';

describe("librdkafka's default partitioner (consistent_random = CRC-32 of the key modulo the partition count)", () => {
  it('matches the values derived by hand from the CRC-32 check values', () => {
    // CRC-32("123456789") = 0xCBF43926 = 3421780262 (the standard check value): mod 6 = 2, mod 4 = 2.
    expect(librdkafkaDefaultPartition('123456789', 6)).toBe(2);
    expect(librdkafkaDefaultPartition('123456789', 4)).toBe(2);
    // CRC-32("The quick brown fox jumps over the lazy dog") = 0x414FA339 = 1095738169: mod 6 = 1, mod 5 = 4.
    expect(librdkafkaDefaultPartition('The quick brown fox jumps over the lazy dog', 6)).toBe(1);
    expect(librdkafkaDefaultPartition('The quick brown fox jumps over the lazy dog', 5)).toBe(4);
    // CRC-32("") = 0: an empty (non-null) key goes to partition 0.
    expect(librdkafkaDefaultPartition('', 6)).toBe(0);
  });

  it('differs from murmur2 for most keys, which is why the evaluator re-routes', () => {
    const ids = Array.from({ length: 600 }, (_, i) => `evt-${i}`);
    const same = ids.filter((id) => librdkafkaDefaultPartition(id, 6) === keyPartition(id, 6)).length;
    expect(same).toBeGreaterThan(0);
    expect(same).toBeLessThan(ids.length / 3);
  });
});
