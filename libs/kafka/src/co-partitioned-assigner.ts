import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'ContinuumCoPartitioned';

/**
 * Assigns partition p of every subscribed topic to the same group member, as Kafka Streams does
 * for joins: predictions and labels are both keyed by eventId with the same partitioner and
 * partition count, so one member sees both sides of every eventId and the join stays local.
 *
 * Members are ordered by the stable instance id each one announces (a StatefulSet pod name, a
 * host name), not by the broker's random member ids, so a service whose state lives on local
 * disk gets the same partitions back after a restart as long as the set of instances is the same.
 */
export function coPartitionedAssigner(instanceId = ''): PartitionAssigner {
  return ({ cluster }) => ({
    name: NAME,
    version: 1,
    async assign({ members, topics }) {
      const ordered = members
        .map((m) => {
          const userData = AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData;
          return {
            memberId: m.memberId,
            instance: userData && userData.length > 0 ? userData.toString() : '',
          };
        })
        .sort((a, b) =>
          a.instance === b.instance ? cmp(a.memberId, b.memberId) : cmp(a.instance, b.instance),
        );
      const assignment = new Map<string, Record<string, number[]>>(ordered.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const owner = assignment.get(ordered[partitionId % ordered.length].memberId) as Record<
            string,
            number[]
          >;
          (owner[topic] ??= []).push(partitionId);
        }
      }
      return ordered.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment.get(memberId) as Record<string, number[]>,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(instanceId),
        }),
      };
    },
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The assigner without an instance id: members ordered by member id. */
export const CoPartitionedAssigner: PartitionAssigner = coPartitionedAssigner();
