/**
 * Receives the consumer group's assignment (KafkaModule's onAssignment hook is configured before
 * the providers exist, so it calls into this shared object).
 */
export class AssignmentListener {
  private readonly listeners: Array<(assignment: Record<string, number[]>) => void> = [];
  current: Record<string, number[]> = {};

  assigned(assignment: Record<string, number[]>): void {
    this.current = assignment;
    for (const listener of this.listeners) listener(assignment);
  }

  subscribe(listener: (assignment: Record<string, number[]>) => void): void {
    this.listeners.push(listener);
  }
}
