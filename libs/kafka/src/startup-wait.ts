import { connect } from 'node:net';
import { type ContractRegistry } from '@continuum/events';
import { type Logger, type ProbeResult, waitForDependency } from '@continuum/observability';
import { type KafkaConfig } from './kafka-config';

/** Why one broker did not accept a TCP connection, or undefined when it did. */
function brokerRefusal(broker: string, timeoutMs: number): Promise<string | undefined> {
  const at = broker.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: broker.slice(0, at), port: Number(broker.slice(at + 1)) });
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`${broker}: no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done());
    socket.once('error', (error) => done(`${broker}: ${error.message}`));
  });
}

/**
 * Whether any bootstrap broker accepts a connection. A connection is all this asks: kafkajs
 * retries what follows (metadata, coordinators) while a just-started broker settles, but it
 * gives up on a broker that is not there yet after a few seconds with a line per attempt.
 */
export async function brokersReachable(brokers: string[], timeoutMs = 2_000): Promise<ProbeResult> {
  const refusals = await Promise.all(brokers.map((broker) => brokerRefusal(broker, timeoutMs)));
  if (refusals.some((reason) => reason === undefined)) return { ok: true };
  return { ok: false, reason: refusals.join('; ') };
}

/**
 * Waits at start-up for Kafka, then for the schema registry, each for at most
 * STARTUP_WAIT_TIMEOUT, with one log line while waiting.
 */
export async function waitForKafkaAndRegistry(
  config: KafkaConfig,
  registry: ContractRegistry,
  logger: Logger,
): Promise<void> {
  const common = { timeoutMs: config.startupWaitMs, timeoutEnv: 'STARTUP_WAIT_TIMEOUT', logger };
  await waitForDependency({
    ...common,
    name: 'Kafka',
    target: config.brokers.join(','),
    probe: () => brokersReachable(config.brokers),
  });
  await waitForDependency({
    ...common,
    name: 'the schema registry',
    target: config.registryUrl,
    probe: () => registry.probe(),
  });
}
