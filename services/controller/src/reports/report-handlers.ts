import { Injectable } from '@nestjs/common';
import { type DriftReport, type PerformanceReport } from '@continuum/events';
import { BatchHandler, type ConsumedRecord } from '@continuum/kafka';
import { ControllerRuntime } from '../runtime/controller-runtime';
import { validateDriftReport, validatePerformanceReport } from './report-validation';

/**
 * The monitor's drift reports and the evaluator's performance reports. Each batch resolves (and so
 * its offsets are committed) only after the trigger state it changed is checkpointed.
 */
@Injectable()
export class ReportHandlers {
  constructor(private readonly runtime: ControllerRuntime) {}

  @BatchHandler('driftReports', { validate: validateDriftReport })
  async onDriftReports(records: Array<ConsumedRecord<DriftReport>>): Promise<void> {
    await this.runtime.applyDriftReports(records);
  }

  @BatchHandler('performance', { validate: validatePerformanceReport })
  async onPerformanceReports(records: Array<ConsumedRecord<PerformanceReport>>): Promise<void> {
    await this.runtime.applyPerformanceReports(records);
  }
}
