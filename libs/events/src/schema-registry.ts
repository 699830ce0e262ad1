import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { type Contract } from './contract';
import { IncompatibleSchemaError, SchemaRegistryError } from './errors';

export type Compatibility =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export interface SchemaRegistryOptions {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7 */
  url: string;
  username?: string;
  password?: string;
  /** Per-request timeout; a request that times out is retried. Default 10 s. */
  requestTimeoutMs?: number;
  /** Attempts per call for timeouts, network errors and 5xx answers. Default 4. */
  attempts?: number;
  /**
   * How long an id the registry does not know is looked up again, with backoff, before records
   * written with it are given up on: a schema registered on another replica may take a moment to
   * be seen here. Default 15 s (below the consumer's session timeout: the batch waits for it).
   */
  unknownSchemaWaitMs?: number;
  /** How long an id concluded unknown stays so before one more lookup. Default 60 s. */
  unknownSchemaRecheckMs?: number;
  /** Clock and sleep, replaced in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Whether a failed registry call is worth repeating: no answer (timeout, reset, refused) or a
 * server error. Registering and looking up are idempotent, so repeating them is safe.
 */
function isTransient(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  if (/Timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|fetch failed|aborted/i.test(message)) return true;
  return status !== undefined && status >= 500;
}

const NO_ANSWER =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up|Timeout/i;

/**
 * What a failed call of the registry client means. Its HTTP library reports a connection that
 * never got an answer as "status 400" (e.g. `Error, status 400: connect ECONNREFUSED`), which read
 * like the registry refusing the request; such a failure has no HTTP status and says so.
 */
export function registryFailure(error: unknown, url: string): { status?: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status?: number }).status;
  const noAnswer = NO_ANSWER.exec(message);
  if (noAnswer) {
    return {
      message: `no answer from the schema registry at ${url} (${noAnswer[0]}): it is down or unreachable; check SCHEMA_REGISTRY_URL, the call is repeated once it answers`,
    };
  }
  return { status, message };
}

/** Two writers want different compatibility levels for one subject: a configuration error, not a race. */
export class CompatibilityConflictError extends SchemaRegistryError {
  constructor(
    readonly subject: string,
    readonly wanted: string,
    readonly current: string,
  ) {
    super(
      `Subject ${subject} has compatibility ${current}, not ${wanted}: another writer configured it differently`,
      409,
    );
    this.name = 'CompatibilityConflictError';
  }
}

/** TopicNameStrategy: the value schema of topic T is registered under subject `T-value`. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * The schema registry as Continuum uses it: register a contract under a subject with an explicit
 * compatibility level, and look up writer schemas by id (found ones cached for the life of the
 * process, since ids are immutable; unknown ones looked up again, see `writerType`).
 */
export class ContractRegistry {
  private readonly client: SchemaRegistry;
  private readonly writerTypes = new Map<number, Promise<Type | undefined>>();
  /** Ids the registry answered unknown for a whole wait, with when that was concluded. */
  private readonly unknownIds = new Map<number, number>();
  private readonly registered = new Map<string, Promise<number>>();

  constructor(readonly options: SchemaRegistryOptions) {
    const auth =
      options.username !== undefined
        ? { username: options.username, password: options.password ?? '' }
        : undefined;
    const timeout = options.requestTimeoutMs ?? 10_000;
    // Without a timeout a request whose answer never comes (seen once: a registry POST on a reused
    // keep-alive connection) would hang a service's start-up forever.
    const withTimeout = () => ({
      request: (request: { enhance: (changes: { timeout: number }) => unknown }) =>
        request.enhance({ timeout }),
    });
    this.client = new SchemaRegistry({
      host: options.url,
      auth,
      clientId: 'continuum',
      middlewares: [withTimeout as never],
    });
  }

  /** Runs a registry call, repeating it with backoff while it fails transiently. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Registers the contract's schema under `subject` and returns its id. The subject's
   * compatibility is set explicitly first: the client library compares `/config/{subject}` with
   * its own setting before registering and throws when they differ (registries answer that URL
   * with the global default for new subjects), and an explicit level is what we want anyway.
   */
  register<T>(
    subject: string,
    contract: Contract<T>,
    compatibility: Compatibility = 'BACKWARD',
  ): Promise<number> {
    const key = `${subject}\u0000${contract.schemaText}\u0000${compatibility}`;
    let id = this.registered.get(key);
    if (!id) {
      id = this.registerNow(subject, contract, compatibility);
      this.registered.set(key, id);
      id.catch(() => this.registered.delete(key));
    }
    return id;
  }

  private async registerNow<T>(
    subject: string,
    contract: Contract<T>,
    compatibility: Compatibility,
  ): Promise<number> {
    await this.setCompatibility(subject, compatibility);
    try {
      const { id } = await this.retrying(() =>
        this.client.register(
          { type: 'AVRO' as never, schema: contract.schemaText },
          { subject, compatibility: compatibility as never },
        ),
      );
      this.writerTypes.set(id, Promise.resolve(contract.type));
      return id;
    } catch (error) {
      const { status, message } = registryFailure(error, this.options.url);
      if (status === 409)
        throw new IncompatibleSchemaError(subject, compatibility, message, { cause: error });
      throw new SchemaRegistryError(
        `Registering ${contract.name} under ${subject} failed: ${message}`,
        status,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Sets the subject's compatibility level. Idempotent under concurrency: Apicurio stores the level
   * as a rule that only one of several simultaneous first writers can create; the others are
   * answered 409 "A rule named 'COMPATIBILITY' already exists". The subject is then configured, so
   * the level is read back: the wanted one is success, another one is a CompatibilityConflictError.
   */
  async setCompatibility(subject: string, compatibility: Compatibility): Promise<void> {
    const response = await this.configRequest(subject, 'PUT', compatibility);
    if (response.ok) return;
    const detail = await response.text();
    if (response.status === 409 && /already exists/i.test(detail)) {
      const current = await this.settledCompatibility(subject, compatibility);
      if (current === compatibility) return;
      throw new CompatibilityConflictError(subject, compatibility, current);
    }
    throw new SchemaRegistryError(
      `Setting compatibility ${compatibility} on ${subject} failed: HTTP ${response.status} ${detail}`,
      response.status,
    );
  }

  /** The subject's compatibility level (the registry's default when the subject has none of its own). */
  async compatibility(subject: string): Promise<string> {
    const response = await this.configRequest(subject, 'GET');
    const body = await response.text();
    if (!response.ok) {
      throw new SchemaRegistryError(
        `Reading the compatibility of ${subject} failed: HTTP ${response.status} ${body}`,
        response.status,
      );
    }
    return (JSON.parse(body) as { compatibilityLevel: string }).compatibilityLevel;
  }

  /**
   * The level after a lost race, read a few times: the winner's write may become visible a moment
   * after the loser is refused, and a read of the default in between is not a conflict.
   */
  private async settledCompatibility(subject: string, wanted: Compatibility): Promise<string> {
    let current = await this.compatibility(subject);
    for (let read = 1; current !== wanted && read < 4; read++) {
      await new Promise((resolve) => setTimeout(resolve, 100 * read));
      current = await this.compatibility(subject);
    }
    return current;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
    if (this.options.username !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    }
    return headers;
  }

  /**
   * One attempt to reach the registry (its global configuration, a small answer), for waiting at
   * start-up: reachable, or why not. Refused credentials throw, since waiting cannot fix them.
   */
  async probe(timeoutMs = 5_000): Promise<{ ok: true } | { ok: false; reason: string }> {
    let answer: Response;
    try {
      answer = await fetch(`${this.options.url}/config`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(Math.min(timeoutMs, this.options.requestTimeoutMs ?? timeoutMs)),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, reason: cause?.code ?? cause?.message ?? (error as Error).message };
    }
    await answer.body?.cancel();
    if (answer.ok) return { ok: true };
    if (answer.status === 401 || answer.status === 403) {
      throw new SchemaRegistryError(
        `The schema registry at ${this.options.url} refused the credentials (HTTP ${answer.status}): check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD`,
        answer.status,
      );
    }
    return { ok: false, reason: `HTTP ${answer.status}` };
  }

  /** One `/config/{subject}` call, repeated on timeouts, network errors and 5xx answers. */
  private async configRequest(
    subject: string,
    method: 'GET' | 'PUT',
    compatibility?: Compatibility,
  ): Promise<Response> {
    const url = `${this.options.url}/config/${encodeURIComponent(subject)}`;
    const headers = this.headers();
    const timeout = this.options.requestTimeoutMs ?? 10_000;
    try {
      return await this.retrying(async () => {
        const answer = await fetch(url, {
          method,
          headers,
          body: method === 'PUT' ? JSON.stringify({ compatibility }) : undefined,
          signal: AbortSignal.timeout(timeout),
        });
        // A server error is transient: repeat it like a missing answer.
        if (answer.status >= 500)
          throw Object.assign(new Error(`HTTP ${answer.status}`), { status: answer.status });
        return answer;
      });
    } catch (error) {
      throw new SchemaRegistryError(`Schema registry unreachable at ${this.options.url}`, undefined, {
        cause: error,
      });
    }
  }

  /**
   * The writer schema of `id`. Resolves to undefined when the registry answers that it does not
   * know the id, again and again for `unknownSchemaWaitMs` (the record can then never be decoded:
   * dead-letter it); that verdict is kept for `unknownSchemaRecheckMs`, then one more lookup is
   * made. Rejects with SchemaRegistryError when the registry cannot be asked (retry the batch
   * later; an unreachable registry never makes a record undecodable).
   */
  writerType(id: number): Promise<Type | undefined> {
    const now = this.options.now ?? Date.now;
    const concluded = this.unknownIds.get(id);
    if (concluded !== undefined && now() - concluded < (this.options.unknownSchemaRecheckMs ?? 60_000)) {
      return Promise.resolve(undefined);
    }
    let type = this.writerTypes.get(id);
    if (!type) {
      // The first lookup of an id waits for it; a recheck of one already concluded unknown asks once.
      const waitMs = concluded === undefined ? (this.options.unknownSchemaWaitMs ?? 15_000) : 0;
      const lookup = this.fetchWriterType(id, waitMs);
      type = lookup;
      this.writerTypes.set(id, lookup);
      lookup.then(
        (found) => {
          if (found) return void this.unknownIds.delete(id);
          this.writerTypes.delete(id);
          this.unknownIds.set(id, now());
        },
        () => this.writerTypes.delete(id),
      );
    }
    return type;
  }

  /** The cached writer type when its lookup already finished, for the synchronous decode path. */
  cachedWriterType(id: number): Promise<Type | undefined> | undefined {
    return this.writerTypes.get(id);
  }

  /** Looks `id` up, again with backoff while the registry answers 404, for at most `waitMs`. */
  private async fetchWriterType(id: number, waitMs: number): Promise<Type | undefined> {
    const now = this.options.now ?? Date.now;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = now() + waitMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
      try {
        const schema = (await this.retrying(() => this.client.getSchema(id))) as unknown as Type;
        // The client returns an avsc Type for Avro schemas; rebuild it from its JSON so that our
        // avsc options (no logical-type conversion: timestamps stay epoch milliseconds) apply.
        return Type.forSchema(JSON.parse(JSON.stringify(schema.schema())));
      } catch (error) {
        const { status, message } = registryFailure(error, this.options.url);
        if (status !== 404) {
          throw new SchemaRegistryError(`Looking up schema id ${id} failed: ${message}`, status, {
            cause: error,
          });
        }
        if (now() >= deadline) return undefined;
        await sleep(Math.min(delay, Math.max(0, deadline - now())));
      }
    }
  }
}
