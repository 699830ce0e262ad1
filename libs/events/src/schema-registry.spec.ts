import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { IncompatibleSchemaError, SchemaRegistryError } from './errors';
import { LabelContract } from './generated/contracts';
import { CompatibilityConflictError, ContractRegistry } from './schema-registry';

/**
 * The retry policy against a local HTTP stand-in that misbehaves on purpose (the real registry is
 * exercised by the integration tests): a registration whose first answer never comes is repeated
 * after the timeout, a refusal (409) is not.
 */
async function standIn(
  onRegister: (attempt: number, res: ServerResponse) => void,
  config: { putStatus?: number; putBody?: object; level?: string } = {},
) {
  let registrations = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.includes('/versions')) return onRegister(++registrations, res);
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/config/'))
        res.end(JSON.stringify({ compatibilityLevel: config.level ?? 'BACKWARD' }));
      else {
        res.statusCode = config.putStatus ?? 200;
        res.end(JSON.stringify(config.putBody ?? { compatibility: 'BACKWARD' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    registrations: () => registrations,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('ContractRegistry retries', () => {
  it('repeats a registration that got no answer within the timeout', async () => {
    const stalled: ServerResponse[] = [];
    const registry = await standIn((attempt, res) => {
      if (attempt === 1) return void stalled.push(res); // never answered
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ id: 42 }));
    });
    try {
      const id = await new ContractRegistry({ url: registry.url, requestTimeoutMs: 300 }).register(
        's-value',
        LabelContract,
      );
      expect(id).toBe(42);
      expect(registry.registrations()).toBe(2);
    } finally {
      for (const res of stalled) res.destroy();
      await registry.close();
    }
  });

  it('does not repeat a refusal', async () => {
    const registry = await standIn((_attempt, res) => {
      res.statusCode = 409;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ error_code: 409, message: 'incompatible' }));
    });
    try {
      const attempt = new ContractRegistry({ url: registry.url, requestTimeoutMs: 300 }).register(
        's-value',
        LabelContract,
      );
      await expect(attempt).rejects.toBeInstanceOf(IncompatibleSchemaError);
      expect(registry.registrations()).toBe(1);
    } finally {
      await registry.close();
    }
  });
});

describe('ContractRegistry compatibility under concurrency', () => {
  // What Apicurio answers every writer but the first when several configure a new subject at once.
  const lostRace = {
    putStatus: 409,
    putBody: { message: "A rule named 'COMPATIBILITY' already exists.", error_code: 0 },
  };
  const answerId = (_attempt: number, res: ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ id: 7 }));
  };

  it('accepts a lost race when the winner set the wanted level', async () => {
    const registry = await standIn(answerId, { ...lostRace, level: 'BACKWARD' });
    try {
      const id = await new ContractRegistry({ url: registry.url }).register('s-value', LabelContract);
      expect(id).toBe(7);
    } finally {
      await registry.close();
    }
  });

  it('names both levels when the subject was configured differently', async () => {
    const registry = await standIn(answerId, { ...lostRace, level: 'FULL' });
    try {
      const attempt = new ContractRegistry({ url: registry.url }).setCompatibility('s-value', 'BACKWARD');
      await expect(attempt).rejects.toBeInstanceOf(CompatibilityConflictError);
      await expect(attempt).rejects.toThrow('Subject s-value has compatibility FULL, not BACKWARD');
      expect(registry.registrations()).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('keeps any other refusal of the configuration an error', async () => {
    const registry = await standIn(answerId, { putStatus: 422, putBody: { message: 'bad level' } });
    try {
      const attempt = new ContractRegistry({ url: registry.url }).setCompatibility('s-value', 'BACKWARD');
      await expect(attempt).rejects.toBeInstanceOf(SchemaRegistryError);
      await expect(attempt).rejects.toThrow('HTTP 422');
    } finally {
      await registry.close();
    }
  });
});
