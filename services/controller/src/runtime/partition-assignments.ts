import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * The partitions of the report topics this instance owns, as the consumer group last assigned
 * them. The group assigns partition p of both report topics to one member (co-partitioned), and
 * both are keyed by modelId, so owning p means owning every model whose key hashes to p: its
 * reports, its schedule and its manual requests.
 */
export class PartitionAssignments {
  private assignment: Record<string, number[]> = {};
  private version = 0;

  /** Called by the consumer after every rebalance. */
  update(assignment: Record<string, number[]>): void {
    this.assignment = assignment;
    this.version += 1;
  }

  get generation(): number {
    return this.version;
  }

  /** Partitions assigned on any of `topics` (they are co-partitioned, so one set). */
  partitions(topics: string[]): Set<number> {
    const out = new Set<number>();
    for (const t of topics) for (const p of this.assignment[t] ?? []) out.add(p);
    return out;
  }
}

const partitioner = Partitioners.DefaultPartitioner();

/** The partition a modelId key lands on: murmur2, as every Continuum producer (and the Java client) uses. */
export function partitionOfKey(key: string, partitionCount: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
