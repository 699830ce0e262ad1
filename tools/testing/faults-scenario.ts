/**
 * The shape of one service's part in the fault suite (e2e/outages.fault-spec.ts): a seeded stream
 * in four parts, run once uninterrupted (the reference) and once through the faults the suite
 * injects between the parts; `verify` compares the two runs' reports field by field.
 */
import { type ServiceProcess } from './integration';

export interface FaultScenario {
  readonly name: string;
  /** Prepares the faulted run's topics, makes its encoders (before any fault) and starts the service. */
  start(): Promise<ServiceProcess>;
  /** Produces part `part` (0–3) of the stream to the faulted run. */
  send(part: number): Promise<void>;
  /** Records of its source topic the faulted run has consumed (committed offsets). */
  consumed(): Promise<number>;
  /** Records of its source topic in the first `parts` parts. */
  recordsIn(parts: number): number;
  /** Runs the same stream uninterrupted on topics of its own and keeps its reports. */
  reference(): Promise<void>;
  /** Waits for the faulted run's reports and expects them equal to the reference's. */
  verify(): Promise<void>;
  /** Stops whatever it started. */
  stop(): Promise<void>;
}
