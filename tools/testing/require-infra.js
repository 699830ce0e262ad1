// Jest globalSetup for integration tests: they talk to a real Kafka broker and schema
// registry, so fail fast with one clear line when those are not running.
const net = require('node:net');

function reachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async function requireInfra() {
  const broker = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',')[0];
  const [host, port] = broker.split(':');
  const registry = new URL(process.env.SCHEMA_REGISTRY_URL || 'http://127.0.0.1:8081/apis/ccompat/v7');
  const missing = [];
  if (!(await reachable(host, Number(port)))) missing.push(`Kafka at ${broker}`);
  if (!(await reachable(registry.hostname, Number(registry.port || 80))))
    missing.push(`schema registry at ${registry.origin}`);
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need ${missing.join(' and ')}, which did not answer. Start them with: tools/infra up`,
    );
  }
};
