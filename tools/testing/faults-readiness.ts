/**
 * Readiness during the fault suite's outages: a service says it is not ready while its broker or
 * registry is away, with the reason, and its connection gauge says 0; it is ready again after.
 */
import { type ServiceProcess, waitFor } from './integration';

export const CONNECTION_GAUGES = {
  'kafka-broker': 'continuum_kafka_connected',
  'schema-registry': 'continuum_schema_registry_reachable',
} as const;

export type ConnectionCheck = keyof typeof CONNECTION_GAUGES;

/** Waits until `service` reports not ready because of `check`; returns the reason it gives. */
export async function notReadyBecauseOf(
  service: ServiceProcess,
  check: ConnectionCheck,
  timeoutMs = 120_000,
): Promise<string> {
  return waitFor(
    `${service.name} to report not ready (${check})`,
    async () => {
      const { ready, failing } = await service.readiness();
      if (ready || failing[check] === undefined) return false;
      return (await service.metric(CONNECTION_GAUGES[check])) === 0 && failing[check];
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** Waits until `service` is ready again with both connection gauges at 1. */
export async function readyAgain(service: ServiceProcess, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    `${service.name} to be ready again`,
    async () =>
      (await service.readiness()).ready &&
      (await service.metric(CONNECTION_GAUGES['kafka-broker'])) === 1 &&
      (await service.metric(CONNECTION_GAUGES['schema-registry'])) === 1,
    { timeoutMs, intervalMs: 500 },
  );
}
