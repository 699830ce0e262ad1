export type Assignment = Record<string, number[]>;

/**
 * Created with the module, before any provider: KafkaModule's consumer options take its
 * `onAssignment`, and PartitionWindowing listens to it once it exists.
 */
export class AssignmentRelay {
  private listener?: (assignment: Assignment) => void;
  private last?: Assignment;

  readonly onAssignment = (assignment: Assignment): void => {
    this.last = assignment;
    this.listener?.(assignment);
  };

  listen(listener: (assignment: Assignment) => void): void {
    this.listener = listener;
    if (this.last) listener(this.last);
  }
}
