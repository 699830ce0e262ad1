import { type AddressInfo, createServer } from 'node:net';
import { logLevel } from 'kafkajs';
import { kafkajsLevel } from './kafka-client';
import { brokersReachable } from './startup-wait';

describe('brokersReachable', () => {
  it('is reachable when any bootstrap broker accepts a connection, and says why not otherwise', async () => {
    const listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const open = `127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const refused = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      expect(await brokersReachable([refused, open])).toEqual({ ok: true });
      const down = await brokersReachable([refused]);
      expect(down.ok).toBe(false);
      expect(!down.ok && down.reason).toContain(`${refused}: connect ECONNREFUSED`);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});

describe('kafkajs log levels', () => {
  it('sends broker error answers the caller handles to debug', () => {
    expect(kafkajsLevel(logLevel.ERROR, 'Connection', 'Response Metadata(key: 3, version: 6)')).toBe('debug');
    expect(kafkajsLevel(logLevel.ERROR, 'Connection', 'Response InitProducerId(key: 22, version: 1)')).toBe(
      'debug',
    );
  });

  it('keeps crashes at their level', () => {
    expect(kafkajsLevel(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
  });

  it("sends each attempt to reach an absent broker to debug (the connection watch's one line says it)", () => {
    expect(kafkajsLevel(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED')).toBe(
      'debug',
    );
    expect(
      kafkajsLevel(
        logLevel.ERROR,
        'BrokerPool',
        'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:40187',
      ),
    ).toBe('debug');
  });

  it("logs a consumer restart after a starting broker's 'not yet' as info", () => {
    expect(
      kafkajsLevel(
        logLevel.ERROR,
        'Consumer',
        "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
      ),
    ).toBe('info');
    expect(kafkajsLevel(logLevel.ERROR, 'Consumer', 'Restarting the consumer in 200ms')).toBe('info');
    expect(
      kafkajsLevel(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNonRetriableError: Connection error'),
    ).toBe('error');
  });

  it('logs a rebalance kafkajs handles by re-joining as info', () => {
    expect(kafkajsLevel(logLevel.ERROR, 'Runner', 'The group is rebalancing, re-joining')).toBe('info');
  });
});
