/** Jest globalTeardown of the fault project: stops this run's Kafka and registry, whatever happened. */
import { PRIVATE_INFRA_ENV, stopPrivateInfra } from './private-infra';

export default async function faultsTeardown(): Promise<void> {
  const json = process.env[PRIVATE_INFRA_ENV];
  if (json) await stopPrivateInfra(JSON.parse(json));
}
