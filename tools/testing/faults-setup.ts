/**
 * Jest globalSetup of the fault project (`npm run test:faults`): starts this run's own Kafka and
 * schema registry (tools/testing/private-infra.ts) and points every client of the run at them.
 */
import { PRIVATE_INFRA_ENV, startPrivateInfra } from './private-infra';

export default async function faultsSetup(): Promise<void> {
  const infra = await startPrivateInfra();
  process.env[PRIVATE_INFRA_ENV] = JSON.stringify(infra);
  Object.assign(process.env, infra.clientEnv);
}
