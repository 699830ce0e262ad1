import { type EvaluatorPartial, type PerformanceReport } from '@continuum/events';
import { type SourceRecord } from '../join/partition-progress';
import { type WriteOp } from '../state/key-value-store';
import { type CombineResult, type PerformanceCombiner } from './performance-combiner';

/** The second stage's I/O, in the order the runtime calls it. */
export interface CombinerPorts {
  /** Publishes the reports to ct.performance (resolves once the broker acknowledged them). */
  publish(reports: PerformanceReport[]): Promise<void>;
  /** The one atomic write of the combiner's state and next offset. */
  write(ops: WriteOp[]): Promise<void>;
}

/**
 * Orders the second stage's I/O around `PerformanceCombiner`: the reports are published before
 * the atomic write that records them as published, and the batch resolves (so the transport
 * commits its offsets) only after that write. A crash between the two publishes the same reports
 * again from the unchanged state; the other order could lose them. A failed batch forgets the
 * combiner's cached progress, so its retry starts from the store.
 */
export class CombinerRuntime {
  constructor(
    private readonly combiner: PerformanceCombiner,
    private readonly ports: CombinerPorts,
  ) {}

  async handleBatch(
    records: ReadonlyArray<SourceRecord<EvaluatorPartial>>,
    producedAt: number,
  ): Promise<CombineResult> {
    try {
      const result = await this.combiner.process(records, producedAt);
      if (result.reports.length > 0) await this.ports.publish(result.reports);
      await this.ports.write(result.ops);
      this.combiner.committed(result);
      return result;
    } catch (error) {
      this.combiner.reset();
      throw error;
    }
  }
}
