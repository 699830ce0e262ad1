/** Partitions per topic, as a consumer group assigned them to this member. */
export type Assignment = Record<string, number[]>;

/**
 * The partitions a consumer group currently assigns to this instance. The batch runtime updates it
 * after every rebalance, before the new assignment's first batch; services inject it to know which
 * keys (models) they own and to rebuild per-partition state.
 */
export class ConsumerAssignments {
  private assignment: Assignment = {};
  private count = 0;
  private readonly listeners: Array<(assignment: Assignment) => void> = [];

  /** Called by the consumer after every rebalance. */
  update(assignment: Assignment): void {
    this.assignment = assignment;
    this.count += 1;
    for (const listener of this.listeners) listener(assignment);
  }

  /** How many assignments there have been: a value remembered before an await tells whether a rebalance happened since. */
  get generation(): number {
    return this.count;
  }

  get current(): Assignment {
    return this.assignment;
  }

  /** Partitions assigned on any of `topics` (co-partitioned topics share one set). */
  partitions(topics: readonly string[]): Set<number> {
    const out = new Set<number>();
    for (const t of topics) for (const p of this.assignment[t] ?? []) out.add(p);
    return out;
  }

  /** Calls `listener` with every new assignment, and now with the current one if there has been one. */
  onChange(listener: (assignment: Assignment) => void): void {
    this.listeners.push(listener);
    if (this.count > 0) listener(this.assignment);
  }
}
