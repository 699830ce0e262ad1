/**
 * Jest globalSetup of the fault project (`npm run test:faults`, part of `npm test`): starts this
 * run's own Kafka and schema registry (tools/testing/private-infra.ts), waits until its group
 * coordinator serves groups, and points every client of the run at them. The teardown stops them
 * whatever happened; an interrupted run (Ctrl-C, a CI time limit) stops them too.
 */
import {
  PRIVATE_INFRA_ENV,
  type PrivateInfra,
  startPrivateInfra,
  stopPrivateInfraNow,
  warmUpGroupCoordinator,
} from './private-infra';

export default async function faultsSetup(): Promise<void> {
  const infra: PrivateInfra = await startPrivateInfra();
  process.env[PRIVATE_INFRA_ENV] = JSON.stringify(infra);
  Object.assign(process.env, infra.clientEnv);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopPrivateInfraNow(infra);
      process.kill(process.pid, signal);
    });
  }
  try {
    await warmUpGroupCoordinator(infra);
  } catch (error) {
    stopPrivateInfraNow(infra);
    throw error;
  }
}
