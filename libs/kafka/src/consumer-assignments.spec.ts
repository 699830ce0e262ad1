import { ConsumerAssignments } from './consumer-assignments';

describe('ConsumerAssignments', () => {
  it('tracks the assignment of co-partitioned topics and tells listeners, late ones included', () => {
    const assignments = new ConsumerAssignments();
    const early: Array<Record<string, number[]>> = [];
    assignments.onChange((a) => early.push(a));
    expect([assignments.generation, early]).toEqual([0, []]);
    assignments.update({ drift: [0, 2], performance: [0, 2] });
    expect(assignments.generation).toBe(1);
    expect([...assignments.partitions(['drift', 'performance'])].sort()).toEqual([0, 2]);
    expect(assignments.partitions(['other']).size).toBe(0);
    const late: Array<Record<string, number[]>> = [];
    assignments.onChange((a) => late.push(a));
    assignments.update({ drift: [1] });
    expect(early).toEqual([{ drift: [0, 2], performance: [0, 2] }, { drift: [1] }]);
    expect(late).toEqual([{ drift: [0, 2], performance: [0, 2] }, { drift: [1] }]);
    expect(assignments.current).toEqual({ drift: [1] });
  });
});
