import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { IncompatibleSchemaError, SchemaRegistryError } from './errors';
import { LabelContract } from './generated/contracts';
import { CompatibilityConflictError, ContractRegistry, registryFailure } from './schema-registry';

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

describe('ContractRegistry unknown schema ids', () => {
  /** A registry that answers 404 for schema id 7 until `known` is set, then its schema. */
  async function idStandIn() {
    const state = { known: false, lookups: 0, down: false };
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/vnd.schemaregistry.v1+json');
        if (state.down) {
          res.statusCode = 503;
          return void res.end(JSON.stringify({ error_code: 50301, message: 'unavailable' }));
        }
        state.lookups++;
        if (!state.known) {
          res.statusCode = 404;
          return void res.end(JSON.stringify({ error_code: 40403, message: 'Schema 7 not found.' }));
        }
        res.end(JSON.stringify({ schema: LabelContract.schemaText }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, state, close: () => new Promise((r) => server.close(r)) };
  }

  /** A clock that moves only when the registry sleeps or the test says so. */
  function clock() {
    const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
    return c;
  }

  it('looks an unknown id up again with backoff and finds a schema registered meanwhile', async () => {
    const registry = await idStandIn();
    const c = clock();
    try {
      const client = new ContractRegistry({
        url: registry.url,
        unknownSchemaWaitMs: 10_000,
        now: c.now,
        sleep: async (ms) => {
          await c.sleep(ms);
          if (c.t >= 1_000) registry.state.known = true; // registered on another replica, seen a second later
        },
      });
      const type = await client.writerType(7);
      expect(type?.equals(LabelContract.type)).toBe(true);
      expect(registry.state.lookups).toBeGreaterThan(2);
    } finally {
      await registry.close();
    }
  });

  it('gives up after the bounded wait, keeps that verdict for a while, then asks once more', async () => {
    const registry = await idStandIn();
    const c = clock();
    try {
      const client = new ContractRegistry({
        url: registry.url,
        unknownSchemaWaitMs: 5_000,
        unknownSchemaRecheckMs: 60_000,
        now: c.now,
        sleep: c.sleep,
      });
      expect(await client.writerType(7)).toBeUndefined();
      expect(c.t).toBeGreaterThanOrEqual(5_000);
      const afterWait = registry.state.lookups;

      c.t += 1_000;
      expect(await client.writerType(7)).toBeUndefined();
      expect(registry.state.lookups).toBe(afterWait); // within the recheck interval: not asked

      c.t += 60_000;
      registry.state.known = true;
      expect((await client.writerType(7))?.equals(LabelContract.type)).toBe(true);
      expect(registry.state.lookups).toBe(afterWait + 1);
    } finally {
      await registry.close();
    }
  });

  it('never calls an id unknown while the registry cannot answer', async () => {
    const registry = await idStandIn();
    registry.state.down = true;
    try {
      const client = new ContractRegistry({ url: registry.url, attempts: 1, unknownSchemaWaitMs: 0 });
      await expect(client.writerType(7)).rejects.toBeInstanceOf(SchemaRegistryError);
      registry.state.down = false;
      registry.state.known = true;
      expect((await client.writerType(7))?.equals(LabelContract.type)).toBe(true);
    } finally {
      await registry.close();
    }
  });
});

describe('ContractRegistry: a registry that does not answer (issue 10 item 9)', () => {
  it('says there was no answer, not "status 400", and gives the failure no HTTP status', async () => {
    // A port with nothing listening: the connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const url = `http://127.0.0.1:${port}`;
    const client = new ContractRegistry({ url, attempts: 1 });
    const failure = await client.writerType(7).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SchemaRegistryError);
    const { message, status } = failure as SchemaRegistryError;
    expect(status).toBeUndefined();
    expect(message).not.toMatch(/status 400/);
    expect(message).toBe(
      `Looking up schema id 7 failed: no answer from the schema registry at ${url} (ECONNREFUSED): it is down or unreachable; check SCHEMA_REGISTRY_URL, the call is repeated once it answers`,
    );
  });

  it('keeps what the registry itself answered', () => {
    const refused = Object.assign(new Error('Error, status 422: Invalid schema'), { status: 422 });
    expect(registryFailure(refused, 'http://r')).toEqual({
      status: 422,
      message: 'Error, status 422: Invalid schema',
    });
  });
});
