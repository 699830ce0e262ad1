import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type DriftReport, type PerformanceReport } from '@continuum/events';
import { type ConsumedRecord } from '@continuum/kafka';
import { type BatchPatternOptions, KafkaBatchContext } from '@continuum/kafka/nest';
import { ControllerRuntime } from '../runtime/controller-runtime';
import { validateDriftReport, validatePerformanceReport } from './report-validation';

/**
 * The monitor's drift reports and the evaluator's performance reports. Each batch resolves (and so
 * its offsets are committed) only after the trigger state it changed is checkpointed.
 */
@Controller()
export class ReportHandlers {
  constructor(private readonly runtime: ControllerRuntime) {}

  @EventPattern('driftReports', {
    batch: true,
    validate: validateDriftReport,
  } satisfies BatchPatternOptions<DriftReport>)
  async onDriftReports(
    @Payload() records: Array<ConsumedRecord<DriftReport>>,
    @Ctx() _context: KafkaBatchContext,
  ): Promise<void> {
    await this.runtime.applyDriftReports(records);
  }

  @EventPattern('performance', {
    batch: true,
    validate: validatePerformanceReport,
  } satisfies BatchPatternOptions<PerformanceReport>)
  async onPerformanceReports(
    @Payload() records: Array<ConsumedRecord<PerformanceReport>>,
    @Ctx() _context: KafkaBatchContext,
  ): Promise<void> {
    await this.runtime.applyPerformanceReports(records);
  }
}
