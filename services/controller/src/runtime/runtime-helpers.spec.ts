import { PartitionAssignments, partitionOfKey } from './partition-assignments';
import { SerialQueue } from './serial-queue';

describe('model ownership by partition', () => {
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
      expect([key, partitionOfKey(key, 3), partitionOfKey(key, 6)]).toEqual([key, of3, of6]);
    }
  });

  it('tracks the assignment of the co-partitioned report topics', () => {
    const assignments = new PartitionAssignments();
    expect(assignments.generation).toBe(0);
    assignments.update({ drift: [0, 2], performance: [0, 2] });
    expect(assignments.generation).toBe(1);
    expect([...assignments.partitions(['drift', 'performance'])].sort()).toEqual([0, 2]);
    expect(assignments.partitions(['other']).size).toBe(0);
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time in call order, and a failed job does not stop the next', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      };
    const a = queue.run(job('a', 20));
    const b = queue.run(job('b', 1, true));
    const c = queue.run(job('c', 5));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    await queue.drain();
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });
});
