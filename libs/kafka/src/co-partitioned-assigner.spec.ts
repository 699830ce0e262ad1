import { AssignerProtocol, type Cluster } from 'kafkajs';
import { CoPartitionedAssigner } from './co-partitioned-assigner';

function decode(buffer: Buffer): Record<string, number[]> {
  return (AssignerProtocol.MemberAssignment.decode(buffer) as { assignment: Record<string, number[]> })
    .assignment;
}

describe('CoPartitionedAssigner', () => {
  const cluster = {
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: topic === 'labels' ? 6 : 6 }, (_, partitionId) => ({ partitionId })),
  } as unknown as Cluster;
  const assigner = CoPartitionedAssigner({ cluster, groupId: 'g', logger: {} as never });

  it('gives partition p of every topic to the same member', async () => {
    const members = [{ memberId: 'b' }, { memberId: 'a' }, { memberId: 'c' }].map((m) => ({
      ...m,
      memberMetadata: Buffer.alloc(0),
    }));
    const result = await assigner.assign({ members, topics: ['predictions', 'labels'] });
    const byMember = Object.fromEntries(result.map((r) => [r.memberId, decode(r.memberAssignment)]));
    expect(byMember).toEqual({
      a: { predictions: [0, 3], labels: [0, 3] },
      b: { predictions: [1, 4], labels: [1, 4] },
      c: { predictions: [2, 5], labels: [2, 5] },
    });
  });

  it('gives everything to a single member', async () => {
    const result = await assigner.assign({
      members: [{ memberId: 'x', memberMetadata: Buffer.alloc(0) }],
      topics: ['predictions', 'labels'],
    });
    expect(decode(result[0].memberAssignment)).toEqual({
      predictions: [0, 1, 2, 3, 4, 5],
      labels: [0, 1, 2, 3, 4, 5],
    });
  });
});
