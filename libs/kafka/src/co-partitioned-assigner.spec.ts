import { AssignerProtocol, type Cluster } from 'kafkajs';
import { CoPartitionedAssigner, coPartitionedAssigner } from './co-partitioned-assigner';

function decode(buffer: Buffer): Record<string, number[]> {
  return (AssignerProtocol.MemberAssignment.decode(buffer) as { assignment: Record<string, number[]> })
    .assignment;
}

const cluster = {
  findTopicPartitionMetadata: () => Array.from({ length: 6 }, (_, partitionId) => ({ partitionId })),
} as unknown as Cluster;

/** A group member as the broker hands it to the leader: its id and the metadata it announced. */
function member(memberId: string, instanceId: string) {
  const protocol = coPartitionedAssigner(instanceId)({ cluster, groupId: 'g', logger: {} as never }).protocol(
    {
      topics: ['predictions', 'labels'],
    },
  );
  return { memberId, memberMetadata: protocol.metadata };
}

async function assign(members: Array<{ memberId: string; memberMetadata: Buffer }>) {
  const result = await CoPartitionedAssigner({ cluster, groupId: 'g', logger: {} as never }).assign({
    members,
    topics: ['predictions', 'labels'],
  });
  return Object.fromEntries(result.map((r) => [r.memberId, decode(r.memberAssignment)]));
}

describe('coPartitionedAssigner', () => {
  it('gives partition p of every topic to the same member', async () => {
    expect(await assign([member('b', ''), member('a', ''), member('c', '')])).toEqual({
      a: { predictions: [0, 3], labels: [0, 3] },
      b: { predictions: [1, 4], labels: [1, 4] },
      c: { predictions: [2, 5], labels: [2, 5] },
    });
  });

  it('keeps partitions with the same instance when member ids change on restart', async () => {
    const before = await assign([member('m-17', 'evaluator-0'), member('m-03', 'evaluator-1')]);
    const after = await assign([member('m-99', 'evaluator-0'), member('m-42', 'evaluator-1')]);
    expect(before['m-17']).toEqual(after['m-99']);
    expect(before['m-03']).toEqual(after['m-42']);
    expect(before['m-17']).toEqual({ predictions: [0, 2, 4], labels: [0, 2, 4] });
  });

  it('gives everything to a single member', async () => {
    expect(await assign([member('x', 'only')])).toEqual({
      x: { predictions: [0, 1, 2, 3, 4, 5], labels: [0, 1, 2, 3, 4, 5] },
    });
  });
});
